import { useState } from 'react';
import { Alert, App, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { currentLanguage } from '../i18n';
import type { Department } from '../events/api';
import { GridPicker } from '../settings/GridPicker';
import { placeProblems } from '../settings/problems';
import { whistleApi, type BlowBody, type WhistleDetail } from './api';

interface Values {
  departmentIds: number[];
  gridCodes: string[];
  responseSeconds?: number;
  urgent: boolean;
  reason: string;
}

/** Response deadlines to choose from; none chosen takes the street's default (30 min urgent, 2 h otherwise). */
const DEADLINES = [15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 86_400, 3 * 86_400];

/** The request body of a whistle from its form: only what was chosen. */
export function blowBody(values: Values): BlowBody {
  return {
    reason: values.reason.trim(),
    ...(values.departmentIds?.length ? { departmentIds: values.departmentIds } : {}),
    ...(values.gridCodes?.length ? { gridCodes: values.gridCodes } : {}),
    ...(values.urgent ? { urgent: true } : {}),
    ...(values.responseSeconds ? { responseSeconds: values.responseSeconds } : {}),
  };
}

export interface BlowWhistleModalProps {
  eventId: number | null;
  departments: Department[];
  onClose(): void;
  onBlown(whistle: WhistleDetail): void;
}

/** 一键吹哨 on an event: summon departments and grids (三跨) with a response deadline and a note. */
export function BlowWhistleModal({ eventId, departments, onClose, onBlown }: BlowWhistleModalProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  const duration = (seconds: number) =>
    seconds >= 86_400
      ? t('whistles.days', { count: seconds / 86_400 })
      : seconds >= 3600
        ? t('whistles.hours', { count: seconds / 3600 })
        : t('whistles.minutes', { count: seconds / 60 });

  const submit = async () => {
    if (eventId === null) return;
    const values = await form.validateFields();
    setBusy(true);
    setProblems([]);
    try {
      const whistle = await whistleApi.blow(eventId, blowBody(values));
      void message.success(t('whistles.blown', { count: whistle.parties.length }));
      onBlown(whistle);
    } catch (error) {
      setProblems(placeProblems(form, error, currentLanguage()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={eventId !== null}
      title={t('whistles.blowTitle')}
      okText={t('whistles.blow')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'whistle-blow-submit' } as never}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="whistle-blow-form"
        initialValues={{ departmentIds: [], gridCodes: [], urgent: false }}
      >
        <Form.Item
          name="departmentIds"
          label={t('whistles.departments')}
          dependencies={['gridCodes']}
          rules={[
            {
              validator: (_rule, value: number[] | undefined) =>
                (value?.length ?? 0) +
                  ((form.getFieldValue('gridCodes') as string[] | undefined)?.length ?? 0) >
                0
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('whistles.partiesRequired'))),
            },
          ]}
        >
          <Select
            mode="multiple"
            data-testid="whistle-departments"
            optionFilterProp="label"
            options={departments.map((d) => ({
              value: d.id,
              label: language === 'en' ? d.nameEn || d.name : d.name,
            }))}
          />
        </Form.Item>
        <Form.Item name="gridCodes" label={t('whistles.grids')}>
          <GridPicker onError={(error) => void message.error(errorText(error))} />
        </Form.Item>
        <Form.Item name="responseSeconds" label={t('whistles.deadline')} extra={t('whistles.deadlineHint')}>
          <Select
            allowClear
            data-testid="whistle-deadline-select"
            options={DEADLINES.map((seconds) => ({ value: seconds, label: duration(seconds) }))}
          />
        </Form.Item>
        <Form.Item name="urgent" valuePropName="checked">
          <Checkbox>{t('whistles.urgentLabel')}</Checkbox>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('whistles.reason')}
          rules={[{ required: true, whitespace: true, message: t('events.required') }]}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="whistle-reason" />
        </Form.Item>
      </Form>
      {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('；')} /> : null}
    </Modal>
  );
}
