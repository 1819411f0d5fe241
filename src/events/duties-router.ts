import type { Clock } from '../core/clock.js';
import type { DutyService } from '../duties/service.js';
import type { EventRouter, RoutingInput, Suggestion } from './router.js';

/** How long a suggestion for one category in one grid is reused: intake is bursty, the lists change rarely. */
const REUSE_MS = 10_000;

/**
 * The event router over the responsibility lists (src/duties): the most specific matter for the category in the
 * nearest grid of the chain names the department and the handling grid, with the reasons the dispatcher sees.
 * Suggestions are reused for a few seconds per (category, micro-grid), so a burst of reports from one place
 * costs one look-up; an edited list is seen within REUSE_MS.
 */
export function dutiesRouter(duties: DutyService, clock: Clock): EventRouter {
  const recent = new Map<string, { at: number; suggestion: Suggestion | null }>();
  return {
    async suggest(input: RoutingInput): Promise<Suggestion | null> {
      const grid = input.gridChain.at(-1);
      if (!grid) return null;
      const key = `${input.categoryCode}|${grid.code}`;
      const now = clock.now().getTime();
      const known = recent.get(key);
      if (known && now - known.at < REUSE_MS) return known.suggestion;
      const route = await duties.suggestForGrid({ categoryCode: input.categoryCode, gridCode: grid.code });
      const suggestion: Suggestion = {
        departmentId: route.department?.id,
        handlingGridCode: route.handlingGrid,
        reasons: route.reasons,
      };
      if (recent.size > 10_000) recent.clear();
      recent.set(key, { at: now, suggestion });
      return suggestion;
    },
  };
}
