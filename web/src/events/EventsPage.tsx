import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Input, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError, errorText } from '../api/client';
import { useSession } from '../accounts/session';
import { localized } from '../i18n';
import { GridPicker } from '../settings/GridPicker';
import { formatTime } from '../settings/time';
import { eventApi, type Category, type Department, type EventSummary } from './api';
import { EventDrawer } from './EventDrawer';
import { ReportModal } from './ReportModal';
import {
  DEADLINE_COLOURS,
  DEADLINE_HEX,
  EVENT_SOURCES,
  EVENT_STATES,
  deadlineColour,
  stateColour,
  type DeadlineColour,
} from './logic';
import './events.css';

const PAGE_SIZE = 15;
/** Roles that report through the console (src/accounts/roles.ts event.report). */
const REPORTERS = ['admin', 'command_centre', 'grid_worker', 'grid_leader', 'area_leader', 'district'];

/**
 * 事件工单: the events the user may see, filtered by state, grid, category, source, deadline colour and text; a row
 * opens the event's drawer; the report button opens the report form.
 */
export function EventsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const [items, setItems] = useState<EventSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [page, setPage] = useState(1);
  const [state, setState] = useState<string | undefined>();
  const [grids, setGrids] = useState<string[]>([]);
  const [category, setCategory] = useState<string | undefined>();
  const [source, setSource] = useState<string | undefined>();
  const [colour, setColour] = useState<DeadlineColour | undefined>();
  const [q, setQ] = useState('');
  const [categories, setCategories] = useState<Category[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [reporting, setReporting] = useState(false);
  const [tick, setTick] = useState(0);
  const openId = params.get('event') ? Number(params.get('event')) : null;

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return;
      void message.error(errorText(error));
    },
    [message],
  );

  useEffect(() => {
    const controller = new AbortController();
    eventApi.categories(controller.signal).then(setCategories).catch(fail);
    // departments are for dispatching; a role without duty.read simply gets none (403)
    eventApi
      .departments(controller.signal)
      .then((answer) => setDepartments(answer.items))
      .catch(() => undefined);
    return () => controller.abort();
  }, [fail]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    eventApi
      .list(
        {
          state,
          grid: grids[grids.length - 1],
          category,
          source,
          q: q.trim() || undefined,
          page,
          pageSize: PAGE_SIZE,
        },
        controller.signal,
      )
      .then((answer) => {
        setItems(answer.items);
        setTotal(answer.total);
        setLoading(false);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoading(false);
        fail(error);
      });
    return () => controller.abort();
  }, [state, grids, category, source, q, page, tick, fail]);

  const categoryName = useMemo(() => {
    const names = new Map<string, string>();
    for (const major of categories) {
      names.set(major.code, localized(major.name, language));
      for (const minor of major.children ?? []) names.set(minor.code, localized(minor.name, language));
    }
    return names;
  }, [categories, language]);

  const now = new Date();
  // the deadline colour filters the page in hand: the list endpoint has no such filter (yet)
  const shown = colour ? items.filter((item) => deadlineColour(item.deadlines, now) === colour) : items;
  const hasDeadlines = items.some((item) => item.deadlines !== undefined);

  const columns: ColumnsType<EventSummary> = [
    {
      title: t('events.number'),
      dataIndex: 'number',
      width: 160,
      render: (value: string, row) => (
        <Space size={4}>
          <span
            className="event-dot"
            style={{ background: DEADLINE_HEX[deadlineColour(row.deadlines, now)] }}
            title={t(`events.deadlineColour.${deadlineColour(row.deadlines, now)}`)}
          />
          <span>{value}</span>
        </Space>
      ),
    },
    {
      title: t('events.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (value: string, row) => (
        <span data-testid={`event-row-${row.id}`}>
          {value}
          {row.duplicateFlag ? (
            <Tag color="warning" style={{ marginLeft: 6 }}>
              {t('events.duplicate')}
            </Tag>
          ) : null}
        </span>
      ),
    },
    {
      title: t('events.category'),
      dataIndex: 'categoryCode',
      width: 150,
      ellipsis: true,
      render: (code: string) => categoryName.get(code) ?? code,
    },
    {
      title: t('events.stateLabel'),
      dataIndex: 'state',
      width: 96,
      render: (value: string) => (
        <Tag color={stateColour(value)} data-testid="event-state">
          {t(`events.state.${value}`, { defaultValue: value })}
        </Tag>
      ),
    },
    {
      title: t('events.grid'),
      dataIndex: 'grids',
      width: 150,
      ellipsis: true,
      render: (value: EventSummary['grids']) => value[value.length - 1]?.name ?? '—',
    },
    {
      title: t('events.source'),
      dataIndex: 'source',
      width: 84,
      render: (value: string) => t(`events.sourceName.${value}`, { defaultValue: value }),
    },
    {
      title: t('events.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      render: (value: string) => formatTime(value, language, false),
    },
  ];

  const categoryTree = categories.map((major) => ({
    value: major.code,
    title: localized(major.name, language),
    children: (major.children ?? []).map((minor) => ({
      value: minor.code,
      title: localized(minor.name, language),
    })),
  }));
  const mayReport = (user?.roles ?? []).some((role) => REPORTERS.includes(role));

  return (
    <div className="events-page" data-testid="events-page">
      <div className="events-toolbar">
        <Space wrap size={8}>
          <Select
            allowClear
            placeholder={t('events.stateLabel')}
            style={{ width: 120 }}
            value={state}
            data-testid="filter-state"
            onChange={(value) => {
              setState(value);
              setPage(1);
            }}
            options={EVENT_STATES.map((value) => ({ value, label: t(`events.state.${value}`) }))}
          />
          <div style={{ width: 200 }}>
            <GridPicker
              value={grids}
              onChange={(codes) => {
                setGrids(codes.slice(-1));
                setPage(1);
              }}
              onError={fail}
            />
          </div>
          <TreeSelect
            allowClear
            placeholder={t('events.category')}
            style={{ width: 170 }}
            value={category}
            treeData={categoryTree}
            showSearch={{ treeNodeFilterProp: 'title' }}
            onChange={(value) => {
              setCategory(value);
              setPage(1);
            }}
            listHeight={300}
          />
          <Select
            allowClear
            placeholder={t('events.source')}
            style={{ width: 110 }}
            value={source}
            onChange={(value) => {
              setSource(value);
              setPage(1);
            }}
            options={EVENT_SOURCES.map((value) => ({ value, label: t(`events.sourceName.${value}`) }))}
          />
          <Select
            allowClear
            placeholder={t('events.deadline')}
            style={{ width: 110 }}
            value={colour}
            onChange={setColour}
            title={hasDeadlines ? undefined : t('events.noDeadlinesYet')}
            options={DEADLINE_COLOURS.map((value) => ({
              value,
              label: (
                <Space size={4}>
                  <span className="event-dot" style={{ background: DEADLINE_HEX[value] }} />
                  {t(`events.deadlineColour.${value}`)}
                </Space>
              ),
            }))}
          />
          <Input.Search
            allowClear
            placeholder={t('events.search')}
            style={{ width: 180 }}
            onSearch={(value) => {
              setQ(value);
              setPage(1);
            }}
            data-testid="filter-q"
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => setTick((n) => n + 1)}
            aria-label={t('events.refresh')}
          />
        </Space>
        {mayReport ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setReporting(true)}
            data-testid="report-event"
          >
            {t('events.report')}
          </Button>
        ) : null}
      </div>
      <Table<EventSummary>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={shown}
        data-testid="events-table"
        scroll={{ y: 'calc(100vh - 64px - 150px)' }}
        onRow={(row) => ({
          onClick: () => setParams({ event: String(row.id) }),
          style: { cursor: 'pointer' },
        })}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total,
          showSizeChanger: false,
          size: 'small',
          showTotal: (count) => (
            <Typography.Text type="secondary" data-testid="events-total">
              {t('events.total', { count })}
            </Typography.Text>
          ),
          onChange: setPage,
        }}
      />
      <EventDrawer
        id={openId}
        departments={departments}
        onClose={() => setParams({})}
        onChanged={() => setTick((n) => n + 1)}
      />
      <ReportModal
        open={reporting}
        categories={categories}
        onClose={() => setReporting(false)}
        onReported={(id, number) => {
          setReporting(false);
          void message.success(t('events.reported', { number }));
          setTick((n) => n + 1);
          setParams({ event: String(id) });
        }}
      />
    </div>
  );
}
