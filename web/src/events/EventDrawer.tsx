import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Image,
  Rate,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../accounts/server';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { formatTime } from '../settings/time';
import { BlowWhistleModal } from '../whistles/BlowWhistleModal';
import { ActionForm } from './ActionForm';
import { DeadlineTag } from './DeadlineTag';
import { attachmentUrl, eventApi, type Department, type EventDetail } from './api';
import { FINAL_STATES, stateColour, type EventDeadline } from './logic';

/** Actions that change the main path get the primary colour; the rest stay plain. */
const PRIMARY = new Set([
  'claim',
  'accept',
  'dispatch',
  'start',
  'handle',
  'verify',
  'close',
  'rate',
  'approve',
]);
const DANGER = new Set(['decline', 'return', 'rework', 'request_cancellation', 'request_force_close']);

function AttachmentImage({ url, mime }: { url: string; mime: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!mime.startsWith('image/')) return;
    let revoked = false;
    let made: string | null = null;
    attachmentUrl(url)
      .then((object) => {
        made = object;
        if (!revoked) setSrc(object);
      })
      .catch(() => undefined);
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, mime]);
  if (!mime.startsWith('image/')) return <Tag>{mime}</Tag>;
  return src ? (
    <Image src={src} width={96} height={72} style={{ objectFit: 'cover' }} />
  ) : (
    <Spin size="small" />
  );
}

export interface EventDrawerProps {
  id: number | null;
  departments: Department[];
  onClose(): void;
  /** After an action: the board refreshes its row. */
  onChanged(detail: EventDetail): void;
}

/**
 * One event: its details, located grid chain, routing suggestion with reasons, photos, timeline, and a button for
 * each action the server says this user may take now (`actions`), no other. Each button opens the small form its
 * body needs; the server's problem+json is shown in the page's language.
 */
