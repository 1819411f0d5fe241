import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Rate,
  Select,
  Typography,
} from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { downscale } from '../app/photos';
import { localized } from '../i18n';
import { eventApi, uploadAttachment, type Department, type EventDetail } from './api';
import {
  actionBody,
  actionDefaults,
  actionFields,
  type ActionFields,
  type ActionFormValues,
  type ActionLayout,
} from './logic';

export interface ActionFormProps {
  /** The event acted on: its category's standards, its routing suggestion and the version the action is taken on. */
  detail: EventDetail | null;
  /** The action whose form is open (one of the server's `actions` for the event), or null when none is. */
  action: string | null;
  /** Departments to dispatch to (the console's list; the phone points to the console instead). */
  departments?: Department[];
  /** console: a dialog over the event drawer; phone: a bottom sheet of the worker app's task page. */
  layout?: ActionLayout;
  onClose(): void;
  /** After the server has taken the action: the event as it is now. The caller closes the form. */
  onDone(next: EventDetail): void;
}

/**
 * The small form of an action of the event's state machine, in the console and in the phone app alike: the fields its
 * body needs (note or reason, standards to tick, department, rating, difficulty, extension days, photos …), their
 * validation, and the request. The server's problem+json is shown under the form in the page's language.
 */
export function ActionForm({
  detail,
  action,
  departments = [],
  layout = 'console',
  onClose,
  onDone,
}: ActionFormProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionFormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<string[]>([]);
  const suggested = detail?.suggestion?.departmentId;

  // each opening starts afresh, with the action's defaults
  useLayoutEffect(() => {
    if (!action) return;
    setError(null);
    setUploaded([]);
    form.resetFields();
    form.setFieldsValue(actionDefaults(actionFields(action, layout), suggested));
    // only on opening, not when the detail is refreshed: what is being typed stays
  }, [action, form]);

  const addPhotos = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    try {
      for (const file of files) {
        const photo = await downscale(file);
        const answer = await uploadAttachment(new File([photo.blob], photo.name, { type: photo.type }));
        setUploaded((previous) => [...previous, answer.hash]);
      }
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (!detail || !action) return;
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const next = await eventApi.act(
        detail.id,
        action,
        actionBody(action, { ...values, attachments: uploaded }, detail.version),
      );
      onDone(next);
      void message.success(t('events.actionDone', { action: t(`events.action.${action}`) }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const confirm = () => void submit().catch(() => undefined);

  const title = action ? t(`events.action.${action}`, { defaultValue: action }) : '';
  const body = (
    <>
      <Form form={form} layout="vertical" data-testid="action-form">
        {action ? (
          <ActionFormFields
            fields={actionFields(action, layout)}
            detail={detail}
            departments={departments}
            layout={layout}
            photoCount={uploaded.length}
            onPhotos={(files) => void addPhotos(files)}
          />
        ) : null}
      </Form>
      {error ? <Alert type="error" showIcon title={error} data-testid="action-error" /> : null}
    </>
  );

  if (layout === 'phone')
    return (
      <Drawer
        open={action !== null}
        placement="bottom"
        size="auto"
        onClose={onClose}
        title={title}
        destroyOnHidden
        className="wa-sheet"
        footer={
          <Button type="primary" block loading={busy} onClick={confirm} data-testid="action-submit">
            {t('workerApp.task.confirm')}
          </Button>
        }
      >
        {body}
      </Drawer>
    );
  return (
    <Modal
      open={action !== null}
      title={title}
      okText={t('events.confirm')}
      confirmLoading={busy}
      onOk={confirm}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'action-submit' } as never}
    >
      {body}
    </Modal>
  );
}

interface ActionFormFieldsProps {
  fields: ActionFields;
  detail: EventDetail | null;
  departments: Department[];
  layout: ActionLayout;
  photoCount: number;
  onPhotos(files: File[]): void;
}

/** The form items of one action, in the order a person fills them in. */
function ActionFormFields({
  fields,
  detail,
  departments,
  layout,
  photoCount,
  onPhotos,
}: ActionFormFieldsProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const photoInput = useRef<HTMLInputElement>(null);
  const required = { required: true, message: t('events.required') };
  const standards =
    fields.standards === 'filing'
      ? (detail?.category?.filingStandards ?? [])
      : fields.standards === 'closing'
        ? (detail?.category?.closingStandards ?? [])
        : [];

  let standardsItem: ReactNode = null;
  if (fields.standards && standards.length === 0)
    standardsItem = <Typography.Paragraph type="secondary">{t('events.noStandards')}</Typography.Paragraph>;
  else if (fields.standards)
    standardsItem = (
      <Form.Item
        name="standards"
        label={t(fields.standards === 'filing' ? 'events.filingStandards' : 'events.closingStandards')}
        rules={[
          {
            // every standard must be ticked: the server refuses a partial list
            validator: (_rule, value: number[] | undefined) =>
              (value ?? []).length === standards.length
                ? Promise.resolve()
                : Promise.reject(new Error(t('events.tickAll'))),
          },
        ]}
      >
        <Checkbox.Group
          data-testid="action-standards"
          className={layout === 'phone' ? 'wa-standards' : 'event-standards'}
          options={standards.map((standard, index) => ({
            value: index,
            label: localized(standard, language),
          }))}
        />
      </Form.Item>
    );

  return (
    <>
      {fields.useConsole ? (
        <Alert type="info" showIcon title={t('workerApp.task.useConsole')} style={{ marginBottom: 12 }} />
      ) : null}
      {fields.department ? (
        <Form.Item name="departmentId" label={t('events.department')} rules={[required]}>
          <Select
            data-testid="action-department"
            options={departments.map((d) => ({
              value: d.id,
              label: `${language === 'en' ? d.nameEn || d.name : d.name}${d.id === detail?.suggestion?.departmentId ? ` (${t('events.suggested')})` : ''}`,
            }))}
          />
        </Form.Item>
      ) : null}
      {standardsItem}
      {fields.rating ? (
        <>
          <Form.Item name="score" label={t('events.score')} rules={[{ required: true }]}>
            <Rate data-testid="action-score" />
          </Form.Item>
          <Form.Item name="comment" label={t('events.comment')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </>
      ) : null}
      {fields.difficulty ? (
        <Form.Item name="difficulty" label={t('events.difficulty')} rules={[required]}>
          <Select
            data-testid="action-difficulty"
            options={(['general', 'difficult', 'complex'] as const).map((value) => ({
              value,
              label: t(`events.difficultyName.${value}`),
            }))}
          />
        </Form.Item>
      ) : null}
      {fields.days ? (
        <Form.Item name="days" label={t('events.days')} rules={[required]}>
          <InputNumber min={1} max={365} />
        </Form.Item>
      ) : null}
      {fields.confirmed ? (
        <Form.Item name="confirmed" valuePropName="checked">
          <Checkbox data-testid="action-confirmed">{t('events.confirmed')}</Checkbox>
        </Form.Item>
      ) : null}
      {fields.assignee ? (
        <Form.Item name="assigneeUserId" label={t('events.assignee')} rules={[required]}>
          <InputNumber min={1} />
        </Form.Item>
      ) : null}
      {fields.text !== 'none' ? (
        <Form.Item
          name="text"
          label={t(fields.text === 'reason' ? 'events.reason' : 'events.note')}
          rules={fields.textRequired ? [{ ...required, whitespace: true }] : []}
        >
          <Input.TextArea
            rows={3}
            maxLength={fields.text === 'reason' ? 2000 : 5000}
            data-testid="action-text"
          />
        </Form.Item>
      ) : null}
      {fields.photos ? (
        <label className="wa-photo-add wa-photo-add-inline" data-testid="action-photo-add">
          <CameraOutlined />
          <span>{t('workerApp.task.addPhoto', { count: photoCount })}</span>
          <input
            ref={photoInput}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            hidden
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              // the same photo may be chosen again
              if (photoInput.current) photoInput.current.value = '';
              onPhotos(files);
            }}
          />
        </label>
      ) : null}
    </>
  );
}
