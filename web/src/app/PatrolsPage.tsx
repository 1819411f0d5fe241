import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Cascader,
  Drawer,
  Empty,
  Form,
  Input,
  Select,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { AimOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { useSession } from '../accounts/session';
import { localized } from '../i18n';
import { formatTime } from '../settings/time';
import { useCategories } from './categories';
import { useFix, useGridOf } from './geo';
import { useMyGrids } from './grids';

interface Finding {
  text: string;
  categoryCode: string | null;
  point: { lng: number; lat: number } | null;
  photos: string[];
  eventId: number | null;
}

interface Patrol {
  id: number;
  workerUserId: number;
  gridCode: string;
  startedAt: string;
  endedAt: string | null;
  route: { lng: number; lat: number }[];
  places: string[];
  visited: { personId: number; name: string | null }[];
  findings: Finding[];
  note: string | null;
}

interface NewPatrolValues {
  gridCode: string;
  startedAt: string;
  place?: string;
  visitedPersonIds?: number[];
  findings?: { text: string; category?: string[]; toEvent?: boolean }[];
  note?: string;
}

/** `yyyy-MM-ddTHH:mm` of now in the phone's time zone, for <input type="datetime-local">. */
function localNow(): string {
  const now = new Date();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

function reportFinding(patrolId: number, index: number, categoryCode?: string) {
  return api<{ eventId: number; number: string; created: boolean }>(
    `/api/patrols/${patrolId}/findings/${index}/report`,
    { method: 'POST', body: categoryCode ? { categoryCode } : {} },
  );
}

/** 民情日志: his patrols and visits, a new entry (time, place from the phone, people visited, findings), finding → event. */
export function PatrolsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { user } = useSession();
  const { message } = App.useApp();
  const categories = useCategories();
  const [patrols, setPatrols] = useState<Patrol[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [converting, setConverting] = useState<{ patrol: number; index: number } | null>(null);
  const [convertCategory, setConvertCategory] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    (signal?: AbortSignal) => {
      if (!user) return;
      api<{ items: Patrol[] }>('/api/patrols', { query: { worker: user.id, pageSize: 50 }, signal })
        .then((answer) => setPatrols(answer.items))
        .catch((error: unknown) => {
          if (!signal?.aborted) setFailure(errorText(error));
        });
    },
    [user],
  );
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const options = categories.map((major) => ({
    value: major.code,
    label: localized(major.name, language),
    children: (major.children ?? []).map((minor) => ({
      value: minor.code,
      label: localized(minor.name, language),
    })),
  }));

  const convert = async (patrolId: number, index: number, categoryCode?: string) => {
    setBusy(true);
    try {
      const answer = await reportFinding(patrolId, index, categoryCode);
      void message.success(t('workerApp.patrols.converted', { number: answer.number }));
      setConverting(null);
      load();
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wa-page" data-testid="patrols-page">
      <div className="wa-title-row">
        <Typography.Title level={4} className="wa-title">
          {t('workerApp.patrols.title')}
        </Typography.Title>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="patrol-new"
        >
          {t('workerApp.patrols.new')}
        </Button>
      </div>
      {failure ? <Alert type="warning" showIcon title={failure} /> : null}
      {!patrols && !failure ? <Spin style={{ display: 'block', margin: '32px auto' }} /> : null}
      {patrols && patrols.length === 0 ? <Empty description={t('workerApp.patrols.empty')} /> : null}
      <div className="wa-list">
        {(patrols ?? []).map((patrol) => (
          <div key={patrol.id} className="wa-card wa-card-column" data-testid="patrol-card">
            <div className="wa-card-title">{formatTime(patrol.startedAt, language, false)}</div>
            <div className="wa-card-meta wa-muted">
              <span>{patrol.places.join('、') || t('workerApp.patrols.noPlace')}</span>
            </div>
            {patrol.visited.length > 0 ? (
              <div className="wa-card-meta">
                {t('workerApp.patrols.visited')}：
                {patrol.visited.map((person) => person.name ?? '—').join('、')}
              </div>
            ) : null}
            {patrol.note ? <div className="wa-card-meta">{patrol.note}</div> : null}
            {patrol.findings.map((finding, index) => (
              <div key={index} className="wa-finding" data-testid="patrol-finding">
                <span>{finding.text}</span>
                {finding.eventId ? (
                  <Tag color="green" data-testid="finding-event">
                    {t('workerApp.patrols.isEvent', { id: finding.eventId })}
                  </Tag>
                ) : (
                  <Button
                    size="small"
                    onClick={() => {
                      if (finding.categoryCode) void convert(patrol.id, index);
                      else {
                        setConvertCategory([]);
                        setConverting({ patrol: patrol.id, index });
                      }
                    }}
                    data-testid="finding-convert"
                  >
                    {t('workerApp.patrols.toEvent')}
                  </Button>
                )}
              </div>
            ))}
          </div>
        ))}
      </div>

      <Drawer
        open={converting !== null}
        placement="bottom"
        size="auto"
        title={t('workerApp.patrols.toEvent')}
        onClose={() => setConverting(null)}
        destroyOnHidden
        footer={
          <Button
            type="primary"
            block
            loading={busy}
            disabled={convertCategory.length < 2}
            onClick={() =>
              converting && void convert(converting.patrol, converting.index, convertCategory[1])
            }
          >
            {t('workerApp.task.confirm')}
          </Button>
        }
      >
        <Cascader
          options={options}
          value={convertCategory}
          onChange={(value) => setConvertCategory((value as string[]) ?? [])}
          placeholder={t('workerApp.report.categoryPlaceholder')}
          style={{ width: '100%' }}
        />
      </Drawer>

      <NewPatrol
        open={creating}
        options={options}
        onClose={() => setCreating(false)}
        onSaved={() => {
          setCreating(false);
          load();
        }}
      />
    </div>
  );
}

function NewPatrol({
  open,
  options,
  onClose,
  onSaved,
}: {
  open: boolean;
  options: { value: string; label: string; children: { value: string; label: string }[] }[];
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewPatrolValues>();
  const { state: fixState, retry } = useFix();
  const fix = fixState.status === 'ok' ? fixState.fix : null;
  const chain = useGridOf(fix);
  const [people, setPeople] = useState<{ value: number; label: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const grids = useMyGrids(user?.grids ?? []);
  const gridCode = Form.useWatch('gridCode', form);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ startedAt: localNow(), gridCode: grids[0]?.code });
      retry();
    }
    // only when the sheet opens
  }, [open]);

  const searchPeople = (name: string) => {
    if (!gridCode) return;
    api<{ items: { id: number; name: string; address: string | null }[] }>('/api/people', {
      query: { grid: gridCode, ...(name ? { name } : {}), pageSize: 20 },
    })
      .then((answer) =>
        setPeople(
          answer.items.map((person) => ({
            value: person.id,
            label: person.address ? `${person.name} · ${person.address}` : person.name,
          })),
        ),
      )
      .catch(() => setPeople([]));
  };

  const useHere = () => {
    if (!fix) return;
    const micro = chain && chain.length > 0 ? chain[chain.length - 1]!.name : null;
    form.setFieldsValue({ place: micro ?? `${fix.lng.toFixed(5)}, ${fix.lat.toFixed(5)}` });
  };

  const save = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure(null);
    try {
      const findings = (values.findings ?? []).filter((finding) => finding.text?.trim());
      const created = await api<Patrol>('/api/patrols', {
        method: 'POST',
        body: {
          gridCode: values.gridCode,
          startedAt: new Date(values.startedAt).toISOString(),
          endedAt: new Date().toISOString(),
          ...(fix ? { route: [{ lng: fix.lng, lat: fix.lat }] } : {}),
          ...(values.place?.trim() ? { places: [values.place.trim()] } : {}),
          ...(values.visitedPersonIds?.length ? { visitedPersonIds: values.visitedPersonIds } : {}),
          ...(findings.length > 0
            ? {
                findings: findings.map((finding) => ({
                  text: finding.text.trim(),
                  ...(finding.category?.[1] ? { categoryCode: finding.category[1] } : {}),
                  ...(fix ? { point: { lng: fix.lng, lat: fix.lat } } : {}),
                })),
              }
            : {}),
          ...(values.note?.trim() ? { note: values.note.trim() } : {}),
        },
      });
      // 发现转事件 in the same step: the findings the worker marked become events now
      const numbers: string[] = [];
      for (const [index, finding] of findings.entries()) {
        if (!finding.toEvent) continue;
        const answer = await reportFinding(created.id, index, finding.category?.[1]);
        numbers.push(answer.number);
      }
      void message.success(
        numbers.length > 0
          ? t('workerApp.patrols.savedWithEvents', { numbers: numbers.join('、') })
          : t('workerApp.patrols.saved'),
      );
      onSaved();
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      placement="bottom"
      size="92%"
      title={t('workerApp.patrols.new')}
      onClose={onClose}
      className="wa-sheet"
      footer={
        <Button
          type="primary"
          block
          loading={busy}
          onClick={() => void save().catch(() => undefined)}
          data-testid="patrol-save"
        >
          {t('workerApp.patrols.save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" requiredMark={false} data-testid="patrol-form">
        <Form.Item name="gridCode" label={t('workerApp.patrols.grid')} rules={[{ required: true }]}>
          <Select options={grids.map((grid) => ({ value: grid.code, label: grid.name }))} />
        </Form.Item>
        <Form.Item name="startedAt" label={t('workerApp.patrols.time')} rules={[{ required: true }]}>
          <Input type="datetime-local" data-testid="patrol-time" />
        </Form.Item>
        <Form.Item label={t('workerApp.patrols.place')}>
          <Space.Compact block>
            <Form.Item name="place" noStyle>
              <Input maxLength={200} data-testid="patrol-place" />
            </Form.Item>
            <Button icon={<AimOutlined />} onClick={useHere} disabled={!fix} data-testid="patrol-here">
              {t('workerApp.patrols.here')}
            </Button>
          </Space.Compact>
          <div className="wa-muted wa-small" data-testid="patrol-fix">
            {fix
              ? t('workerApp.location.accuracy', { metres: fix.accuracy })
              : fixState.status === 'failed'
                ? t(`workerApp.location.${fixState.reason}`)
                : t('workerApp.location.locating')}
          </div>
        </Form.Item>
        <Form.Item name="visitedPersonIds" label={t('workerApp.patrols.visited')}>
          <Select
            mode="multiple"
            showSearch={{ filterOption: false, onSearch: searchPeople }}
            onFocus={() => searchPeople('')}
            options={people}
            placeholder={t('workerApp.patrols.visitedPlaceholder')}
            data-testid="patrol-people"
          />
        </Form.Item>
        <Form.List name="findings">
          {(fields, { add, remove }) => (
            <>
              <div className="wa-field-label">{t('workerApp.patrols.findings')}</div>
              {fields.map((field) => (
                <div key={field.key} className="wa-finding-form">
                  <Form.Item name={[field.name, 'text']} rules={[{ required: true, whitespace: true }]}>
                    <Input.TextArea
                      rows={2}
                      maxLength={5000}
                      placeholder={t('workerApp.patrols.findingText')}
                      data-testid="finding-text"
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'category']}>
                    <Cascader
                      options={options}
                      placeholder={t('workerApp.report.categoryPlaceholder')}
                      data-testid="finding-category"
                    />
                  </Form.Item>
                  <div className="wa-finding-row">
                    <Form.Item name={[field.name, 'toEvent']} valuePropName="checked" noStyle>
                      <Switch data-testid="finding-to-event" />
                    </Form.Item>
                    <span>{t('workerApp.patrols.toEventNow')}</span>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                  </div>
                </div>
              ))}
              <Button
                block
                icon={<PlusOutlined />}
                onClick={() => add({ toEvent: false })}
                data-testid="finding-add"
              >
                {t('workerApp.patrols.addFinding')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={t('workerApp.patrols.note')} style={{ marginTop: 16 }}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
      </Form>
      {failure ? <Alert type="error" showIcon title={failure} data-testid="patrol-error" /> : null}
    </Drawer>
  );
}
