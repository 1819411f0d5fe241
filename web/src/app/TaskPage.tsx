import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Image, Spin, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { ActionForm } from '../events/ActionForm';
import { attachmentUrl, eventApi, type EventDetail } from '../events/api';
import { deadlineColour, DEADLINE_HEX, stateColour, type EventDeadline } from '../events/logic';
import { formatTime } from '../settings/time';

/** Actions on the main path get the primary colour. */
const PRIMARY = new Set([
  'report_field_check',
  'self_handle',
  'handle',
  'verify',
  'close',
  'rate',
  'claim',
  'start',
]);

function Photo({ url, mime }: { url: string; mime: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!mime.startsWith('image/')) return;
    let live = true;
    let made: string | null = null;
    attachmentUrl(url)
      .then((object) => {
        made = object;
        if (live) setSrc(object);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, mime]);
  if (!mime.startsWith('image/')) return <Tag>{mime}</Tag>;
  return src ? (
    <Image
      src={src}
      width={96}
      height={96}
      style={{ objectFit: 'cover', borderRadius: 8 }}
      data-testid="task-photo"
    />
  ) : (
    <div className="wa-thumb wa-thumb-loading">
      <Spin size="small" />
    </div>
  );
}

/**
 * One task: what, where, its clock colour, photos, the timeline, and a button for each action the server's
 * `actions` allows him now (no other); each opens a bottom sheet with the small form its body needs.
 */
export function TaskPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { id } = useParams();
  const navigate = useNavigate();
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setFailure(null);
      eventApi
        .get(Number(id), signal)
        .then(setDetail)
        .catch((error: unknown) => {
          if (!signal?.aborted) setFailure(errorText(error));
        });
    },
    [id],
  );
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const colour = deadlineColour((detail as { deadlines?: EventDeadline[] } | null)?.deadlines, new Date());

  return (
    <div className="wa-page" data-testid="task-page">
      <div className="wa-back">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
          {t('workerApp.back')}
        </Button>
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      {!detail && !failure ? <Spin style={{ display: 'block', margin: '32px auto' }} /> : null}
      {detail ? (
        <>
          <div className="wa-task-head">
            <span className="wa-deadline" style={{ background: DEADLINE_HEX[colour] }} data-colour={colour} />
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="task-title">
              {detail.title}
            </Typography.Title>
          </div>
          <div className="wa-card-meta">
            <Tag color={stateColour(detail.state)} data-testid="task-state">
              {t(`events.state.${detail.state}`, { defaultValue: detail.state })}
            </Tag>
            <span>{detail.number}</span>
            <span className="wa-muted">{t(`workerApp.deadline.${colour}`)}</span>
          </div>
          <dl className="wa-facts">
            <dt>{t('workerApp.report.category')}</dt>
            <dd>{detail.category ? localized(detail.category.name, language) : detail.categoryCode}</dd>
            <dt>{t('workerApp.task.grid')}</dt>
            <dd>{detail.grids.map((grid) => grid.name).join(' / ') || '—'}</dd>
            {detail.address ? (
              <>
                <dt>{t('events.address')}</dt>
                <dd>{detail.address}</dd>
              </>
            ) : null}
            <dt>{t('workerApp.report.urgency')}</dt>
            <dd>{t(`workerApp.urgency.${detail.urgency}`, { defaultValue: detail.urgency })}</dd>
            <dt>{t('workerApp.task.reported')}</dt>
            <dd>{formatTime(detail.createdAt, language, false)}</dd>
          </dl>
          {detail.description ? <Typography.Paragraph>{detail.description}</Typography.Paragraph> : null}
          {detail.attachments.length > 0 ? (
            <Image.PreviewGroup>
              <div className="wa-photos">
                {detail.attachments.map((file) => (
                  <Photo key={file.hash} url={file.url} mime={file.mime} />
                ))}
              </div>
            </Image.PreviewGroup>
          ) : null}

          <div className="wa-actions" data-testid="task-actions">
            {detail.actions.length === 0 ? (
              <Typography.Text type="secondary">{t('events.noActions')}</Typography.Text>
            ) : (
              detail.actions.map((name) => (
                <Button
                  key={name}
                  type={PRIMARY.has(name) ? 'primary' : 'default'}
                  onClick={() => setAction(name)}
                  data-testid={`task-action-${name}`}
                >
                  {t(`events.action.${name}`, { defaultValue: name })}
                </Button>
              ))
            )}
          </div>

          <Typography.Title level={5}>{t('workerApp.task.timeline')}</Typography.Title>
          <Timeline
            data-testid="task-timeline"
            items={detail.timeline.map((entry) => ({
              key: `${entry.at}-${entry.action}`,
              content: (
                <div>
                  <div>
                    <strong>{t(`events.action.${entry.action}`, { defaultValue: entry.action })}</strong>{' '}
                    <span className="wa-muted">{entry.actor.name}</span>
                  </div>
                  <div className="wa-muted">{formatTime(entry.at, language, false)}</div>
                  {entry.note ? <div>{entry.note}</div> : null}
                </div>
              ),
            }))}
          />
        </>
      ) : null}

      <ActionForm
        detail={detail}
        action={action}
        layout="phone"
        onClose={() => setAction(null)}
        onDone={(next) => {
          setDetail(next);
          setAction(null);
        }}
      />
    </div>
  );
}
