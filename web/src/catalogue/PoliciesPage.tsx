import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../accounts/server';
import { errorText } from '../api/client';
import { currentLanguage, localized } from '../i18n';
import { placeProblems, type FieldPath } from '../settings/problems';
import '../settings/settings.css';
import type { Bilingual } from '../grids/api';
import {
  catalogueApi,
  CLOCK_TYPES,
  humanDuration,
  joinSeconds,
  splitSeconds,
  STAGES,
  type DeadlinePolicy,
  type PolicyBody,
} from './api';

interface DurationParts {
  days?: number | null;
  hours?: number | null;
  minutes?: number | null;
}

interface Values {
  key: string;
  name: Bilingual;
  clockType: string;
  stages: Record<string, DurationParts>;
  warnRatio?: number | null;
  warnBefore?: DurationParts;
}

/** The stages of a policy as the form holds them and back (a stage of 0 is left out: it has no deadline). */
export function policyBody(values: Values, rank?: number): PolicyBody {
  const stages: Record<string, number> = {};
  for (const stage of STAGES) {
    const seconds = joinSeconds(values.stages?.[stage] ?? {});
    if (seconds > 0) stages[stage] = seconds;
  }
  const warnBefore = joinSeconds(values.warnBefore ?? {});
  return {
    name: values.name,
    clockType: values.clockType,
    stages,
    warnRatio: values.warnRatio ?? null,
    warnBeforeSeconds: warnBefore > 0 ? warnBefore : null,
    ...(rank === undefined ? {} : { rank }),
  };
}

function DurationInput({ prefix, disabled }: { prefix: FieldPath; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <Space.Compact>
      <Form.Item name={[...prefix, 'days']} noStyle>
        <InputNumber
          min={0}
          max={3660}
          suffix={t('catalogue.days')}
          style={{ width: 96 }}
          disabled={disabled}
        />
      </Form.Item>
      <Form.Item name={[...prefix, 'hours']} noStyle>
        <InputNumber
          min={0}
          max={23}
          suffix={t('catalogue.hours')}
          style={{ width: 96 }}
          disabled={disabled}
        />
      </Form.Item>
      <Form.Item name={[...prefix, 'minutes']} noStyle>
        <InputNumber
          min={0}
          max={59}
          suffix={t('catalogue.minutes')}
          style={{ width: 96 }}
          disabled={disabled}
        />
      </Form.Item>
    </Space.Compact>
  );
}

/**
 * 时限策略: the deadline policies with their clock (continuous, working hours, working days, natural days) and the
 * time of each stage shown as people read it; the administrator edits one in a drawer or adds a new one.
 */
