import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { App, Empty, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorText } from '../api/client';
import { gridApi, type GridDetail } from '../grids/api';
import { GridTree, type GridTreeHandle } from '../grids/GridTree';
import { localized } from '../i18n';
import { rememberGridName } from '../settings/gridNames';
import { PositionsPanel } from './PositionsPanel';
import { RosterPanel } from './RosterPanel';
import './people.css';

/** Height of the element, followed as the window changes (the tree is a virtual list and needs it). */
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

type TabKey = 'residents' | 'positions';

/**
 * 人员与力量: the grid tree on the left; on the right the residents of the chosen grid and its subtree (masked
 * as the server presents them) and the positions held in it (人在格上). The grid is in the address
 * (/console/people/CODE), the tab in `?tab=`, so a reload shows the same roster.
 */
export function PeoplePage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { code = null } = useParams<{ code: string }>();
  const [tab, setTab] = useState<TabKey>(() =>
    new URLSearchParams(window.location.search).get('tab') === 'positions' ? 'positions' : 'residents',
  );
  const [grid, setGrid] = useState<GridDetail | null>(null);
  const tree = useRef<GridTreeHandle>(null);
  const [treeBody, treeHeight] = useHeight<HTMLDivElement>();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';

  const showError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return;
      void message.error(errorText(error));
    },
    [message],
  );
  const showErrorRef = useRef(showError);
  showErrorRef.current = showError;

  const select = useCallback(
    (next: string) => {
      if (next !== code)
        navigate(`/console/people/${encodeURIComponent(next)}${tab === 'positions' ? '?tab=positions' : ''}`);
    },
    [navigate, code, tab],
  );

  useEffect(() => {
    if (!code) {
      setGrid(null);
      return;
    }
    const controller = new AbortController();
    gridApi
      .detail(code, controller.signal)
      .then((answer) => {
        rememberGridName(answer.code, answer.name);
        setGrid(answer);
        void tree.current?.reveal(
          answer.code,
          answer.ancestors.map((ancestor) => ancestor.code),
        );
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setGrid(null);
        showErrorRef.current(error);
      });
    return () => controller.abort();
  }, [code]);

  return (
    <div className="people-page" data-testid="people-page">
      <aside className="grids-side people-side">
        <div className="grids-side-title">{t('people.chooseGrid')}</div>
        <div className="grids-side-body" ref={treeBody}>
          <GridTree
            ref={tree}
            selectedCode={code}
            height={treeHeight}
            onError={showError}
            onRoots={(_roots, start) => {
              if (!code && start)
                navigate(`/console/people/${encodeURIComponent(start.code)}`, { replace: true });
            }}
            onSelect={(chosen) => select(chosen.code)}
          />
        </div>
      </aside>
      <section className="people-main">
        {code ? (
          <>
            <div className="people-head">
              <Typography.Title level={4} className="people-title" data-testid="people-grid">
                {grid?.code === code ? grid.name : code}
              </Typography.Title>
              {grid?.code === code ? <Tag bordered={false}>{localized(grid.levelName, language)}</Tag> : null}
              <Typography.Text type="secondary" className="people-code">
                {code}
              </Typography.Text>
            </div>
            <Tabs
              className="people-tabs"
              activeKey={tab}
              onChange={(key) => {
                setTab(key as TabKey);
                navigate(
                  `/console/people/${encodeURIComponent(code)}${key === 'positions' ? '?tab=positions' : ''}`,
                  { replace: true },
                );
              }}
              items={[
                {
                  key: 'residents',
                  label: <span data-testid="tab-residents">{t('people.residents')}</span>,
                  children: <RosterPanel key={code} gridCode={code} />,
                },
                {
                  key: 'positions',
                  label: <span data-testid="tab-positions">{t('people.positions')}</span>,
                  children: (
                    <PositionsPanel
                      gridCode={code}
                      gridLevel={grid?.code === code ? grid.level : null}
                      onSelect={select}
                    />
                  ),
                },
              ]}
            />
          </>
        ) : (
          <Empty className="people-empty" description={t('people.chooseGridHint')} />
        )}
      </section>
    </div>
  );
}
