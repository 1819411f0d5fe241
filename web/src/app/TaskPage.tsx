import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Drawer,
  Form,
  Image,
  Input,
  InputNumber,
  Rate,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, CameraOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { attachmentUrl, eventApi, uploadAttachment, type EventDetail } from '../events/api';
import {
  actionBody,
  actionForm,
  deadlineColour,
  DEADLINE_HEX,
  stateColour,
  type ActionFormValues,
  type EventDeadline,
} from '../events/logic';
import { formatTime } from '../settings/time';
import { downscale } from './photos';

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
  const { message } = App.useApp();
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploaded, setUploaded] = useState<string[]>([]);
  const [form] = Form.useForm<ActionFormValues>();
  const photoInput = useRef<HTMLInputElement>(null);

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

  const open = (name: string) => {
    setActionError(null);
    setUploaded([]);
    form.resetFields();
    if (actionForm(name).rating) form.setFieldsValue({ score: 5 });
    setAction(name);
  };

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    setBusy(true);
    try {
      for (const file of Array.from(files)) {
        const photo = await downscale(file);
        const answer = await uploadAttachment(new File([photo.blob], photo.name, { type: photo.type }));
        setUploaded((previous) => [...previous, answer.hash]);
      }
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setBusy(false);
      if (photoInput.current) photoInput.current.value = '';
    }
  };

  const submit = async () => {
    if (!detail || !action) return;
    const values = await form.validateFields();
    setBusy(true);
    setActionError(null);
    try {
      const next = await eventApi.act(
        detail.id,
        action,
        actionBody(action, { ...values, attachments: uploaded }, detail.version),
      );
      setDetail(next);
      setAction(null);
      void message.success(t('events.actionDone', { action: t(`events.action.${action}`) }));
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const spec = action ? actionForm(action) : null;
  const standards =
    spec?.standards === 'filing'
      ? (detail?.category?.filingStandards ?? [])
      : spec?.standards === 'closing'
        ? (detail?.category?.closingStandards ?? [])
        : [];
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
                  onClick={() => open(name)}
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

      <Drawer
        open={action !== null}
        placement="bottom"
        size="auto"
        onClose={() => setAction(null)}
        title={action ? t(`events.action.${action}`, { defaultValue: action }) : ''}
        destroyOnHidden
        className="wa-sheet"
        footer={
          <Button
            type="primary"
            block
            loading={busy}
            onClick={() => void submit().catch(() => undefined)}
            data-testid="action-submit"
          >
            {t('workerApp.task.confirm')}
          </Button>
        }
      >
        <Form form={form} layout="vertical">
          {spec?.department || spec?.assignee ? (
            <Alert type="info" showIcon title={t('workerApp.task.useConsole')} style={{ marginBottom: 12 }} />
          ) : null}
          {spec?.standards && standards.length > 0 ? (
            <Form.Item
              name="standards"
              label={t(spec.standards === 'filing' ? 'events.filingStandards' : 'events.closingStandards')}
              rules={[
                {
                  validator: (_rule, value: number[] | undefined) =>
                    (value ?? []).length === standards.length
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('events.tickAll'))),
                },
              ]}
            >
              <Checkbox.Group
                className="wa-standards"
                options={standards.map((standard, index) => ({
                  value: index,
                  label: localized(standard, language),
                }))}
              />
            </Form.Item>
          ) : null}
          {spec?.rating ? (
            <>
              <Form.Item name="score" label={t('events.score')} rules={[{ required: true }]}>
                <Rate />
              </Form.Item>
              <Form.Item name="comment" label={t('events.comment')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </>
          ) : null}
          {spec?.days ? (
            <Form.Item
              name="days"
              label={t('events.days')}
              rules={[{ required: true, message: t('events.required') }]}
            >
              <InputNumber min={1} max={365} />
            </Form.Item>
          ) : null}
          {spec?.confirmed ? (
            <Form.Item name="confirmed" valuePropName="checked">
              <Checkbox data-testid="action-confirmed">{t('events.confirmed')}</Checkbox>
            </Form.Item>
          ) : null}
          {spec && spec.text !== 'none' ? (
            <Form.Item
              name="text"
              label={t(spec.text === 'reason' ? 'events.reason' : 'events.note')}
              rules={
                spec.textRequired ? [{ required: true, whitespace: true, message: t('events.required') }] : []
              }
            >
              <Input.TextArea
                rows={3}
                maxLength={spec.text === 'reason' ? 2000 : 5000}
                data-testid="action-text"
              />
            </Form.Item>
          ) : null}
          {spec?.attachments ? (
            <label className="wa-photo-add wa-photo-add-inline">
              <CameraOutlined />
              <span>{t('workerApp.task.addPhoto', { count: uploaded.length })}</span>
              <input
                ref={photoInput}
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                hidden
                onChange={(event) => void addPhotos(event.target.files)}
              />
            </label>
          ) : null}
        </Form>
        {actionError ? <Alert type="error" showIcon title={actionError} data-testid="action-error" /> : null}
      </Drawer>
    </div>
  );
}