export function PoliciesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const permissions = usePermissions();
  const mayEdit = permissions?.has('deadline.manage') ?? false;
  const [policies, setPolicies] = useState<DeadlinePolicy[]>([]);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const [editing, setEditing] = useState<DeadlinePolicy | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const [form] = Form.useForm<Values>();

  const load = useCallback((signal?: AbortSignal) => {
    setLoading(true);
    catalogueApi
      .policies(signal)
      .then((answer) => {
        setPolicies(answer);
        setFailure(null);
        setLoading(false);
      })
      .catch((error: unknown) => {
        if (signal?.aborted) return;
        setFailure(errorText(error));
        setLoading(false);
      });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const open = (policy: DeadlinePolicy | 'new') => {
    setOtherProblems([]);
    setEditing(policy);
    form.resetFields();
    if (policy === 'new') {
      form.setFieldsValue({ key: '', name: { zh: '', en: '' }, clockType: 'working_hours', stages: {} });
      return;
    }
    form.setFieldsValue({
      key: policy.key,
      name: policy.name,
      clockType: policy.clockType,
      stages: Object.fromEntries(STAGES.map((stage) => [stage, splitSeconds(policy.stages[stage])])),
      warnRatio: policy.warnRatio,
      warnBefore: splitSeconds(policy.warnBeforeSeconds),
    });
  };

  const save = async (values: Values) => {
    if (!editing) return;
    setSaving(true);
    setOtherProblems([]);
    try {
      const key = editing === 'new' ? values.key.trim() : editing.key;
      await catalogueApi.putPolicy(key, policyBody(values, editing === 'new' ? undefined : editing.rank));
      void message.success(t('catalogue.saved'));
      setEditing(null);
      load();
    } catch (error) {
      setOtherProblems(placeProblems(form, error, currentLanguage()));
    } finally {
      setSaving(false);
    }
  };

  const readOnly = !mayEdit;
  return (
    <div className="settings-page" data-testid="policies-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('nav.policies')}
        </Typography.Title>
        {readOnly && permissions ? <Tag>{t('catalogue.readOnly')}</Tag> : null}
        <div className="settings-tools">
          {readOnly ? null : (
            <Button type="primary" onClick={() => open('new')} data-testid="policy-create">
              {t('catalogue.newPolicy')}
            </Button>
          )}
        </div>
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      <Table<DeadlinePolicy>
        className="settings-table"
        data-testid="policies-table"
        rowKey="key"
        size="small"
        loading={loading}
        dataSource={policies}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: t('catalogue.policyName'),
            key: 'name',
            fixed: 'left',
            width: 180,
            render: (_, policy) => (
              <span data-testid={`policy-${policy.key}`}>
                {localized(policy.name, language)}
                <div className="settings-sub">
                  <Typography.Text type="secondary">{policy.key}</Typography.Text>
                </div>
              </span>
            ),
          },
          {
            title: t('catalogue.clockType'),
            dataIndex: 'clockType',
            width: 110,
            render: (clock: string) => (
              <Tag color="blue">{t(`catalogue.clock.${clock}`, { defaultValue: clock })}</Tag>
            ),
          },
          ...STAGES.map((stage) => ({
            title: t(`catalogue.stage.${stage}`),
            key: stage,
            width: 110,
            render: (_: unknown, policy: DeadlinePolicy) =>
              policy.stages[stage] ? (
                <span data-testid={`policy-${policy.key}-${stage}`}>
                  {humanDuration(policy.stages[stage], language, policy.clockType)}
                </span>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          })),
          {
            title: t('catalogue.warning'),
            key: 'warn',
            width: 120,
            render: (_: unknown, policy: DeadlinePolicy) =>
              [
                policy.warnRatio !== null ? `${Math.round(policy.warnRatio * 100)}%` : null,
                policy.warnBeforeSeconds
                  ? t('catalogue.warnBefore', {
                      time: humanDuration(policy.warnBeforeSeconds, language, policy.clockType),
                    })
                  : null,
              ]
                .filter(Boolean)
                .join(' · ') || '—',
          },
          {
            title: t('catalogue.operations'),
            key: 'operations',
            fixed: 'right',
            width: 80,
            render: (_: unknown, policy: DeadlinePolicy) => (
              <Button
                type="link"
                size="small"
                onClick={() => open(policy)}
                data-testid={`edit-policy-${policy.key}`}
              >
                {readOnly ? t('catalogue.view') : t('catalogue.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={560}
        destroyOnHidden
        title={editing === 'new' ? t('catalogue.newPolicy') : localized(editing?.name, language)}
        data-testid="policy-drawer"
        footer={
          readOnly ? null : (
            <Space style={{ float: 'right' }}>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
              <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="policy-save">
                {t('common.save')}
              </Button>
            </Space>
          )
        }
      >
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(values) => void save(values)}
          disabled={readOnly}
        >
          <Form.Item
            name="key"
            label={t('catalogue.policyKey')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,31}$/, message: t('catalogue.keyHint') }]}
          >
            <Input disabled={editing !== 'new' || readOnly} data-testid="policy-key" />
          </Form.Item>
          <Space size={12} style={{ display: 'flex' }}>
            <Form.Item
              name={['name', 'zh']}
              label={t('catalogue.nameZh')}
              rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
            >
              <Input maxLength={60} style={{ width: 230 }} />
            </Form.Item>
            <Form.Item
              name={['name', 'en']}
              label={t('catalogue.nameEn')}
              rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
            >
              <Input maxLength={120} style={{ width: 250 }} />
            </Form.Item>
          </Space>
          <Form.Item name="clockType" label={t('catalogue.clockType')} rules={[{ required: true }]}>
            <Select
              data-testid="policy-clock"
              options={CLOCK_TYPES.map((clock) => ({ value: clock, label: t(`catalogue.clock.${clock}`) }))}
            />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('catalogue.stagesHint')}</Typography.Paragraph>
          {STAGES.map((stage) => (
            <Form.Item
              key={stage}
              label={t(`catalogue.stage.${stage}`)}
              name={['stages', stage]}
              data-testid={`policy-stage-${stage}`}
            >
              <DurationInput prefix={['stages', stage]} disabled={readOnly} />
            </Form.Item>
          ))}
          <Space size={12} style={{ display: 'flex' }}>
            <Form.Item name="warnRatio" label={t('catalogue.warnRatio')}>
              <InputNumber min={0.05} max={1} step={0.05} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item label={t('catalogue.warnBeforeLabel')} name="warnBefore">
              <DurationInput prefix={['warnBefore']} disabled={readOnly} />
            </Form.Item>
          </Space>
        </Form>
        {otherProblems.length > 0 ? (
          <Alert type="error" showIcon title={otherProblems.join('；')} data-testid="policy-problems" />
        ) : null}
      </Drawer>
    </div>
  );
}
