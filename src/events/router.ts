/**
 * Routing (E2): from a report's category and located grids to the department and handling grid it should go to.
 * The real router is built from the responsibility lists in src/duties; until it is wired, no suggestion is made
 * and the dispatcher chooses.
 */
export interface RoutingInput {
  categoryCode: string;
  /** The located grids, top level first (with their ids and names when the caller has them). */
  gridChain: { code: string; level: string; id?: number; name?: string }[];
}

export interface Suggestion {
  departmentId?: number;
  handlingGridCode?: string;
  /** Why, in Chinese and English: shown beside the suggestion so that it can be checked and overridden. */
  reasons: { zh: string; en: string }[];
}

export interface EventRouter {
  suggest(input: RoutingInput): Promise<Suggestion | null>;
}

export const noSuggestionRouter: EventRouter = {
  async suggest() {
    return null;
  },
};

/**
 * 自处置 which categories a grid worker may handle on the spot himself. Default: the minor classes of city
 * appearance (01), street order (05) and greenery (13) — small things a worker can settle at once.
 */
export interface EventsPolicy {
  selfHandlingMajors: readonly string[];
  /** Largest attachment in bytes (default 10 MB). */
  maxAttachmentBytes: number;
}

export const defaultEventsPolicy: EventsPolicy = {
  selfHandlingMajors: ['01', '05', '13'],
  maxAttachmentBytes: 10 * 1024 * 1024,
};
