import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { Suspense, type ReactElement } from 'react';
import { prefetch, tokenStore } from '../api/client';
import { gridApi } from '../grids/api';
import { fakeServer, renderInConsole } from '../test/render';
import { lazyLoaded } from '../ui/lazyLoaded';
import { DashboardPage, startDashboard } from './firstScreen';

// the map draws with WebGL, which happy-dom has not: a stand-in that shows what it was given
vi.mock('../grids/GridMap', () => ({
  GridMap: ({ collection }: { collection: { features: unknown[] } | null }) => (
    <div data-testid="grid-map-stand-in">{collection ? collection.features.length : 'none'}</div>
  ),
}));

const START = { code: '310113003', name: '友谊路街道', level: 'street' };

/** A stored session as the login answer leaves it, naming the grid the dashboard starts from. */
function signedInWithStart(startGrid: typeof START | null | undefined): void {
  localStorage.setItem('gezhi.token', 'token-centre');
  localStorage.setItem(
    'gezhi.session',
    JSON.stringify({
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: {
        id: 3,
        username: 'centre',
        displayName: '城运中心',
        roles: ['command_centre'],
        grids: [START.code],
        startGrid,
      },
    }),
  );
}

const portrait = {
  grid: { code: START.code, name: START.name, level: 'street' },
  at: '2026-11-26T00:00:00Z',
  population: 12_345,
  households: 4_321,
  gender: { male: 1, female: 1, unknown: 0 },
  ageGroups: [],
  politicalStatus: [],
  specialGroups: [],
  organisations: { total: 0, byKind: [] },
  positions: { byKind: [], microGrids: 40, microGridsWithoutLeader: 2, vacantMicroGrids: [] },
};

/** The dashboard's addresses, each answered; the list of requests the page's code made. */
function serveDashboard() {
  return fakeServer({
    [`GET /api/grids/${START.code}/portrait`]: portrait,
    'GET /api/grids/export': {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: null, properties: { code: START.code } }],
    },
    'GET /api/events/stats': { today: 3, open: 7, overdue: 1, periodDone: 9, periodTotal: 10 },
    'GET /api/events': { items: [], total: 0 },
    'GET /api/grid-levels': [{ key: 'street', rank: 3, name: { zh: '街道', en: 'Street' } }],
    'GET /api/auth/me': { id: 3, roles: ['command_centre'], permissions: [], startGrid: START },
  });
}

const count = (seen: { method: string; path: string }[], path: string) =>
  seen.filter((request) => request.method === 'GET' && request.path === path).length;

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('answers asked for ahead (prefetch)', () => {
  it('are taken once by the same request of the same session, and asked again after', async () => {
    const seen = fakeServer({ 'GET /api/grids/export': { type: 'FeatureCollection', features: [] } });
    tokenStore.set('token-a');
    prefetch(() => void gridApi.subtree('310113003'));
    expect(count(seen, '/api/grids/export')).toBe(1);
    await expect(gridApi.subtree('310113003')).resolves.toEqual({ type: 'FeatureCollection', features: [] });
    expect(count(seen, '/api/grids/export')).toBe(1);
    await gridApi.subtree('310113003');
    expect(count(seen, '/api/grids/export')).toBe(2);
  });

  it('are not given to another session, nor to another address', async () => {
    const seen = fakeServer({ 'GET /api/grids/export': { type: 'FeatureCollection', features: [] } });
    tokenStore.set('token-a');
    prefetch(() => void gridApi.subtree('310113003'));
    await gridApi.subtree('310113004');
    expect(count(seen, '/api/grids/export')).toBe(2);
    tokenStore.set('token-b');
    await gridApi.subtree('310113003');
    expect(count(seen, '/api/grids/export')).toBe(3);
  });
});

describe('the first screen at start-up', () => {
  it("asks for the dashboard's data once, and the page takes those answers instead of asking again", async () => {
    signedInWithStart(START);
    const seen = serveDashboard();
    await startDashboard('/console/dashboard');
    const early = seen.map((request) => request.path).sort();
    expect(early).toEqual(
      [
        '/api/events',
        '/api/events',
        '/api/events/stats',
        '/api/grid-levels',
        '/api/grids/export',
        `/api/grids/${START.code}/portrait`,
      ].sort(),
    );

    renderInConsole(<DashboardPage />);
    await waitFor(() => expect(screen.getByTestId('counter-population').textContent).toContain('12,345'));
    await waitFor(() => expect(screen.getByTestId('event-counter-today').textContent).toContain('3'));
    await waitFor(() => expect(screen.getByTestId('grid-map-stand-in').textContent).toBe('1'));
    // every address the page asked for was one start-up had asked for already: the same address to the character
    for (const path of new Set(early))
      expect(count(seen, path), path).toBe(early.filter((p) => p === path).length);
  });

  it('asks for nothing on another page, or without a session', async () => {
    const seen = serveDashboard();
    signedInWithStart(START);
    await startDashboard('/console/events');
    localStorage.clear();
    await startDashboard('/console/dashboard');
    expect(seen).toEqual([]);
  });

  it('without a start grid in the session (stored before the server gave it), the page finds it itself', async () => {
    signedInWithStart(undefined);
    const seen = fakeServer({
      'GET /api/grids': {
        items: [
          {
            ...START,
            levelName: { zh: '街道', en: 'Street' },
            depth: 1,
            parentCode: null,
            gridType: 'street',
            childCount: 0,
            hasBoundary: true,
          },
        ],
        total: 1,
      },
      [`GET /api/grids/${START.code}/portrait`]: portrait,
      'GET /api/grids/export': { type: 'FeatureCollection', features: [] },
      'GET /api/events/stats': { today: 0, open: 0, overdue: 0, periodDone: 0, periodTotal: 0 },
      'GET /api/events': { items: [], total: 0 },
      'GET /api/grid-levels': [],
    });
    await startDashboard('/console/dashboard');
    expect(count(seen, `/api/grids/${START.code}/portrait`)).toBe(0);
    renderInConsole(<DashboardPage />);
    await waitFor(() => expect(screen.getByTestId('counter-population').textContent).toContain('12,345'));
    expect(count(seen, '/api/grids')).toBe(1);
  });
});

describe('parts loaded ahead (lazyLoaded)', () => {
  it('render at once when their code is here, and suspend otherwise', async () => {
    let release: (() => void) | undefined;
    const Part = lazyLoaded(
      () =>
        new Promise<() => ReactElement>((resolve) => {
          release = () => resolve(() => <p>the part</p>);
        }),
    );
    const first = render(
      <Suspense fallback={<p>waiting</p>}>
        <Part />
      </Suspense>,
    );
    expect(first.container.textContent).toBe('waiting');
    release!();
    await waitFor(() => expect(first.container.textContent).toBe('the part'));
    first.unmount();
    // loaded now: the very first render shows it, without a fallback on the way
    const second = render(
      <Suspense fallback={<p>waiting</p>}>
        <Part />
      </Suspense>,
    );
    expect(second.container.textContent).toBe('the part');
  });
});
