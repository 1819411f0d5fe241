import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Cascader, Collapse, Form, Input, Result, Segmented, Space, Typography } from 'antd';
import { AimOutlined, CameraOutlined, CloseCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { localized } from '../i18n';
import { useSession } from '../accounts/session';
import { useCategories } from './categories';
import { useFix, useGridOf } from './geo';
import { downscale, type Photo } from './photos';
import type { ReportSent, Urgency } from './queue';
import { useQueue, type Outcome } from './useQueue';

interface ReportValues {
  category: string[];
  title: string;
  description?: string;
  urgency: Urgency;
  residentName?: string;
  residentPhone?: string;
}

const MAX_PHOTOS = 9;

function Thumbnail({ photo, onRemove }: { photo: Photo; onRemove(): void }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(photo.blob);
    setSrc(url);
    return () => URL.revokeObjectURL(url);
  }, [photo.blob]);
  return (
    <div className="wa-thumb" data-testid="report-thumb">
      {src ? <img src={src} alt={photo.name} /> : null}
      <button type="button" className="wa-thumb-remove" onClick={onRemove} aria-label="remove">
        <CloseCircleFilled />
      </button>
    </div>
  );
}

/** 上报: category, title, description, urgency, camera photos, the phone's position, and 代群众上报. */
export function ReportPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { user } = useSession();
  const { submit, items, discard } = useQueue();
  const location = useLocation();
  const navigate = useNavigate();
  /** A refused report being fixed: it leaves the queue once the fixed one is in it. */
  const [replacing, setReplacing] = useState<string | null>(
    (location.state as { edit?: string } | null)?.edit ?? null,
  );
  const [loadedEdit, setLoadedEdit] = useState<string | null>(null);
  const categories = useCategories();
  const [form] = Form.useForm<ReportValues>();
  const { state: fixState, retry } = useFix();
  const fix = fixState.status === 'ok' ? fixState.fix : null;
  const chain = useGridOf(fix);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [locationMissing, setLocationMissing] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const options = categories.map((major) => ({
    value: major.code,
    label: localized(major.name, language),
    children: (major.children ?? [])
      .filter((minor) => minor.active !== false)
      .map((minor) => ({ value: minor.code, label: localized(minor.name, language) })),
  }));

  // "修改" on the Me tab: the refused report comes back into the form
  useEffect(() => {
    if (!replacing || loadedEdit === replacing) return;
    const item = items.find((entry) => entry.key === replacing);
    if (!item) return;
    setLoadedEdit(replacing);
    form.setFieldsValue({
      category: [item.draft.categoryCode.slice(0, 2), item.draft.categoryCode],
      title: item.draft.title,
      description: item.draft.description,
      urgency: item.draft.urgency,
      residentName: item.draft.resident?.name,
      residentPhone: item.draft.resident?.phone,
    });
    setPhotos(item.photos.map(({ name, type, blob }) => ({ name, type, blob })));
    setOutcome({ status: 'rejected', item });
    // the address keeps no state: a reload shows an empty form
    navigate('.', { replace: true, state: null });
  }, [replacing, loadedEdit, items, form, navigate]);

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    const chosen = Array.from(files).slice(0, MAX_PHOTOS - photos.length);
    const scaled = await Promise.all(chosen.map(downscale));
    setPhotos((previous) => [...previous, ...scaled].slice(0, MAX_PHOTOS));
    if (input.current) input.current.value = '';
  };

  const send = async () => {
    const values = await form.validateFields();
    if (!fix) {
      setLocationMissing(true);
      return;
    }
    setBusy(true);
    try {
      const result = await submit(
        {
          categoryCode: values.category[values.category.length - 1]!,
          title: values.title,
          description: values.description,
          urgency: values.urgency,
          location: { lng: fix.lng, lat: fix.lat },
          accuracy: fix.accuracy,
          resident: { name: values.residentName, phone: values.residentPhone },
        },
        photos,
      );
      if (replacing) await discard(replacing);
      setOutcome(result);
      if (result.status === 'rejected') {
        // the server's words are at the top of the form
        window.scrollTo(0, 0);
        setReplacing(result.item.key);
        setLoadedEdit(result.item.key);
      } else {
        setReplacing(null);
        form.resetFields();
        setPhotos([]);
      }
    } finally {
      setBusy(false);
    }
  };

  if (outcome && outcome.status !== 'rejected') {
    return (
      <Sent
        outcome={outcome}
        onNext={() => {
          setOutcome(null);
          retry();
        }}
      />
    );
  }

  const micro = chain && chain.length > 0 ? chain[chain.length - 1]! : null;
  return (
    <div className="wa-page" data-testid="report-page">
      <Typography.Title level={4} className="wa-title">
        {t('workerApp.report.title')}
      </Typography.Title>
      {outcome?.status === 'rejected' ? (
        <Alert
          type="error"
          showIcon
          data-testid="report-rejected"
          title={t('workerApp.report.rejected')}
          description={language === 'en' ? outcome.item.problem?.en : outcome.item.problem?.zh}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      <Form form={form} layout="vertical" initialValues={{ urgency: 'normal' }} requiredMark={false}>
        <Form.Item
          name="category"
          label={t('workerApp.report.category')}
          rules={[{ required: true, message: t('workerApp.report.categoryRequired') }]}
        >
          <Cascader
            options={options}
            placeholder={t('workerApp.report.categoryPlaceholder')}
            expandTrigger="click"
            data-testid="report-category"
            popupClassName="wa-cascader"
            notFoundContent={t('workerApp.report.noCategories')}
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('workerApp.report.what')}
          rules={[{ required: true, whitespace: true, message: t('workerApp.report.titleRequired') }]}
        >
          <Input
            maxLength={200}
            placeholder={t('workerApp.report.titlePlaceholder')}
            data-testid="report-title"
          />
        </Form.Item>
        <Form.Item name="description" label={t('workerApp.report.description')}>
          <Input.TextArea rows={3} maxLength={5000} data-testid="report-description" />
        </Form.Item>
        <Form.Item name="urgency" label={t('workerApp.report.urgency')}>
          <Segmented
            block
            data-testid="report-urgency"
            options={(['normal', 'urgent', 'critical'] as const).map((value) => ({
              value,
              label: t(`workerApp.urgency.${value}`),
            }))}
          />
        </Form.Item>

        <div className="wa-field-label">{t('workerApp.report.photos')}</div>
        <div className="wa-photos">
          {photos.map((photo, index) => (
            <Thumbnail
              key={`${photo.name}-${index}`}
              photo={photo}
              onRemove={() => setPhotos((previous) => previous.filter((_, i) => i !== index))}
            />
          ))}
          {photos.length < MAX_PHOTOS ? (
            <label className="wa-photo-add" data-testid="report-photo-add">
              <CameraOutlined />
              <span>{t('workerApp.report.takePhoto')}</span>
              <input
                ref={input}
                type="file"
                accept="image/*"
                capture="environment"
                multiple
                hidden
                data-testid="report-photo-input"
                onChange={(event) => void addPhotos(event.target.files)}
              />
            </label>
          ) : null}
        </div>

        <div className="wa-field-label">{t('workerApp.report.location')}</div>
        <div
          className={`wa-location${locationMissing && !fix ? ' wa-location-missing' : ''}`}
          data-testid="report-location"
        >
          <AimOutlined className="wa-location-icon" />
          <div className="wa-location-text">
            {fixState.status === 'locating' ? t('workerApp.location.locating') : null}
            {fixState.status === 'failed' ? t(`workerApp.location.${fixState.reason}`) : null}
            {fix ? (
              <>
                <div data-testid="report-accuracy">
                  {t('workerApp.location.accuracy', { metres: fix.accuracy })}
                </div>
                <div className="wa-muted">
                  {fix.lng.toFixed(5)}, {fix.lat.toFixed(5)}
                </div>
                <div className="wa-muted" data-testid="report-grid">
                  {micro
                    ? t('workerApp.location.inGrid', { name: micro.name })
                    : chain
                      ? t('workerApp.location.noGrid')
                      : t('workerApp.location.gridUnknown')}
                </div>
              </>
            ) : null}
          </div>
          <Button
            size="middle"
            icon={<ReloadOutlined />}
            onClick={retry}
            data-testid="report-locate"
            aria-label={t('workerApp.location.retry')}
          >
            {t('workerApp.location.retry')}
          </Button>
        </div>

        <Collapse
          className="wa-resident"
          ghost
          items={[
            {
              key: 'resident',
              label: t('workerApp.report.onBehalf'),
              children: (
                <>
                  <Form.Item name="residentName" label={t('workerApp.report.residentName')}>
                    <Input maxLength={100} data-testid="report-resident-name" />
                  </Form.Item>
                  <Form.Item
                    name="residentPhone"
                    label={t('workerApp.report.residentPhone')}
                    rules={[{ pattern: /^\+?[0-9 -]{5,20}$/, message: t('workerApp.report.phoneInvalid') }]}
                  >
                    <Input inputMode="tel" maxLength={20} data-testid="report-resident-phone" />
                  </Form.Item>
                </>
              ),
            },
          ]}
        />

        <Button
          type="primary"
          block
          size="large"
          loading={busy}
          onClick={() => void send().catch(() => undefined)}
          data-testid="report-submit"
          className="wa-submit"
        >
          {t('workerApp.report.submit')}
        </Button>
        <Typography.Paragraph type="secondary" className="wa-hint">
          {t('workerApp.report.offlineHint', { name: user?.displayName ?? '' })}
        </Typography.Paragraph>
      </Form>
    </div>
  );
}

function Sent({ outcome, onNext }: { outcome: Outcome; onNext(): void }) {
  const { t } = useTranslation();
  const sent: ReportSent | null = outcome.status === 'sent' ? outcome.sent : null;
  return (
    <div className="wa-page" data-testid={sent ? 'report-sent' : 'report-queued'}>
      <Result
        status={sent ? 'success' : 'info'}
        title={sent ? t('workerApp.report.sent') : t('workerApp.report.queued')}
        subTitle={
          sent ? (
            <Space orientation="vertical" size={4}>
              <span data-testid="report-number">{t('workerApp.report.number', { number: sent.number })}</span>
              {sent.grids.length > 0 ? <span>{sent.grids.map((grid) => grid.name).join(' / ')}</span> : null}
              {sent.followCode ? (
                <span data-testid="report-follow-code">
                  {t('workerApp.report.followCode', { code: sent.followCode })}
                </span>
              ) : null}
            </Space>
          ) : (
            t('workerApp.report.queuedHint')
          )
        }
        extra={
          <Button type="primary" onClick={onNext} data-testid="report-next">
            {t('workerApp.report.next')}
          </Button>
        }
      />
    </div>
  );
}
