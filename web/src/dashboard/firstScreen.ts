import { prefetch } from '../api/client';
import { readStoredSession } from '../accounts/session';
import { eventApi } from '../events/api';
import { startOfDay } from '../events/logic';
import { gridApi } from '../grids/api';
import { peopleApi } from '../people/api';
import { lazyLoaded } from '../ui/lazyLoaded';

/**
 * The dashboard's requests, named once: the page makes them, and the start-up asks for them ahead (`prefetch`),
 * so that the data comes while the page's code is still loading and parsing. The addresses must be the same
 * in both places, to the character: that is why they are built here.
 */

/** The newest events in the live feed. */
export const FEED_SIZE = 8;
/** The newest events looked at for the map's markers and the open count. */
export const OPEN_EVENTS_SIZE = 200;
/** How far back the completion rate looks (办结率 of the last 30 days, from the start of a day). */
export const PERIOD_DAYS = 30;

/** The counters' windows: today from midnight, the period from midnight PERIOD_DAYS ago (stable through the day). */
export function countersQuery(now: Date): { todayFrom: string; periodFrom: string } {
  const todayFrom = startOfDay(now);
  return {
    todayFrom,
    periodFrom: new Date(Date.parse(todayFrom) - PERIOD_DAYS * 86_400_000).toISOString(),
  };
}

/** The dashboard and its two lazily loaded parts, which render at once when start-up has loaded them. */
export const DashboardPage = lazyLoaded(() =>
  import('./DashboardPage').then((module) => module.DashboardPage),
);
export const GridMap = lazyLoaded(() => import('../grids/GridMap').then((module) => module.GridMap));
// the events panel and the drawer come with the events chunk (tables, timeline, forms)
export const EventsPanel = lazyLoaded(() =>
  import('../events/EventsPanel').then((module) => module.EventsPanel),
);

/** The addresses that show the dashboard: /, /console and /console/dashboard. */
export function isDashboardAddress(pathname: string): boolean {
  return /^\/(console(\/dashboard)?\/?)?$/.test(pathname);
}

/** How long React waits for the dashboard's code before it starts anyway (the page then shows a spinner). */
const PAGE_WAIT_MS = 1_500;

/**
 * At start-up on the dashboard with a stored session: ask for the first screen's data — the counters, the newest
 * events, the grid levels, and the start grid's portrait and map — and load the page's code beside it. Without a
 * session, or elsewhere, nothing happens. Resolves when the page's own code is here (not the map's), or after
 * PAGE_WAIT_MS: React should start then, as a page that suspends shows its fallback and is then held back by
 * React for up to 300 ms.
 */
export function startDashboard(pathname: string, now = new Date()): Promise<void> {
  if (!isDashboardAddress(pathname)) return Promise.resolve();
  const user = readStoredSession();
  if (!user) return Promise.resolve();
  // the page, its map and its events panel, fetched now rather than one after the other as React reaches them
  // (a failure shows when the page itself asks for them); first, as the server answers files at once and the
  // data after a few queries
  const [page] = [DashboardPage, GridMap, EventsPanel].map((part) =>
    part.preload().then(
      () => undefined,
      () => undefined,
    ),
  );
  // the server works through them in this order: the map's grids first, as drawing them takes longest
  const start = user.startGrid?.code;
  prefetch(() => {
    if (start) void gridApi.subtree(start);
    void eventApi.stats(countersQuery(now));
    if (start) void peopleApi.portrait(start);
    void eventApi.list({ pageSize: OPEN_EVENTS_SIZE });
    void eventApi.list({ pageSize: FEED_SIZE });
    void gridApi.levels();
  });
  return Promise.race([page!, new Promise<void>((resolve) => window.setTimeout(resolve, PAGE_WAIT_MS))]);
}
