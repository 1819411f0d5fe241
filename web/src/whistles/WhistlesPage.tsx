import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../accounts/server';
import { errorText } from '../api/client';
import { eventApi, type Department } from '../events/api';
import { DeadlineTag } from '../events/DeadlineTag';
import { formatTime } from '../settings/time';
import '../settings/settings.css';
import './whistles.css';
import { whistleApi, whistleDeadlines, type RatingRollup, type Whistle } from './api';
import { RatingsChart } from './RatingsChart';
import { PartyStatus, WhistleDrawer } from './WhistleDrawer';

type StateFilter = 'all' | 'open' | 'closed';

/**
 * 吹哨: the whistles in the user's reach (blown in his grids, or summoning his department or grid) with their
 * state, the summoned parties and how each answered (late ones marked), and the response clock in 三色; beside
 * them the departments' anonymous ratings for who may read them.
 */
export function WhistlesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const permissions = usePermissions();
  const [filter, setFilter] = useState<StateFilter>('open');
  const [items, setItems] = useState<Whistle[]>([]);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [rollup, setRollup] = useState<RatingRollup | null>(null);
  const [now, setNow] = useState(() => new Date());

  const load = useCallback(
    (signal?: AbortSignal) => {
      setLoading(true);
      whistleApi
        .list(filter === 'all' ? {} : { state: filter }, signal)
        .then((answer) => {
          setItems(answer.items);
          setFailure(null);
          setLoading(false);
          setNow(new Date());
        })
        .catch((error: unknown) => {
          if (signal?.aborted) return;
          setFailure(errorText(error));
          setLoading(false);
        });
    },
    [filter],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  useEffect(() => {
    const controller = new AbortController();
    eventApi
      .departments(controller.signal)
      .then((answer) => setDepartments(answer.items))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);

  const mayReadRatings = permissions?.has('whistle.ratings') ?? false;
  useEffect(() => {
    if (!mayReadRatings) return;
    const controller = new AbortController();
    whistleApi
      .ratings(controller.signal)
      .then(setRollup)
      .catch(() => undefined);
    return () => controller.abort();
  }, [mayReadRatings]);

  // the clock colours move with time even when nothing changes
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 30_000);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <div className="settings-page whistles-page" data-testid="whistles-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('nav.whistles')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('whistles.subtitle')}</Typography.Text>
        <div className="settings-tools">
          <Space>
            <Segmented<StateFilter>
              value={filter}
              onChange={setFilter}
              data-testid="whistle-filter"
              options={[
                { value: 'open', label: t('whistles.stateName.open') },
                { value: 'closed', label: t('whistles.stateName.closed') },
                { value: 'all', label: t('whistles.all') },
              ]}
            />
            <Button onClick={() => load()}>{t('common.refresh')}</Button>
          </Space>
        </div>
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      <div className="whistles-layout">
        <Table<Whistle>
          className="settings-table whistles-table"
          data-testid="whistles-table"
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={items}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(row) => ({ onClick: () => setSelected(row.id), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('whistles.whistle'),
              key: 'reason',
              render: (_, row) => (
                <div data-testid={`whistle-row-${row.id}`}>
                  <Typography.Text strong ellipsis style={{ maxWidth: 260 }}>
                    {row.reason}
                  </Typography.Text>
                  {row.urgent ? (
                    <Tag color="red" style={{ marginLeft: 6 }}>
                      {t('whistles.urgent')}
                    </Tag>
                  ) : null}
                  <div className="settings-sub">
                    <Typography.Text type="secondary">
                      {t('whistles.eventRef', { id: row.eventId })} · {row.whistler.name} ·{' '}
                      {formatTime(row.createdAt, language)}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            {
              title: t('whistles.state'),
              key: 'state',
              width: 90,
              render: (_, row) => (
                <Tag color={row.state === 'open' ? 'processing' : 'default'}>
                  {t(`whistles.stateName.${row.state}`)}
                </Tag>
              ),
            },
            {
              title: t('whistles.parties'),
              key: 'parties',
              render: (_, row) => (
                <Space size={[4, 4]} wrap>
                  {row.parties.map((party) => (
                    <span key={party.id} className="whistle-party">
                      {party.name} <PartyStatus party={party} closed={row.state === 'closed'} />
                    </span>
                  ))}
                </Space>
              ),
            },
            {
              title: t('whistles.respondBy'),
              key: 'deadline',
              width: 150,
              render: (_, row) => (
                <DeadlineTag
                  deadlines={whistleDeadlines(row)}
                  now={now}
                  testId={`whistle-deadline-${row.id}`}
                  label={formatTime(row.respondBy, language)}
                />
              ),
            },
          ]}
        />
        {mayReadRatings ? (
          <Card size="small" title={t('whistles.ratingsTitle')} className="whistles-ratings">
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('whistles.ratingsHint', { k: rollup?.minimum ?? 5 })}
            </Typography.Paragraph>
            {rollup ? <RatingsChart rollup={rollup} /> : null}
          </Card>
        ) : null}
      </div>
      <WhistleDrawer
        id={selected}
        permissions={permissions ?? new Set()}
        departments={departments}
        onClose={() => setSelected(null)}
        onChanged={() => load()}
      />
    </div>
  );
}
