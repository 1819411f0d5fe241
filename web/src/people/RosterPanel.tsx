import { useEffect, useState } from 'react';
import { Button, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../accounts/session';
import { localized } from '../i18n';
import { useGridNames } from '../settings/gridNames';
import { usePagedList } from '../settings/usePagedList';
import { maySeeSpecialGroups } from './access';
import { peopleApi, type Person, type PersonFilter, type Portrait } from './api';
import { dwelling } from './format';
import { PersonDrawer } from './PersonDrawer';

const PAGE_SIZE = 20;
/** A mainland mobile number; anything else typed in the lookup box is taken for an ID number. */
const MOBILE = /^1[3-9]\d{9}$/;
/** Province, city and district are the same for everyone in a grid: the table shows the rest of an address. */
// the district only right after a city, so that "…宝钢小区" of an address without a city is never taken for one
const REGION_PREFIX = /^(?:[^省]{2,}?省)?(?:[^市]{2,}?市(?:[^区县]{2,}?[区县])?)?/;

function localAddress(address: string): string {
  return address.replace(REGION_PREFIX, '') || address;
}

/**
 * 居民名册 (the page gives each grid a fresh panel, so a new grid starts on page one without filters): the residents of a grid and its subtree, a page at a time, filtered on the server. ID numbers and
 * phones are shown as the server gives them (masked); only the person drawer can unmask, one person at a time.
 */
export function RosterPanel({ gridCode }: { gridCode: string }) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const roles = user?.roles ?? [];
  const groupsVisible = maySeeSpecialGroups(roles);
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZE);
  const [name, setName] = useState('');
  const [lookup, setLookup] = useState('');
  const [filter, setFilter] = useState<Omit<PersonFilter, 'grid'>>({});
  const [groups, setGroups] = useState<Portrait['specialGroups']>([]);
  const [open, setOpen] = useState<number | null>(null);

  // the special groups and their counts in this grid, for the filter (who may filter by them)
  useEffect(() => {
    if (!groupsVisible) return;
    const controller = new AbortController();
    peopleApi
      .portrait(gridCode, undefined, controller.signal)
      .then((portrait) => setGroups(portrait.specialGroups))
      .catch(() => setGroups([]));
    return () => controller.abort();
  }, [gridCode, groupsVisible]);

  const { data, loading, reload } = usePagedList<Person>(
    (signal) => peopleApi.list({ grid: gridCode, ...filter }, page, pageSize, signal),
    [gridCode, filter, page, pageSize],
  );
  const names = useGridNames(data.items.map((person) => person.gridCode));

  const applyText = () => {
    const text = lookup.trim();
    setPage(1);
    setFilter((previous) => ({
      specialGroup: previous.specialGroup,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(text ? (MOBILE.test(text) ? { phone: text } : { idNumber: text.toUpperCase() }) : {}),
    }));
  };

  const columns: TableColumnsType<Person> = [
    {
      title: t('people.name'),
      dataIndex: 'name',
      width: 96,
      fixed: 'left',
      render: (value: string, person) => (
        <Typography.Link onClick={() => setOpen(person.id)} data-testid="person-open">
          {value}
        </Typography.Link>
      ),
    },
    {
      title: t('people.gender'),
      dataIndex: 'gender',
      width: 80,
      render: (value: Person['gender']) => (value ? t(`portrait.gender.${value}`) : '—'),
    },
    { title: t('people.birthDate'), dataIndex: 'birthDate', width: 104, render: (value) => value ?? '—' },
    {
      title: t('people.idNumber'),
      dataIndex: 'idNumber',
      width: 176,
      render: (value: string | null) =>
        value ? (
          <span className="people-secret" data-testid="id-number">
            {value}
          </span>
        ) : (
          '—'
        ),
    },
    {
      title: t('people.phone'),
      dataIndex: 'phone',
      width: 118,
      render: (value: string | null) =>
        value ? (
          <span className="people-secret" data-testid="phone">
            {value}
          </span>
        ) : (
          '—'
        ),
    },
    {
      // the address reads better than building codes; count-only roles get it masked down to the road
      title: t('people.address'),
      dataIndex: 'address',
      width: 230,
      ellipsis: { showTitle: false },
      render: (value: string | null, person) => (
        <Tooltip title={value ?? undefined}>
          <span>{value ? localAddress(value) : dwelling(person) || '—'}</span>
        </Tooltip>
      ),
    },
    {
      title: t('people.politicalStatus'),
      dataIndex: 'politicalStatus',
      width: 124,
      render: (value: string) => t(`portrait.politicalStatus.${value}`, { defaultValue: value }),
    },
    ...(groupsVisible
      ? [
          {
            title: t('people.specialGroups'),
            key: 'specialGroups',
            width: 150,
            render: (_value: unknown, person: Person) => (
              <Space size={[0, 2]} wrap>
                {(person.specialGroups ?? []).map((group) => (
                  <Tag key={group.group} color="orange" bordered={false}>
                    {localized(group.name, language)}
                  </Tag>
                ))}
              </Space>
            ),
          },
        ]
      : []),
    {
      title: t('people.grid'),
      dataIndex: 'gridCode',
      ellipsis: true,
      render: (code: string) => (
        <Tooltip title={code}>
          <span>{names.get(code) ?? code}</span>
        </Tooltip>
      ),
    },
  ];

  return (
    <div className="people-roster" data-testid="people-roster">
      <div className="people-filters">
        <Input
          allowClear
          value={name}
          onChange={(event) => setName(event.target.value)}
          onPressEnter={applyText}
          placeholder={t('people.namePlaceholder')}
          data-testid="people-name"
          style={{ width: 150 }}
        />
        <Input
          allowClear
          value={lookup}
          onChange={(event) => setLookup(event.target.value)}
          onPressEnter={applyText}
          placeholder={t('people.lookupPlaceholder')}
          data-testid="people-lookup"
          style={{ width: 230 }}
        />
        {groupsVisible ? (
          <Select
            allowClear
            value={filter.specialGroup}
            onChange={(value?: string) => {
              setPage(1);
              setFilter((previous) => ({ ...previous, specialGroup: value }));
            }}
            placeholder={t('people.anyGroup')}
            data-testid="people-group"
            style={{ width: 170 }}
            options={groups.map((group) => ({
              value: group.key,
              label: `${localized(group.name, language)}（${group.count}）`,
            }))}
          />
        ) : null}
        <Button type="primary" onClick={applyText} data-testid="people-search">
          {t('audit.search')}
        </Button>
        <Tooltip title={t('common.refresh')}>
          <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => reload()} />
        </Tooltip>
        <Typography.Text type="secondary" className="people-masked-note">
          <SafetyCertificateOutlined /> {t('people.maskedNote')}
        </Typography.Text>
      </div>
      <Table<Person>
        className="people-table"
        data-testid="people-table"
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        // the header, tabs and filters take about 300 px; the rows scroll below them, the pager stays in view
        scroll={{ x: 1250, y: 'calc(100vh - 300px)' }}
        onRow={(person) => ({ onDoubleClick: () => setOpen(person.id) })}
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          size: 'small',
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />
      <PersonDrawer personId={open} onClose={() => setOpen(null)} />
    </div>
  );
}
