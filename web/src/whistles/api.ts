import { api } from '../api/client';
import type { EventDeadline } from '../events/logic';

/** The whistle endpoints of the server (src/whistles/routes.ts, shapes from src/whistles/schema.ts). */

export interface WhistleParty {
  id: number;
  kind: 'department' | 'grid';
  departmentId: number | null;
  gridCode: string | null;
  name: string;
  status: 'summoned' | 'accepted' | 'overdue';
  /** Responded after the deadline. */
  late: boolean;
  respondedAt: string | null;
  handler: { userId: number | null; name: string | null } | null;
  /** Whether the whistling side has rated this party (never the score). */
  rated: boolean;
}

export interface WhistleNote {
  id: number;
  partyId: number | null;
  author: string;
  note: string;
  at: string;
}

export interface Whistle {
  id: number;
  eventId: number;
  gridCode: string;
  whistler: { userId: number; name: string };
  reason: string;
  urgent: boolean;
  state: 'open' | 'closed';
  respondBy: string;
  createdAt: string;
  closedAt: string | null;
  parties: WhistleParty[];
}

export interface WhistleDetail extends Whistle {
  notes: WhistleNote[];
}

export interface BlowBody {
  reason: string;
  departmentIds?: number[];
  gridCodes?: string[];
  urgent?: boolean;
  responseSeconds?: number;
}

export interface RespondBody {
  partyId?: number;
  handlerUserId?: number;
  handlerName?: string;
  note?: string;
}

export interface RatingRollup {
  from: string | null;
  to: string | null;
  /** k: fewer ratings than this show no average. */
  minimum: number;
  items: {
    departmentId: number;
    name: string;
    enough: boolean;
    count: number | null;
    average: number | null;
  }[];
}

export const whistleApi = {
  list: (query: { state?: 'open' | 'closed'; eventId?: number }, signal?: AbortSignal) =>
    api<{ items: Whistle[] }>('/api/whistles', { query, signal }),
  get: (id: number, signal?: AbortSignal) => api<WhistleDetail>(`/api/whistles/${id}`, { signal }),
  blow: (eventId: number, body: BlowBody) =>
    api<WhistleDetail>(`/api/events/${eventId}/whistles`, { method: 'POST', body }),
  respond: (id: number, body: RespondBody) =>
    api<WhistleDetail>(`/api/whistles/${id}/responses`, { method: 'POST', body }),
  note: (id: number, note: string) =>
    api<WhistleDetail>(`/api/whistles/${id}/notes`, { method: 'POST', body: { note } }),
  close: (id: number) => api<WhistleDetail>(`/api/whistles/${id}/close`, { method: 'POST' }),
  rate: (id: number, ratings: { partyId: number; score: number; comment?: string }[]) =>
    api<{ whistleId: number; rated: number }>(`/api/whistles/${id}/ratings`, {
      method: 'POST',
      body: { ratings },
    }),
  ratings: (signal?: AbortSignal) => api<RatingRollup>('/api/whistle-ratings', { signal }),
};

/** Share of the response window after which a whistle turns yellow (the last quarter). */
const WARN_SHARE = 0.75;

/**
 * The whistle's response clock as a deadline for the 三色 colour: running while a summoned party has not answered
 * and the whistle is open (yellow in the last quarter of the window, red past it), met once all answered, none
 * when closed (grey).
 */
export function whistleDeadlines(whistle: Whistle): EventDeadline[] {
  if (whistle.state === 'closed') return [];
  const start = Date.parse(whistle.createdAt);
  const due = Date.parse(whistle.respondBy);
  const warn = new Date(start + (due - start) * WARN_SHARE).toISOString();
  const waiting = whistle.parties.some((party) => party.status !== 'accepted');
  return [{ stage: 'respond', dueAt: whistle.respondBy, warnAt: warn, state: waiting ? 'running' : 'met' }];
}
