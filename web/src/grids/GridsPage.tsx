import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { App, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorText } from '../api/client';
import { localized } from '../i18n';
import {
  gridApi,
  type Bilingual,
  type GridDetail,
  type GridFeatureCollection,
  type GridSummary,
} from './api';
import { GridDetails } from './GridDetails';
import { GridLegend } from './GridLegend';
import { GridTree, type GridTreeHandle } from './GridTree';

// maplibre is the biggest library of the console: the tree loads and answers while it arrives
const GridMap = lazy(() => import('./GridMap').then((module) => ({ default: module.GridMap })));

/** Height of the element, followed as the window changes. */
function useHeight<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState(400);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setHeight(Math.max(120, Math.floor(entry.contentRect.height)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, height];
}

/**
 * 网格地图: the grid tree on the left, the selected grid's subtree on the map on the right.
 * Choosing a grid in the tree draws its subtree; clicking a grid on the map selects it without moving the map.
 * The selected grid is in the address (/console/grids/CODE), so a reload or a shared link shows the same grid.
 */
export function GridsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { code: selectedCode = null } = useParams<{ code: string }>();
  const [rootCode, setRootCode] = useState<string | null>(selectedCode);
  const [collection, setCollection] = useState<GridFeatureCollection | null>(null);
  const [loadingMap, setLoadingMap] = useState(false);
  const [detail, setDetail] = useState<GridDetail | null>(null);
  const [loadingDetail, setLoadingDetail] = useState(false);
  const [detailsOpen, setDetailsOpen] = useState(true);
  const levelNames = useRef(new Map<string, Bilingual>());
  const tree = useRef<GridTreeHandle>(null);
  const [treeBody, treeHeight] = useHeight<HTMLDivElement>();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';

  const showError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return; // the session ends and the login page explains
      void message.error(errorText(error, language === 'en' ? 'en' : 'zh-CN'));
    },
    [message, language],
  );
  // loads must not start again when only the language changes
  const showErrorRef = useRef(showError);
  showErrorRef.current = showError;

  const select = useCallback(
    (code: string) => {
      if (code !== selectedCode) navigate(`/console/grids/${encodeURIComponent(code)}`);
      setDetailsOpen(true);
    },
    [navigate, selectedCode],
  );

  // names of every level, for the map's hover text (the tree and the card carry their own)
  useEffect(() => {
    const controller = new AbortController();
    gridApi
      .levels(controller.signal)
      .then((levels) => {
        for (const level of levels) levelNames.current.set(level.key, level.name);
      })
      .catch(() => {
        // the hover text then shows the names the tree has loaded, else the level's key
      });
    return () => controller.abort();
  }, []);

  // the map draws the subtree of the root grid
  useEffect(() => {
    if (!rootCode) return;
    const controller = new AbortController();
    setLoadingMap(true);
    gridApi
      .subtree(rootCode, controller.signal)
      .then((answer) => {
        setCollection(answer);
        setLoadingMap(false);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoadingMap(false);
        setCollection({ type: 'FeatureCollection', features: [] });
        showErrorRef.current(error);
      });
    return () => controller.abort();
  }, [rootCode]);

  // the details card follows the selection; the tree opens down to it
  useEffect(() => {
    if (!selectedCode) {
      setDetail(null);
      return;
    }
    const controller = new AbortController();
    setLoadingDetail(true);
    gridApi
      .detail(selectedCode, controller.signal)
      .then((answer) => {
        levelNames.current.set(answer.level, answer.levelName);
        setDetail(answer);
        setLoadingDetail(false);
        void tree.current?.reveal(
          answer.code,
          answer.ancestors.map((ancestor) => ancestor.code),
        );
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoadingDetail(false);
        setDetail(null);
        if (error instanceof ApiError && error.status === 404) void message.warning(i18n.t('grids.notFound'));
        else showErrorRef.current(error);
      });
    return () => controller.abort();
  }, [selectedCode, message, i18n]);

  const inCollection = (code: string) =>
    collection?.features.some((f) => f.properties.code === code) ?? false;

  return (
    <div className="grids-page">
      <aside className="grids-side">
        <div className="grids-side-title">{t('grids.tree')}</div>
        <div className="grids-side-body" ref={treeBody}>
          <GridTree
            ref={tree}
            selectedCode={selectedCode}
            height={treeHeight}
            onError={showError}
            onLoaded={(items) => {
              for (const item of items) levelNames.current.set(item.level, item.levelName);
            }}
            onRoots={(_roots, start) => {
              if (!selectedCode && start) {
                setRootCode(start.code);
                navigate(`/console/grids/${encodeURIComponent(start.code)}`, { replace: true });
              }
            }}
            onSelect={(grid: GridSummary) => {
              // a smallest grid already on the map is only highlighted; anything else becomes the map's root
              if (!(grid.childCount === 0 && inCollection(grid.code))) setRootCode(grid.code);
              select(grid.code);
            }}
          />
        </div>
      </aside>
      <section className="grids-map">
        <Suspense
          fallback={
            <div className="grid-map-loading">
              <Spin size="small" /> {t('grids.mapLoading')}
            </div>
          }
        >
          <GridMap
            collection={collection}
            rootCode={rootCode}
            selectedCode={selectedCode}
            loading={loadingMap}
            onSelect={select}
            rightInset={detailsOpen ? 320 : 0}
            describe={({ level, gridType }) =>
              `${localized(levelNames.current.get(level), language) || level} · ${t(`gridType.${gridType}`, { defaultValue: gridType })}`
            }
          />
        </Suspense>
        <GridLegend collection={collection} />
        {detailsOpen && selectedCode ? (
          <GridDetails
            grid={detail}
            loading={loadingDetail}
            focused={detail?.code === rootCode}
            onFocus={(code) => setRootCode(code)}
            onSelect={(code) => {
              setRootCode(code);
              select(code);
            }}
            onClose={() => setDetailsOpen(false)}
          />
        ) : null}
      </section>
    </div>
  );
}