export function EventDrawer({ id, departments, onClose, onChanged }: EventDrawerProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  // 吹哨 is its own API (POST /api/events/:id/whistles), not an action of the event's machine: the button follows
  // the user's whistle.blow permission, and the server still checks the event's grid
  const permissions = usePermissions();
  const [whistling, setWhistling] = useState(false);

  const load = useCallback((eventId: number, signal?: AbortSignal) => {
    setLoading(true);
    setFailure(null);
    eventApi
      .get(eventId, signal)
      .then((answer) => {
        setDetail(answer);
        setLoading(false);
      })
      .catch((error: unknown) => {
        if (signal?.aborted) return;
        setLoading(false);
        setFailure(errorText(error));
      });
  }, []);

  useEffect(() => {
    setDetail(null);
    if (id === null) return;
    const controller = new AbortController();
    load(id, controller.signal);
    return () => controller.abort();
  }, [id, load]);

  const departmentName = (departmentId: number | null | undefined) => {
    const department = departments.find((d) => d.id === departmentId);
    if (!department) return departmentId ? `#${departmentId}` : '—';
    return language === 'en' ? department.nameEn || department.name : department.name;
  };

  const deadlines = (detail as { deadlines?: EventDeadline[] } | null)?.deadlines;
  const now = new Date();
  const mayWhistle =
    detail !== null &&
    (permissions?.has('whistle.blow') ?? false) &&
    !(FINAL_STATES as readonly string[]).includes(detail.state);

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={560}
      destroyOnHidden
      title={
        detail ? (
          <Space size={8}>
            <span data-testid="event-drawer-number">{detail.number}</span>
            <Tag color={stateColour(detail.state)} data-testid="event-drawer-state">
              {t(`events.state.${detail.state}`, { defaultValue: detail.state })}
            </Tag>
          </Space>
        ) : (
          t('events.detail')
        )
      }
      rootClassName="event-drawer"
    >
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      {loading && !detail ? <Spin /> : null}
      {detail ? (
        <div data-testid="event-drawer">
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {detail.title}
          </Typography.Title>
          <div className="event-actions" data-testid="event-actions">
            {detail.actions.length === 0 && !mayWhistle ? (
              <Typography.Text type="secondary">{t('events.noActions')}</Typography.Text>
            ) : (
              detail.actions.map((name) => (
                <Button
                  key={name}
                  size="small"
                  type={PRIMARY.has(name) ? 'primary' : 'default'}
                  danger={DANGER.has(name)}
                  data-testid={`action-${name}`}
                  onClick={() => setAction(name)}
                >
                  {t(`events.action.${name}`, { defaultValue: name })}
                </Button>
              ))
            )}
            {mayWhistle ? (
              <Button size="small" danger data-testid="action-whistle" onClick={() => setWhistling(true)}>
                {t('whistles.blow')}
              </Button>
            ) : null}
          </div>
          <Descriptions
            size="small"
            column={1}
            bordered
            className="event-facts"
            styles={{ label: { width: 92, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={t('events.category')}>
              {detail.category
                ? `${localized(detail.category.name, language)} · ${detail.category.code}`
                : detail.categoryCode}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.source')}>
              {t(`events.sourceName.${detail.source}`, { defaultValue: detail.source })}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.grids')}>
              <span data-testid="event-grid-chain">{detail.grids.map((g) => g.name).join(' › ') || '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('events.location')}>
              {detail.address ? `${detail.address} · ` : ''}
              {detail.location.lng.toFixed(5)}, {detail.location.lat.toFixed(5)}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.reporter')}>
              {detail.reporter.name ?? '—'} {detail.reporter.phone ?? ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.department')}>
              {departmentName(detail.assignedDepartmentId)}
            </Descriptions.Item>
            <Descriptions.Item label={t('events.deadline')}>
              <DeadlineTag deadlines={deadlines} now={now} />
            </Descriptions.Item>
            <Descriptions.Item label={t('events.createdAt')}>
              {formatTime(detail.createdAt, language)}
            </Descriptions.Item>
            {detail.description ? (
              <Descriptions.Item label={t('events.description')}>{detail.description}</Descriptions.Item>
            ) : null}
            {detail.rating ? (
              <Descriptions.Item label={t('events.rating')}>
                <Rate disabled value={detail.rating.score} /> {detail.rating.comment}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          {detail.suggestion ? (
            <Alert
              className="event-suggestion"
              type="info"
              showIcon
              data-testid="event-suggestion"
              title={t('events.suggestion', {
                department: detail.suggestion.departmentId
                  ? departmentName(detail.suggestion.departmentId)
                  : '—',
              })}
              description={
                <ul className="event-reasons">
                  {detail.suggestion.reasons.map((reason, index) => (
                    <li key={index}>{localized(reason, language)}</li>
                  ))}
                </ul>
              }
            />
          ) : null}
          {detail.attachments.length > 0 ? (
            <>
              <Typography.Title level={5}>{t('events.attachments')}</Typography.Title>
              <Image.PreviewGroup>
                <Space wrap>
                  {detail.attachments.map((file) => (
                    <AttachmentImage key={file.hash} url={file.url} mime={file.mime} />
                  ))}
                </Space>
              </Image.PreviewGroup>
            </>
          ) : null}
          <Typography.Title level={5}>{t('events.timeline')}</Typography.Title>
          {detail.timeline.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : (
            <Timeline
              data-testid="event-timeline"
              items={detail.timeline.map((entry) => ({
                color: DANGER.has(entry.action) ? 'red' : 'blue',
                content: (
                  <div className="event-timeline-entry">
                    <strong>{t(`events.action.${entry.action}`, { defaultValue: entry.action })}</strong>
                    {entry.action === 'dispatch' && typeof entry.data.departmentId === 'number' ? (
                      <span className="event-timeline-to"> → {departmentName(entry.data.departmentId)}</span>
                    ) : null}{' '}
                    <span className="event-timeline-actor">
                      {entry.actor.name}
                      {entry.actor.role
                        ? ` · ${t(`roles.${entry.actor.role}`, { defaultValue: entry.actor.role })}`
                        : ''}
                    </span>
                    <div className="event-timeline-time">{formatTime(entry.at, language)}</div>
                    {entry.note ? <div className="event-timeline-note">{entry.note}</div> : null}
                  </div>
                ),
              }))}
            />
          )}
        </div>
      ) : null}
      <ActionForm
        detail={detail}
        action={action}
        departments={departments}
        onClose={() => setAction(null)}
        onDone={(next) => {
          setDetail(next);
          setAction(null);
          onChanged(next);
        }}
      />
      <BlowWhistleModal
        eventId={whistling && detail ? detail.id : null}
        departments={departments}
        onClose={() => setWhistling(false)}
        onBlown={() => setWhistling(false)}
      />
    </Drawer>
  );
}
