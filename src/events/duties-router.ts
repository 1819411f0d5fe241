import type { Clock } from '../core/clock.js';
import { routeWith, type DutyService, type RoutingTable } from '../duties/service.js';
import type { EventRouter, RoutingInput, Suggestion } from './router.js';

/** How long the responsibility lists are routed from memory before they are read again. */
const REUSE_MS = 10_000;

/**
 * The event router over the responsibility lists (src/duties): the most specific matter for the category in the
 * nearest grid of the chain names the department and the handling grid, with the reasons the dispatcher sees.
 *
 * Intake routes every report, so the lists valid today are read once and kept in memory (a few thousand rows in
 * a large city) and each report is routed without a query. They are read again after REUSE_MS, when the date
 * changes, and at once after a write through this process's DutyService; a change made on another server is
 * seen within REUSE_MS. A chain without grid ids falls back to DutyService.suggestForGrid.
 */
export function dutiesRouter(duties: DutyService, clock: Clock): EventRouter {
  let table: { until: number; day: number; changes: number; value: Promise<RoutingTable> } | undefined;
  const current = (): Promise<RoutingTable> => {
    const now = performance.now();
    const day = Math.floor((clock.now().getTime() + 8 * 3600_000) / 86_400_000);
    if (!table || table.until <= now || table.day !== day || table.changes !== duties.changes) {
      const value = duties.routingTable();
      const loaded = { until: now + REUSE_MS, day, changes: duties.changes, value };
      table = loaded;
      value.catch(() => {
        if (table === loaded) table = undefined;
      });
    }
    return table.value;
  };
  return {
    async suggest(input: RoutingInput): Promise<Suggestion | null> {
      if (input.gridChain.length === 0) return null;
      const chain = input.gridChain.slice().reverse();
      const route = chain.every((grid) => grid.id !== undefined && grid.name !== undefined)
        ? routeWith(
            await current(),
            input.categoryCode,
            chain.map((grid) => ({ id: grid.id!, code: grid.code, name: grid.name!, level: grid.level })),
          )
        : await duties.suggestForGrid({ categoryCode: input.categoryCode, gridCode: chain[0]!.code });
      return {
        departmentId: route.department?.id,
        handlingGridCode: route.handlingGrid,
        reasons: route.reasons,
      };
    },
  };
}
