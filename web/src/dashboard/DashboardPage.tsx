import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { App, Card, Skeleton, Spin, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useSession, type StartGrid } from '../accounts/session';
import { ApiError, errorText } from '../api/client';
import type { OpenEvents } from '../events/EventsPanel';
import { DEADLINE_HEX, deadlineColour } from '../events/logic';
import type { MapMarker } from '../grids/GridMap';
import { gridApi, type Bilingual, type GridFeatureCollection } from '../grids/api';
import { localized } from '../i18n';
import { peopleApi, type Portrait } from '../people/api';
import { EventsPanel, GridMap } from './firstScreen';
import './dashboard.css';

const PortraitView = lazy(() => import('./PortraitView'));

/**
 * The grid to start from when the session does not name one (a session stored before the server gave it, or one
 * whose grid is no longer the user's): below a single top grid, down while there is only one way down, as the server
 * decides it for the session (GET /api/auth/me `startGrid`).
 */
async function topGrid(signal: AbortSignal): Promise<StartGrid | null> {
  const roots = await gridApi.roots(signal);
  let start = roots.items.length === 1 ? roots.items[0] : undefined;
  for (let depth = 0; start && start.childCount > 0 && depth < 4; depth++) {
    const below = await gridApi.children(start.code, 1, signal);
    if (below.items.length !== 1) break;
    start = below.items[0];
  }
  const top = start ?? roots.items[0];
  return top ? { code: top.code, name: top.name, level: top.level } : null;
}

/** The portrait's charts (echarts) wait for the map to be drawn, at most this long. */
const CHARTS_AFTER_MS = 3_000;

/** Runs `then` once the browser has put the last frame on screen and has nothing else to do (or after 1 s). */
function afterFrame(then: () => void): void {
  requestAnimationFrame(() => {
    // (Safari has no requestIdleCallback)
    if (typeof window.requestIdleCallback === 'function')
      window.requestIdleCallback(then, { timeout: 1_000 });
    else setTimeout(then, 100);
  });
}

