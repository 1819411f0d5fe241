/** Settings of whistles (E6), data with documented defaults; a street may override them. */
export interface WhistlePolicy {
  /** Seconds a summoned party has to respond to an urgent whistle (default 30 min). */
  urgentResponseSeconds: number;
  /** … to any other whistle (default 2 h). */
  normalResponseSeconds: number;
  /**
   * k of k-anonymity: ratings are shown only as aggregates of at least this many, and only over blocks of rating
   * days that each hold at least this many (default 5), so that comparing two answers never isolates fewer than k.
   */
  minimumRatingsShown: number;
}

export const defaultWhistlePolicy: WhistlePolicy = {
  urgentResponseSeconds: 30 * 60,
  normalResponseSeconds: 2 * 3600,
  minimumRatingsShown: 5,
};

/**
 * The whistle settings of an installation: the defaults and the overrides of streets (or of any grid), keyed by grid
 * code. A whistle takes the settings of its event's grid chain, a department's ratings those of the department's
 * grid chain; the deepest grid with an override wins.
 */
export interface WhistlePolicies {
  defaults: WhistlePolicy;
  byGrid: Record<string, Partial<WhistlePolicy>>;
}

export const defaultWhistlePolicies: WhistlePolicies = { defaults: defaultWhistlePolicy, byGrid: {} };

/** The settings for a grid chain (codes from the top level down). */
export function whistlePolicyFor(policies: WhistlePolicies, chainCodes: readonly string[]): WhistlePolicy {
  for (let i = chainCodes.length - 1; i >= 0; i--) {
    const override = policies.byGrid[chainCodes[i]!];
    if (override) return { ...policies.defaults, ...override };
  }
  return policies.defaults;
}
