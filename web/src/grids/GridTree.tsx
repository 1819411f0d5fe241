import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Empty, Spin, Tag, Tree } from 'antd';
import type { TreeDataNode, TreeProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { localized } from '../i18n';
import { gridApi, type GridSummary } from './api';

/** Key of the "load more" node under a parent with more children than one page. */
const MORE = 'more:';
const ROOT = '';

interface Children {
  codes: string[];
  total: number;
  page: number;
}

export interface GridTreeHandle {
  /** Load the branch down to `code` (parents given top first), expand it, and scroll the grid into view. */
  reveal(code: string, ancestors: string[]): Promise<void>;
}

export interface GridTreeProps {
  selectedCode: string | null;
  height: number;
  onSelect(grid: GridSummary): void;
  /**
   * The top grids are known, and where people should start: the first grid where the tree branches below a
   * single top grid, else the first top grid. The page selects it when nothing is selected yet.
   */
  onRoots(roots: GridSummary[], start: GridSummary | undefined): void;
  /** Every grid the tree has loaded, for names of levels elsewhere on the page. */
  onLoaded?(grids: GridSummary[]): void;
  onError(error: unknown): void;
}

/** The grid tree, loaded one level at a time as people open it. */
export const GridTree = forwardRef<GridTreeHandle, GridTreeProps>(function GridTree(
  { selectedCode, height, onSelect, onRoots, onLoaded, onError },
  ref,
) {
  const { t, i18n } = useTranslation();
  const [grids, setGrids] = useState<Map<string, GridSummary>>(new Map());
  const [children, setChildren] = useState<Map<string, Children>>(new Map());
  const [expanded, setExpanded] = useState<string[]>([]);
  const [loadingRoots, setLoadingRoots] = useState(true);
  const treeRef = useRef<{
    scrollTo(options: { key: string; align?: 'top' | 'bottom' | 'auto'; offset?: number }): void;
  }>(null);
  // the latest state for the async reveal, which outlives renders
  const childrenRef = useRef(children);
  childrenRef.current = children;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;

  const store = useCallback((parent: string, items: GridSummary[], total: number, page: number) => {
    onLoadedRef.current?.(items);
    setGrids((previous) => {
      const next = new Map(previous);
      for (const item of items) next.set(item.code, item);
      return next;
    });
    setChildren((previous) => {
      const next = new Map(previous);
      const before = page > 1 ? (previous.get(parent)?.codes ?? []) : [];
      const codes = [...before, ...items.map((item) => item.code).filter((code) => !before.includes(code))];
      next.set(parent, { codes, total, page });
      childrenRef.current = next;
      return next;
    });
  }, []);

  const loadChildren = useCallback(
    async (parent: string, page = 1) => {
      const answer = await gridApi.children(parent, page);
      store(parent, answer.items, answer.total, page);
      return answer;
    },
    [store],
  );

  useEffect(() => {
    const controller = new AbortController();
    gridApi
      .roots(controller.signal)
      .then(async (answer) => {
        store(ROOT, answer.items, answer.total, 1);
        // One top grid: open it, and go down while there is only one way down (a district with one street in
        // the system); people start where the tree first branches.
        let start = answer.items.length === 1 ? answer.items[0] : undefined;
        const open: string[] = [];
        for (let depth = 0; start && start.childCount > 0 && depth < 4; depth++) {
          const below = await loadChildren(start.code);
          open.push(start.code);
          if (below.items.length !== 1) break;
          start = below.items[0];
        }
        setExpanded((previous) => [...new Set([...previous, ...open])]);
        setLoadingRoots(false);
        onRoots(answer.items, start ?? answer.items[0]);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoadingRoots(false);
        onErrorRef.current(error);
      });
    return () => controller.abort();
    // the roots are loaded once per page visit
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      async reveal(code, ancestors) {
        const open: string[] = [];
        const roots = childrenRef.current.get(ROOT)?.codes ?? [];
        // ancestors above the user's top grids are not in this tree
        const first = ancestors.findIndex((ancestor) => roots.includes(ancestor));
        if (first < 0 && !roots.includes(code)) return;
        for (const ancestor of first < 0 ? [] : ancestors.slice(first)) {
          if (!childrenRef.current.has(ancestor)) {
            try {
              await loadChildren(ancestor);
            } catch (error) {
              onErrorRef.current(error);
              return;
            }
          }
          open.push(ancestor);
        }
        setExpanded((previous) => [...new Set([...previous, ...open])]);
        // after the expanded nodes have rendered
        window.setTimeout(() => treeRef.current?.scrollTo({ key: code, align: 'auto', offset: 40 }), 50);
      },
    }),
    [loadChildren],
  );

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const treeData = useMemo(() => {
    const build = (parent: string): TreeDataNode[] => {
      const list = children.get(parent);
      if (!list) return [];
      const nodes: TreeDataNode[] = list.codes.map((code) => {
        const grid = grids.get(code)!;
        return {
          key: code,
          isLeaf: grid.childCount === 0,
          title: (
            <span className="tree-node" data-code={code} title={`${grid.name} · ${code}`}>
              <span className="tree-node-name">{grid.name}</span>
              <Tag className="tree-node-level" bordered={false}>
                {localized(grid.levelName, language)}
              </Tag>
              {grid.childCount > 0 ? <span className="tree-node-count">{grid.childCount}</span> : null}
              {!grid.hasBoundary ? <span className="tree-node-warning">{t('grids.noBoundary')}</span> : null}
            </span>
          ),
          children: children.has(code) ? build(code) : undefined,
        };
      });
      if (parent !== ROOT && list.codes.length < list.total) {
        nodes.push({
          key: `${MORE}${parent}`,
          isLeaf: true,
          title: (
            <span className="tree-node-more">
              {t('grids.loadMore', { count: list.total - list.codes.length })}
            </span>
          ),
        });
      }
      return nodes;
    };
    return build(ROOT);
  }, [children, grids, language, t]);

  const loadData: TreeProps['loadData'] = async (node) => {
    const code = String(node.key);
    if (code.startsWith(MORE) || childrenRef.current.has(code)) return;
    try {
      await loadChildren(code);
    } catch (error) {
      onErrorRef.current(error);
    }
  };

  if (loadingRoots) {
    return (
      <div className="grid-tree-empty">
        <Spin />
      </div>
    );
  }
  if (treeData.length === 0) {
    return <Empty className="grid-tree-empty" description={t('grids.treeEmpty')} />;
  }
  return (
    <Tree
      ref={treeRef as never}
      className="grid-tree"
      data-testid="grid-tree"
      blockNode
      showLine={{ showLeafIcon: false }}
      height={height}
      treeData={treeData}
      loadData={loadData}
      loadedKeys={[...children.keys()].filter(Boolean)}
      expandedKeys={expanded}
      onExpand={(keys) => setExpanded(keys.map(String))}
      selectedKeys={selectedCode ? [selectedCode] : []}
      onSelect={(_keys, info) => {
        const key = String(info.node.key);
        if (key.startsWith(MORE)) {
          const parent = key.slice(MORE.length);
          const page = (childrenRef.current.get(parent)?.page ?? 1) + 1;
          loadChildren(parent, page).catch((error: unknown) => onErrorRef.current(error));
          return;
        }
        const grid = grids.get(key);
        if (grid) onSelect(grid);
      }}
    />
  );
});
