import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Rate,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../accounts/session';
import { errorText } from '../api/client';
import { currentLanguage } from '../i18n';
import type { Department } from '../events/api';
import { DeadlineTag } from '../events/DeadlineTag';
import { placeProblems } from '../settings/problems';
import { formatTime } from '../settings/time';
import { whistleApi, whistleDeadlines, type WhistleDetail, type WhistleParty } from './api';

interface RespondValues {
  partyId?: number;
  handlerUserId?: number;
  handlerName?: string;
  note?: string;
}

/** Roles that answer for a summoned grid (src/whistles/service.ts GRID_RESPONDERS). */
const GRID_RESPONDERS = ['command_centre', 'area_leader', 'grid_leader'];

export function partyStatusColour(party: WhistleParty): string {
  if (party.status === 'accepted') return party.late ? 'orange' : 'green';
  return party.status === 'overdue' ? 'red' : 'blue';
}

/** One summoned party's state as a tag: responded (late ones marked), waiting, overdue. */
export function PartyStatus({ party, closed = false }: { party: WhistleParty; closed?: boolean }) {
  const { t } = useTranslation();
  // a party still summoned when the whistle closed never answered: no longer "waiting"
  const status = closed && party.status === 'summoned' ? 'none' : party.status;
  return (
    <Tag
      color={status === 'none' ? 'default' : partyStatusColour(party)}
      data-testid={`party-status-${party.id}`}
    >
      {t(`whistles.partyStatus.${status}`)}
      {party.late ? ` · ${t('whistles.late')}` : ''}
    </Tag>
  );
}

export interface WhistleDrawerProps {
  id: number | null;
  permissions: ReadonlySet<string>;
  departments: Department[];
  onClose(): void;
  onChanged(): void;
}

/**
 * A whistle: why, who was summoned and how each answered, the notes of the joint handling. A summoned department or
 * grid answers with 一键响应 (naming the handler); the whistling side closes it and then rates each responder,
 * anonymously.
 */
