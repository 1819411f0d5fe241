import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Tag, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { gridApi, type GridPage, type GridSummary } from '../grids/api';
import { localized } from '../i18n';
import { rememberGridName, useGridNames } from './gridNames';

interface TreeNode {
  id: string;
  pId: string | null;
  value: string;
  title: React.ReactNode;
  isLeaf: boolean;
}

interface LabeledValue {
  value: string;
  label: React.ReactNode;
}

export interface GridPickerProps {
  /** Codes of the chosen grids (a Form.Item sets it). */
  value?: string[];
  onChange?(codes: string[]): void;
  onError(error: unknown): void;
  id?: string;
  status?: '' | 'error' | 'warning';
}

const SEARCH_PAGE_SIZE = 50;

/**
 * The grids a user is bound to. The tree loads one level at a time like the grid map's tree (GET /api/grids,
 * then ?parent=CODE); typing searches every grid by name or code prefix on the server (?q=), because the tree of
 * a district has thousands of grids and only the opened ones are in the page. Choosing a grid binds its whole
 * subtree, so a parent and its child are never both needed; the server accepts either.
 */
export function GridPicker({ value = [], onChange, onError, id, status }: GridPickerProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [nodes, setNodes] = useState<GridSummary[]>([]);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<GridSummary[] | null>(null);
  const [searching, setSearching] = useState(false);
  const loadedParents = useRef(new Set<string>());
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const names = useGridNames(value);

  const add = useCallback((items: GridSummary[]) => {
    for (const item of items) rememberGridName(item.code, item.name);
    setNodes((previous) => {
      const seen = new Set(previous.map((node) => node.code));
      return [...previous, ...items.filter((item) => !seen.has(item.code))];
    });
  }, []);

  // the top grids once, when the picker first shows
  useEffect(() => {
    const controller = new AbortController();
    gridApi
      .roots(controller.signal)
      .then((answer) => add(answer.items))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) onErrorRef.current(error);
      });
    return () => controller.abort();
  }, [add]);

  // server-side search, a moment after the typing stops
  useEffect(() => {
    const text = search.trim();
    if (!text) {
      setFound(null);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setSearching(true);
      api<GridPage>('/api/grids', {
        query: { q: text, pageSize: SEARCH_PAGE_SIZE },
        signal: controller.signal,
      })
        .then((answer) => {
          for (const item of answer.items) rememberGridName(item.code, item.name);
          setFound(answer.items);
          setSearching(false);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setSearching(false);
          onErrorRef.current(error);
        });
    }, 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [search]);

  const titleOf = useCallback(
    (grid: GridSummary, withCode: boolean) => (
      <span className="grid-option" data-code={grid.code} title={`${grid.name} · ${grid.code}`}>
        <span className="grid-option-name">{grid.name}</span>
        <Tag bordered={false} className="grid-option-level">
          {localized(grid.levelName, language)}
        </Tag>
        {withCode ? <span className="grid-option-code">{grid.code}</span> : null}
      </span>
    ),
    [language],
  );

  const treeData: TreeNode[] = useMemo(() => {
    if (found) {
      // a flat list of matches; their parents need not be loaded
      return found.map((grid) => ({
        id: grid.code,
        pId: null,
        value: grid.code,
        title: titleOf(grid, true),
        isLeaf: true,
      }));
    }
    const codes = new Set(nodes.map((node) => node.code));
    return nodes.map((grid) => ({
      id: grid.code,
      // a top grid of the caller may have a parent outside the caller's grids
      pId: grid.parentCode && codes.has(grid.parentCode) ? grid.parentCode : null,
      value: grid.code,
      title: titleOf(grid, false),
      isLeaf: grid.childCount === 0,
    }));
  }, [found, nodes, titleOf]);

  const loadData = async (node: { value?: unknown }) => {
    const code = String(node.value);
    if (found || loadedParents.current.has(code)) return;
    loadedParents.current.add(code);
    try {
      const answer = await gridApi.children(code);
      add(answer.items);
    } catch (error) {
      loadedParents.current.delete(code);
      onErrorRef.current(error);
    }
  };

  const labeled: LabeledValue[] = value.map((code) => ({
    value: code,
    label: names.get(code) ?? code,
  }));

  return (
    <TreeSelect<LabeledValue[]>
      id={id}
      status={status}
      data-testid="grid-picker"
      multiple
      labelInValue
      treeDataSimpleMode
      treeData={treeData}
      loadData={loadData}
      value={labeled}
      onChange={(next) => onChange?.((next ?? []).map((item) => String(item.value)))}
      showSearch={{
        searchValue: search,
        onSearch: setSearch,
        filterTreeNode: false,
        autoClearSearchValue: true,
      }}
      loading={searching}
      placeholder={t('users.gridsPlaceholder')}
      notFoundContent={found ? t('users.gridsNoMatch') : undefined}
      treeLine
      allowClear
      maxTagCount="responsive"
      listHeight={320}
      style={{ width: '100%' }}
    />
  );
}
