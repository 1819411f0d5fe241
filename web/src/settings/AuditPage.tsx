import { useState } from 'react';
import { Button, DatePicker, Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { auditApi, type AuditEntry, type AuditFilter } from './api';
import { DetailList } from './AuditDetail';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, actionColor } from './auditActions';
import { useGridNames } from './gridNames';
import { formatTime } from './time';
import { usePagedList } from './usePagedList';
import './settings.css';

const PAGE_SIZE = 20;

type Range = [Dayjs | null, Dayjs | null] | null;

/** The query of the filter bar: whole days in the reader's time zone, `to` exclusive as the server wants it. */
function filterOf(
  range: Range,
  action: string | undefined,
  entity: string | undefined,
  text: { actor: string; entityKey: string },
): AuditFilter {
  const [start, end] = range ?? [null, null];
  return {
    ...(action ? { action } : {}),
    ...(entity ? { entity } : {}),
    ...(text.actor.trim() ? { actor: text.actor.trim() } : {}),
    ...(text.entityKey.trim() ? { entityKey: text.entityKey.trim() } : {}),
    ...(start ? { from: start.startOf('day').toISOString() } : {}),
    ...(end ? { to: end.add(1, 'day').startOf('day').toISOString() } : {}),
  };
}

/** 审计日志: every recorded write and sign-in in the reader's grids, newest first. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [range, setRange] = useState<Range>(null);
  const [action, setAction] = useState<string | undefined>();
  const [entity, setEntity] = useState<string | undefined>();
  const [actor, setActor] = useState('');
  const [entityKey, setEntityKey] = useState('');
  // the typed boxes apply on Enter or on the search button, the pickers at once
  const [applied, setApplied] = useState({ actor: '', entityKey: '' });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZE);
  const { data, loading, reload } = usePagedList<AuditEntry>(
    (signal) => auditApi.list(filterOf(range, action, entity, applied), page, pageSize, signal),
    [range, action, entity, applied, page, pageSize],
  );
  const names = useGridNames(data.items.flatMap((entry) => (entry.gridCode ? [entry.gridCode] : [])));
  const language = i18n.language;

  const apply = () => {
    setPage(1);
    setApplied({ actor, entityKey });
  };
  const reset = () => {
    setRange(null);
    setAction(undefined);
    setEntity(undefined);
    setActor('');
    setEntityKey('');
    setApplied({ actor: '', entityKey: '' });
    setPage(1);
  };
  const filtered = Boolean(range || action || entity || applied.actor || applied.entityKey);

  const columns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 170,
      render: (at: string) => <span className="audit-time">{formatTime(at, language)}</span>,
    },
    {
      title: t('audit.actor'),
      dataIndex: 'actor',
      width: 130,
      ellipsis: true,
      render: (name: string) => t(`audit.actors.${name}`, { defaultValue: name }),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 150,
      render: (code: string) => (
        <Tooltip title={code}>
          <Tag color={actionColor(code)} data-action={code}>
            {t(`audit.actions.${code}`, { defaultValue: code })}
          </Tag>
        </Tooltip>
      ),
    },
    {
      title: t('audit.entity'),
      key: 'entity',
      ellipsis: true,
      render: (_value, entry) => (
        <span>
          <Typography.Text type="secondary">
            {t(`audit.entities.${entry.entity}`, { defaultValue: entry.entity })}
          </Typography.Text>
          {entry.entityKey ? <span className="audit-key">{entry.entityKey}</span> : null}
        </span>
      ),
    },
    {
      title: t('audit.grid'),
      dataIndex: 'gridCode',
      width: 220,
      ellipsis: true,
      render: (code: string | null) =>
        code ? (
          <Tooltip title={code}>
            <span>{names.get(code) ?? code}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  return (
    <div className="settings-page" data-testid="audit-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('audit.title')}
        </Typography.Title>
        <Typography.Text type="secondary" className="settings-subtitle">
          {t('audit.subtitle')}
        </Typography.Text>
      </div>
      <div className="settings-filters">
        <DatePicker.RangePicker
          value={range}
          onChange={(value) => {
            setRange(value);
            setPage(1);
          }}
          allowEmpty={[true, true]}
          placeholder={[t('audit.from'), t('audit.to')]}
          data-testid="audit-range"
          style={{ width: 260 }}
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          value={action}
          onChange={(value?: string) => {
            setAction(value);
            setPage(1);
          }}
          placeholder={t('audit.anyAction')}
          data-testid="audit-action"
          style={{ width: 180 }}
          popupMatchSelectWidth={220}
          options={AUDIT_ACTIONS.map((code) => ({ value: code, label: t(`audit.actions.${code}`) }))}
        />
        <Select
          allowClear
          value={entity}
          onChange={(value?: string) => {
            setEntity(value);
            setPage(1);
          }}
          placeholder={t('audit.anyEntity')}
          style={{ width: 130 }}
          options={AUDIT_ENTITIES.map((code) => ({ value: code, label: t(`audit.entities.${code}`) }))}
        />
        <Input
          allowClear
          value={entityKey}
          onChange={(event) => setEntityKey(event.target.value)}
          onPressEnter={apply}
          placeholder={t('audit.entityKey')}
          style={{ width: 150 }}
        />
        <Input
          allowClear
          value={actor}
          onChange={(event) => setActor(event.target.value)}
          onPressEnter={apply}
          placeholder={t('audit.actorPlaceholder')}
          style={{ width: 130 }}
        />
        <Button type="primary" onClick={apply}>
          {t('audit.search')}
        </Button>
        <Button onClick={reset} disabled={!filtered && !actor && !entityKey}>
          {t('audit.reset')}
        </Button>
        <Tooltip title={t('common.refresh')}>
          <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => reload()} />
        </Tooltip>
      </div>
      <Table<AuditEntry>
        className="settings-table"
        data-testid="audit-table"
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        expandable={{
          expandedRowRender: (entry) => <DetailList detail={entry.detail} />,
          expandRowByClick: true,
        }}
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />
    </div>
  );
}