export function WhistleDrawer({ id, permissions, departments, onClose, onChanged }: WhistleDrawerProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const { user } = useSession();
  const [detail, setDetail] = useState<WhistleDetail | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [respondOpen, setRespondOpen] = useState(false);
  const [respondProblems, setRespondProblems] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [scores, setScores] = useState<Record<number, number>>({});
  const [respondForm] = Form.useForm<RespondValues>();

  const load = useCallback((whistleId: number, signal?: AbortSignal) => {
    whistleApi
      .get(whistleId, signal)
      .then((answer) => {
        setDetail(answer);
        setFailure(null);
      })
      .catch((error: unknown) => {
        if (!signal?.aborted) setFailure(errorText(error));
      });
  }, []);

  useEffect(() => {
    setDetail(null);
    setRespondOpen(false);
    setScores({});
    if (id === null) return;
    const controller = new AbortController();
    load(id, controller.signal);
    return () => controller.abort();
  }, [id, load]);

  const changed = (next: WhistleDetail, done: string) => {
    setDetail(next);
    onChanged();
    void message.success(done);
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const respond = async () => {
    if (!detail) return;
    const values = await respondForm.validateFields();
    setBusy(true);
    setRespondProblems([]);
    try {
      const next = await whistleApi.respond(detail.id, {
        ...(values.partyId ? { partyId: values.partyId } : {}),
        ...(values.handlerUserId ? { handlerUserId: values.handlerUserId } : {}),
        ...(values.handlerName?.trim() ? { handlerName: values.handlerName.trim() } : {}),
        ...(values.note?.trim() ? { note: values.note.trim() } : {}),
      });
      setRespondOpen(false);
      changed(next, t('whistles.responded'));
    } catch (error) {
      setRespondProblems(placeProblems(respondForm, error, currentLanguage()));
    } finally {
      setBusy(false);
    }
  };

  // the users of my department, to name one of them as the handler
  const myDepartment = departments.find((department) => department.users?.some((u) => u.id === user?.id));
  // the parties this user may answer for: his department's, and summoned grids for a grid's leaders (the server
  // checks the grid against his scope); a department that has answered sees no button any more
  const gridResponder = (user?.roles ?? []).some((role) => GRID_RESPONDERS.includes(role));
  const waiting =
    detail?.parties.filter(
      (party) =>
        party.status !== 'accepted' &&
        ((party.departmentId !== null && party.departmentId === myDepartment?.id) ||
          (party.kind === 'grid' && gridResponder)),
    ) ?? [];
  const mayRespond = permissions.has('whistle.respond') && detail?.state === 'open' && waiting.length > 0;
  const mayClose = permissions.has('whistle.blow') && detail?.state === 'open';
  const toRate =
    detail?.state === 'closed' ? detail.parties.filter((p) => p.status === 'accepted' && !p.rated) : [];
  const mayRate = permissions.has('whistle.blow') && toRate.length > 0;

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={620}
      destroyOnHidden
      title={
        detail ? t('whistles.detailTitle', { id: detail.id, event: detail.eventId }) : t('whistles.detail')
      }
      data-testid="whistle-drawer"
    >
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      {!detail && !failure ? <Spin /> : null}
      {detail ? (
        <div data-testid="whistle-detail">
          <Space wrap className="event-actions" data-testid="whistle-actions">
            {mayRespond ? (
              <Button
                type="primary"
                data-testid="whistle-respond"
                onClick={() => {
                  respondForm.resetFields();
                  setRespondProblems([]);
                  setRespondOpen(true);
                }}
              >
                {t('whistles.respond')}
              </Button>
            ) : null}
            {mayClose ? (
              <Button
                data-testid="whistle-close"
                loading={busy}
                onClick={() =>
                  void run(async () => changed(await whistleApi.close(detail.id), t('whistles.closed')))
                }
              >
                {t('whistles.close')}
              </Button>
            ) : null}
          </Space>
          {respondOpen ? (
            <div className="whistle-respond" data-testid="whistle-respond-form">
              <Form<RespondValues> form={respondForm} layout="vertical">
                {waiting.length > 1 ? (
                  <Form.Item name="partyId" label={t('whistles.forParty')} extra={t('whistles.forPartyHint')}>
                    <Select
                      allowClear
                      options={waiting.map((party) => ({ value: party.id, label: party.name }))}
                    />
                  </Form.Item>
                ) : null}
                <Space align="start" wrap>
                  {myDepartment?.users?.length ? (
                    <Form.Item name="handlerUserId" label={t('whistles.handlerUser')}>
                      <Select
                        allowClear
                        style={{ width: 200 }}
                        data-testid="whistle-handler-user"
                        options={myDepartment.users.map((u) => ({
                          value: u.id,
                          label: u.displayName || u.username,
                        }))}
                      />
                    </Form.Item>
                  ) : null}
                  <Form.Item
                    name="handlerName"
                    label={t('whistles.handlerName')}
                    extra={t('whistles.handlerHint')}
                  >
                    <Input maxLength={100} style={{ width: 200 }} data-testid="whistle-handler-name" />
                  </Form.Item>
                </Space>
                <Form.Item name="note" label={t('whistles.note')}>
                  <Input.TextArea rows={2} maxLength={1000} />
                </Form.Item>
              </Form>
              {respondProblems.length > 0 ? (
                <Alert
                  type="error"
                  showIcon
                  title={respondProblems.join('；')}
                  data-testid="whistle-respond-error"
                />
              ) : null}
              <Space style={{ marginTop: 8 }}>
                <Button onClick={() => setRespondOpen(false)}>{t('common.cancel')}</Button>
                <Button
                  type="primary"
                  loading={busy}
                  data-testid="whistle-respond-submit"
                  onClick={() => void respond().catch(() => undefined)}
                >
                  {t('whistles.respondSubmit')}
                </Button>
              </Space>
            </div>
          ) : null}
          <Descriptions
            size="small"
            column={1}
            bordered
            styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={t('whistles.reason')}>{detail.reason}</Descriptions.Item>
            <Descriptions.Item label={t('whistles.whistler')}>{detail.whistler.name}</Descriptions.Item>
            <Descriptions.Item label={t('whistles.state')}>
              <Tag color={detail.state === 'open' ? 'processing' : 'default'} data-testid="whistle-state">
                {t(`whistles.stateName.${detail.state}`)}
              </Tag>
              {detail.urgent ? <Tag color="red">{t('whistles.urgent')}</Tag> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('whistles.respondBy')}>
              <DeadlineTag
                deadlines={whistleDeadlines(detail)}
                now={new Date()}
                testId="whistle-deadline"
                label={formatTime(detail.respondBy, language)}
              />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('whistles.parties')}</Typography.Title>
          <Table<WhistleParty>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={detail.parties}
            data-testid="whistle-parties"
            columns={[
              {
                title: t('whistles.party'),
                key: 'name',
                render: (_, party) => (
                  <span>
                    {party.name}{' '}
                    <Typography.Text type="secondary">
                      {t(`whistles.partyKind.${party.kind}`)}
                    </Typography.Text>
                  </span>
                ),
              },
              {
                title: t('whistles.state'),
                key: 'status',
                render: (_, party) => <PartyStatus party={party} closed={detail.state === 'closed'} />,
              },
              {
                title: t('whistles.handler'),
                key: 'handler',
                render: (_, party) => party.handler?.name ?? '—',
              },
              {
                title: t('whistles.respondedAt'),
                key: 'at',
                render: (_, party) => (party.respondedAt ? formatTime(party.respondedAt, language) : '—'),
              },
            ]}
          />
          {mayRate ? (
            <div className="whistle-rating" data-testid="whistle-rating">
              <Typography.Title level={5}>{t('whistles.rateTitle')}</Typography.Title>
              <Alert type="info" showIcon title={t('whistles.anonymous')} style={{ marginBottom: 8 }} />
              {toRate.map((party) => (
                <div key={party.id} className="whistle-rate-row">
                  <span className="whistle-rate-name">{party.name}</span>
                  <Rate
                    value={scores[party.id] ?? 0}
                    onChange={(score) => setScores((current) => ({ ...current, [party.id]: score }))}
                    data-testid={`whistle-rate-${party.id}`}
                  />
                </div>
              ))}
              <Button
                type="primary"
                loading={busy}
                disabled={toRate.some((party) => !scores[party.id])}
                data-testid="whistle-rate-submit"
                onClick={() =>
                  void run(async () => {
                    await whistleApi.rate(
                      detail.id,
                      toRate.map((party) => ({ partyId: party.id, score: scores[party.id]! })),
                    );
                    changed(await whistleApi.get(detail.id), t('whistles.rated'));
                  })
                }
              >
                {t('whistles.rateSubmit')}
              </Button>
            </div>
          ) : detail.state === 'closed' && detail.parties.some((p) => p.rated) ? (
            <Typography.Paragraph type="secondary" data-testid="whistle-rated">
              {t('whistles.ratedAnonymous')}
            </Typography.Paragraph>
          ) : null}
          <Typography.Title level={5}>{t('whistles.notes')}</Typography.Title>
          {detail.notes.length > 0 ? (
            <Timeline
              items={detail.notes.map((entry) => ({
                content: (
                  <div className="event-timeline-entry">
                    <strong>{entry.author}</strong>
                    <div className="event-timeline-time">{formatTime(entry.at, language)}</div>
                    <div className="event-timeline-note">{entry.note}</div>
                  </div>
                ),
              }))}
            />
          ) : (
            <Typography.Paragraph type="secondary">{t('whistles.noNotes')}</Typography.Paragraph>
          )}
          {detail.state === 'open' ? (
            <Space.Compact style={{ width: '100%' }}>
              <Input
                value={note}
                onChange={(event) => setNote(event.target.value)}
                maxLength={2000}
                placeholder={t('whistles.notePlaceholder')}
                data-testid="whistle-note"
              />
              <Button
                disabled={!note.trim()}
                loading={busy}
                onClick={() =>
                  void run(async () => {
                    const next = await whistleApi.note(detail.id, note.trim());
                    setNote('');
                    changed(next, t('whistles.noted'));
                  })
                }
              >
                {t('whistles.addNote')}
              </Button>
            </Space.Compact>
          ) : null}
        </div>
      ) : null}
    </Drawer>
  );
}
