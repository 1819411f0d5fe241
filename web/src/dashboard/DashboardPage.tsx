import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { App, Card, Skeleton, Spin, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorText } from '../api/client';
import type { OpenEvents } from '../events/EventsPanel';
import { DEADLINE_HEX, deadlineColour } from '../events/logic';
import type { MapMarker } from '../grids/GridMap';
import { gridApi, type Bilingual, type GridFeatureCollection, type GridSummary } from '../grids/api';
import { localized } from '../i18n';
import { peopleApi, type Portrait } from '../people/api';
import './dashboard.css';

const GridMap = lazy(() => import('../grids/GridMap').then((module) => ({ default: module.GridMap })));
const PortraitView = lazy(() => import('./PortraitView'));
// the events panel and the drawer come with the events chunk (tables, timeline, forms)
const EventsPanel = lazy(() =>
  import('../events/EventsPanel').then((module) => ({ default: module.EventsPanel })),
);

/**
 * The grid people start from: below a single top grid, down while there is only one way down (a district with
 * one street in the system), as the grid tree does.
 */
async function topGrid(signal: AbortSignal): Promise<GridSummary | null> {
  const roots = await gridApi.roots(signal);
  let start = roots.items.length === 1 ? roots.items[0] : undefined;
  for (let depth = 0; start && start.childCount > 0 && depth < 4; depth++) {
    const below = await gridApi.children(start.code, 1, signal);
    if (below.items.length !== 1) break;
    start = below.items[0];
  }
  return start ?? roots.items[0] ?? null;
}

/**
 * 一网统管, first form: the map of the user's top grid with every grid below it outlined, the portrait's
 * counters beside it, and the events: counters, the newest ones live from the stream, open ones as markers.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [grid, setGrid] = useState<GridSummary | null>(null);
  const [collection, setCollection] = useState<GridFeatureCollection | null>(null);
  const [portrait, setPortrait] = useState<Portrait | null>(null);
  const [loading, setLoading] = useState(true);
  const [empty, setEmpty] = useState(false);
  const levelNames = useRef(new Map<string, Bilingual>());
  const [openEvents, setOpenEvents] = useState<OpenEvents>([]);
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
    const controller = new AbortController();
    const { signal } = controller;
    const fail = (error: unknown) => {
      if (signal.aborted || (error instanceof ApiError && error.status === 401)) return;
      void message.error(errorText(error));
    };
    gridApi
      .levels(signal)
      .then((levels) => {
        for (const level of levels) levelNames.current.set(level.key, level.name);
      })
      .catch(() => undefined);
    topGrid(signal)
      .then((top) => {
        if (!top) {
          setEmpty(true);
          setLoading(false);
          return;
        }
        setGrid(top);
        peopleApi.portrait(top.code, undefined, signal).then(setPortrait).catch(fail);
        return gridApi.subtree(top.code, signal).then((answer) => {
          setCollection(answer);
          setLoading(false);
        });
      })
      .catch((error: unknown) => {
        setLoading(false);
        fail(error);
      });
    return () => controller.abort();
  }, [message]);

  const counters = [
    { key: 'population', value: portrait?.population },
    { key: 'households', value: portrait?.households },
    { key: 'microGrids', value: portrait?.positions.microGrids },
    { key: 'withoutLeader', value: portrait?.positions.microGridsWithoutLeader },
  ];

  return (
    <div className="dashboard-page" data-testid="dashboard-page">
      <section className="dashboard-map">
        <Suspense
          fallback={
            <div className="grid-map-loading">
              <Spin size="small" /> {t('grids.mapLoading')}
            </div>
          }
        >
          <GridMap
            collection={collection}
            rootCode={grid?.code ?? null}
            selectedCode={null}
            loading={loading}
            onSelect={(code) => navigate(`/console/grids/${encodeURIComponent(code)}`)}
            markers={markers}
            onMarkerClick={openEvent}
            describe={({ level, gridType }) =>
              `${localized(levelNames.current.get(level), language) || level} · ${t(`gridType.${gridType}`, { defaultValue: gridType })}`
            }
          />
        </Suspense>
        {grid ? (
          <div className="dashboard-map-title">
            <span className="dashboard-map-name">{grid.name}</span>
            <span className="dashboard-map-level">{localized(grid.levelName, language)}</span>
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
              <EventsPanel onOpen={openEvent} onOpenEvents={setOpenEvents} />
            </Suspense>
            <Card size="small" className="dashboard-portrait" title={t('portrait.title')}>
              {portrait ? (
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