/**
 * 一网统管, first form: the map of the user's start grid with every grid below it outlined, the portrait's
 * counters beside it, and the events: counters, the newest ones live from the stream, open ones as markers.
 * Its requests were mostly sent at start-up (firstScreen.ts); here they are taken.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { user } = useSession();
  const start = user?.startGrid;
  const [grid, setGrid] = useState<StartGrid | null>(null);
  const [collection, setCollection] = useState<GridFeatureCollection | null>(null);
  const [portrait, setPortrait] = useState<Portrait | null>(null);
  const [loading, setLoading] = useState(true);
  const [empty, setEmpty] = useState(false);
  const [levels, setLevels] = useState<ReadonlyMap<string, Bilingual>>(new Map());
  // the charts come once the map is drawn: their library would hold up the map's first frames
  const [mapDrawn, setMapDrawn] = useState(false);
  const [openEvents, setOpenEvents] = useState<OpenEvents>([]);
  // the map and the events panel show their placeholders until their code is here, rather than suspend
  const mapCode = GridMap.useReady();
  const eventsCode = EventsPanel.useReady();
  const markers = useMemo<MapMarker[]>(() => {
    const now = new Date();
    return openEvents.map((event) => ({
      id: event.id,
      lng: event.location.lng,
      lat: event.location.lat,
      // a marker without a deadline clock is the brand's blue, not the grey of a paused one
      colour: event.deadlines ? DEADLINE_HEX[deadlineColour(event.deadlines, now)] : '#0b2e6f',
      title: `${event.number} ${event.title}`,
    }));
  }, [openEvents]);
  const openEvent = (id: number) => navigate(`/console/events?event=${id}`);
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';

  useEffect(() => {
    const timer = window.setTimeout(() => setMapDrawn(true), CHARTS_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const fail = (error: unknown) => {
      if (signal.aborted || (error instanceof ApiError && error.status === 401)) return;
      void message.error(errorText(error));
    };
    const notFound = (error: unknown) => error instanceof ApiError && error.status === 404;
    gridApi
      .levels(signal)
      .then((answer) => setLevels(new Map(answer.map((level) => [level.key, level.name]))))
      .catch(() => undefined);
    const show = async (top: StartGrid, named: boolean) => {
      setGrid(top);
      peopleApi
        .portrait(top.code, undefined, signal)
        .then(setPortrait)
        // a grid the session named that is gone is found again below; its portrait's 404 says nothing new
        .catch((error: unknown) => (named && notFound(error) ? undefined : fail(error)));
      setCollection(await gridApi.subtree(top.code, signal));
      setLoading(false);
    };
    const find = async () => {
      const top = await topGrid(signal);
      if (top) return show(top, false);
      setEmpty(true);
      setLoading(false);
    };
    (async () => {
      if (start === null) {
        setEmpty(true);
        setLoading(false);
      } else if (start) {
        // the session's grid may no longer be the user's (grids changed since it was stored): find it again
        await show(start, true).catch((error: unknown) => (notFound(error) ? find() : Promise.reject(error)));
      } else {
        await find();
      }
    })().catch((error: unknown) => {
      setLoading(false);
      fail(error);
    });
    return () => controller.abort();
  }, [message, start]);

  const counters = [
    { key: 'population', value: portrait?.population },
    { key: 'households', value: portrait?.households },
    { key: 'microGrids', value: portrait?.positions.microGrids },
    { key: 'withoutLeader', value: portrait?.positions.microGridsWithoutLeader },
  ];

  const mapLoading = (
    <div className="grid-map-loading">
      <Spin size="small" /> {t('grids.mapLoading')}
    </div>
  );

  return (
    <div className="dashboard-page" data-testid="dashboard-page">
      <section className="dashboard-map">
        {/* the map is made once its grids are here, drawn in one go rather than empty first */}
        <Suspense fallback={mapLoading}>
          {!mapCode || (collection === null && loading) ? (
            mapLoading
          ) : (
            <GridMap
              collection={collection}
              rootCode={grid?.code ?? null}
              selectedCode={null}
              loading={loading}
              onSelect={(code) => navigate(`/console/grids/${encodeURIComponent(code)}`)}
              markers={markers}
              onMarkerClick={openEvent}
              onDrawn={() => afterFrame(() => setMapDrawn(true))}
              describe={({ level, gridType }) =>
                `${localized(levels.get(level), language) || level} · ${t(`gridType.${gridType}`, { defaultValue: gridType })}`
              }
            />
          )}
        </Suspense>
        {grid ? (
          <div className="dashboard-map-title">
            <span className="dashboard-map-name">{grid.name}</span>
            <span className="dashboard-map-level">{localized(levels.get(grid.level), language)}</span>
          </div>
        ) : null}
      </section>
      <aside className="dashboard-side">
        {empty ? (
          <Typography.Text type="secondary">{t('grids.treeEmpty')}</Typography.Text>
        ) : (
          <>
            <div className="dashboard-counters" data-testid="dashboard-counters">
              {counters.map((counter) => (
                <Card
                  key={counter.key}
                  size="small"
                  className={`dashboard-counter dashboard-counter-${counter.key}`}
                >
                  <Statistic
                    title={t(`dashboard.${counter.key}`)}
                    value={counter.value ?? '—'}
                    loading={!portrait}
                    styles={
                      counter.key === 'withoutLeader' && (counter.value ?? 0) > 0
                        ? { content: { color: '#cf1322' } }
                        : undefined
                    }
                    data-testid={`counter-${counter.key}`}
                  />
                </Card>
              ))}
            </div>
            <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
              {eventsCode ? (
                <EventsPanel onOpen={openEvent} onOpenEvents={setOpenEvents} />
              ) : (
                <Skeleton active paragraph={{ rows: 3 }} />
              )}
            </Suspense>
            <Card size="small" className="dashboard-portrait" title={t('portrait.title')}>
              {portrait && (mapDrawn || empty) ? (
                <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}>
                  <PortraitView
                    portrait={portrait}
                    counters={false}
                    onSelect={(code) => navigate(`/console/grids/${encodeURIComponent(code)}`)}
                  />
                </Suspense>
              ) : (
                <Skeleton active paragraph={{ rows: 4 }} />
              )}
            </Card>
          </>
        )}
      </aside>
    </div>
  );
}
