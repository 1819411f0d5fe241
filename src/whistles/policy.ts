/** Settings of whistles (E6), data with documented defaults; a street may override them. */
export interface WhistlePolicy {
  /** Seconds a summoned party has to respond to an urgent whistle (default 30 min). */
  urgentResponseSeconds: number;
  /** … to any other whistle (default 2 h). */
  normalResponseSeconds: number;
  /** k of k-anonymity: ratings are shown only as aggregates of at least this many (default 5). */
  minimumRatingsShown: number;
}

export const defaultWhistlePolicy: WhistlePolicy = {
  urgentResponseSeconds: 30 * 60,
  normalResponseSeconds: 2 * 3600,
  minimumRatingsShown: 5,
};
