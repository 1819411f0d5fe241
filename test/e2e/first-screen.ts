/**
 * The console's first screen timed on the page's own clock (milliseconds from navigation start), for the e2e test
 * and `bench/console-load.ts` alike. Install `FIRST_SCREEN_RECORDER` as an init script before the navigation; read
 * `FIRST_SCREEN_READ` after it.
 *
 * - `counters`: the portrait's and the events' counters both show a value;
 * - `map`: the map has drawn its grids (maplibre's idle event, GridMap sets data-state and data-rendered-grids);
 * - `presented`: the frame after that has been put on screen. A browser without a GPU (headless Chromium draws
 *   WebGL with SwiftShader, on the CPU) only then has the map's pixels: the difference is the software renderer's.
 *
 * A MutationObserver notes the moments when the page changes; polling from the test would go through the page's
 * main thread, which the map's frames keep busy.
 */
export const FIRST_SCREEN_RECORDER = `(() => {
  const seen = (window.__firstScreen = {});
  const value = (id) => document.querySelector('[data-testid=' + id + '] .ant-statistic-content-value');
  const check = () => {
    if (!seen.counters && value('counter-population') && value('event-counter-today')) seen.counters = performance.now();
    const map = document.querySelector('[data-testid=grid-map]');
    if (!seen.map && map && map.dataset.state === 'idle' && Number(map.dataset.renderedGrids) > 0) {
      seen.map = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => (seen.presented = performance.now())));
    }
    if (seen.counters && seen.map) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-rendered-grids'],
  });
})()`;

export interface FirstScreen {
  counters: number;
  map: number;
  presented: number;
  domContentLoaded: number;
  /** The map's own moments (GridMap.tsx): made, style loaded, first drawn with its grids. */
  marks: { name: string; at: number }[];
  /** Every file and API answer the page loaded: when it was asked for and when it came. */
  resources: { name: string; start: number; end: number }[];
}

/** Is everything noted? (`presented` comes last.) */
export const FIRST_SCREEN_DONE = `Boolean(window.__firstScreen && window.__firstScreen.presented && window.__firstScreen.counters)`;

export const FIRST_SCREEN_READ = `(() => {
  const seen = window.__firstScreen;
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    counters: seen.counters, map: seen.map, presented: seen.presented,
    domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : 0,
    marks: performance.getEntriesByType('mark').filter((mark) => mark.name.startsWith('gezhi:'))
      .map((mark) => ({ name: mark.name.slice(6), at: mark.startTime })),
    resources: performance.getEntriesByType('resource').map((entry) => ({
      name: entry.name, start: entry.startTime, end: entry.responseEnd,
    })),
  };
})()`;
