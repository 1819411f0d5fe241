import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Form, Input, Result, Select, Space, Spin, Typography } from 'antd';
import { AimOutlined, CameraOutlined, CloseOutlined, CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { publicApi, type PublicCategory, type PublicMap, type Raised } from './api';
import { newIdempotencyKey, rememberMatter } from './store';

// maplibre is most of this page's weight: it loads when the form shows the map, not with the page
const PinMap = lazy(() => import('./PinMap'));

const MAX_PHOTOS = 3;
/** Phone photos are large; they are scaled down to this many pixels on the long side before upload. */
const PHOTO_EDGE = 1600;
const PHONE_PATTERN = /^(?:(?:\+?86)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/;

interface FormValues {
  major: string;
  minor?: string;
  description: string;
  address?: string;
  name?: string;
  phone?: string;
  website?: string;
}

interface Photo {
  hash: string;
  preview: string;
}

/** A JPEG no larger than PHOTO_EDGE on its long side; the file itself when the browser cannot draw it (HEIC). */
async function shrink(file: File): Promise<Blob> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size < 1024 * 1024) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob ?? file;
  } catch {
    return file;
  }
}

export function RaiseForm({ onFollow }: { onFollow(number: string, code: string): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [categories, setCategories] = useState<PublicCategory[]>([]);
  const [outline, setOutline] = useState<PublicMap | null>(null);
  const [point, setPoint] = useState<{ lng: number; lat: number } | null>(null);
  const [locating, setLocating] = useState(false);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [uploading, setUploading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [raised, setRaised] = useState<Raised | null>(null);
  const [pointMissing, setPointMissing] = useState(false);
  // one key per matter being written: pressing submit again after a lost answer files it once
  const idempotencyKey = useRef(newIdempotencyKey());
  const fileInput = useRef<HTMLInputElement>(null);
  const major = Form.useWatch('major', form);

  useEffect(() => {
    publicApi.categories().then(setCategories, (error: unknown) => setProblem(errorText(error)));
    publicApi.map().then(setOutline, (error: unknown) => setProblem(errorText(error)));
  }, []);

  const minors = categories.find((c) => c.code === major)?.minors ?? [];

  function locate() {
    if (!('geolocation' in navigator)) {
      void message.warning(t('resident.noGeolocation'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        setPointMissing(false);
        setPoint({ lng: position.coords.longitude, lat: position.coords.latitude });
      },
      () => {
        setLocating(false);
        void message.warning(t('resident.locationDenied'));
      },
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  }

  async function addPhotos(files: FileList | null) {
    if (!files) return;
    setUploading(true);
    try {
      for (const file of [...files].slice(0, MAX_PHOTOS - photos.length)) {
        const blob = await shrink(file);
        const stored = await publicApi.uploadPhoto(blob);
        setPhotos((list) =>
          list.some((p) => p.hash === stored.hash)
            ? list
            : [...list, { hash: stored.hash, preview: URL.createObjectURL(blob) }],
        );
      }
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  async function submit(values: FormValues) {
    if (!point) {
      setPointMissing(true);
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      const answer = await publicApi.raise(
        {
          category: values.minor ?? values.major,
          description: values.description.trim(),
          location: point,
          ...(values.address?.trim() ? { address: values.address.trim() } : {}),
          ...(values.name?.trim() ? { name: values.name.trim() } : {}),
          ...(values.phone?.trim() ? { phone: values.phone.trim() } : {}),
          ...(photos.length > 0 ? { photos: photos.map((p) => p.hash) } : {}),
          ...(values.website ? { website: values.website } : {}),
        },
        idempotencyKey.current,
      );
      const category = categories.find((c) => c.code === values.major);
      rememberMatter({
        number: answer.number,
        code: answer.followCode,
        raisedAt: new Date().toISOString(),
        category: category ? localized(category.name) : values.major,
      });
      setRaised(answer);
      window.scrollTo({ top: 0 });
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setSubmitting(false);
    }
  }

  function again() {
    form.resetFields();
    setPhotos([]);
    setPoint(null);
    setRaised(null);
    setProblem(null);
    idempotencyKey.current = newIdempotencyKey();
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('resident.copied'));
    } catch {
      void message.info(text);
    }
  }

  if (raised) {
    return (
      <Result
        status="success"
        className="resident-success"
        title={t('resident.raisedTitle')}
        subTitle={t('resident.raisedHint')}
        extra={
          <div className="resident-receipt" data-testid="resident-receipt">
            <div className="resident-receipt-row">
              <span>{t('resident.number')}</span>
              <strong data-testid="resident-number">{raised.number}</strong>
            </div>
            <div className="resident-receipt-row">
              <span>{t('resident.followCode')}</span>
              <strong className="resident-code" data-testid="resident-code">
                {raised.followCode}
              </strong>
            </div>
            <Button
              block
              icon={<CopyOutlined />}
              onClick={() =>
                void copy(
                  `${t('resident.number')} ${raised.number} ${t('resident.followCode')} ${raised.followCode}`,
                )
              }
            >
              {t('resident.copy')}
            </Button>
            <Typography.Paragraph type="secondary" className="resident-receipt-note">
              {t('resident.savedOnPhone')}
            </Typography.Paragraph>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Button type="primary" block onClick={() => onFollow(raised.number, raised.followCode)}>
                {t('resident.followNow')}
              </Button>
              <Button block onClick={again}>
                {t('resident.raiseAnother')}
              </Button>
            </Space>
          </div>
        }
      />
    );
  }

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      requiredMark="optional"
      onFinish={(values) => void submit(values)}
      className="resident-form"
      data-testid="resident-raise-form"
    >
      <Form.Item
        name="major"
        label={t('resident.category')}
        rules={[{ required: true, message: t('resident.categoryRequired') }]}
      >
        <Select
          placeholder={t('resident.categoryPlaceholder')}
          options={categories.map((c) => ({ value: c.code, label: localized(c.name) }))}
          onChange={() => form.setFieldValue('minor', undefined)}
          data-testid="resident-category"
          loading={categories.length === 0}
        />
      </Form.Item>
      {minors.length > 0 ? (
        <Form.Item name="minor" label={t('resident.minor')}>
          <Select
            allowClear
            placeholder={t('resident.minorPlaceholder')}
            options={minors.map((c) => ({ value: c.code, label: localized(c.name) }))}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        name="description"
        label={t('resident.description')}
        rules={[
          { required: true, message: t('resident.descriptionRequired') },
          { min: 5, message: t('resident.descriptionShort') },
        ]}
      >
        <Input.TextArea
          rows={4}
          maxLength={2000}
          showCount
          placeholder={t('resident.descriptionPlaceholder')}
          data-testid="resident-description"
        />
      </Form.Item>

      <Form.Item
        label={t('resident.location')}
        required
        validateStatus={pointMissing ? 'error' : undefined}
        help={pointMissing ? t('resident.locationRequired') : t('resident.locationHint')}
      >
        <div className="resident-map-box">
          {outline ? (
            <Suspense fallback={<Spin className="resident-map-loading" />}>
              <PinMap
                outline={outline}
                value={point}
                onChange={(next) => {
                  setPointMissing(false);
                  setPoint(next);
                }}
              />
            </Suspense>
          ) : (
            <Spin className="resident-map-loading" />
          )}
        </div>
        <div className="resident-map-actions">
          <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid="resident-locate">
            {t('resident.useMyLocation')}
          </Button>
          <span className="resident-point" data-testid="resident-point">
            {point ? `${point.lng.toFixed(5)}, ${point.lat.toFixed(5)}` : t('resident.noPoint')}
          </span>
        </div>
      </Form.Item>
      <Form.Item name="address" label={t('resident.address')}>
        <Input maxLength={200} placeholder={t('resident.addressPlaceholder')} />
      </Form.Item>

      <Form.Item label={t('resident.photos')}>
        <div className="resident-photos">
          {photos.map((photo) => (
            <div key={photo.hash} className="resident-photo">
              <img src={photo.preview} alt="" />
              <Button
                size="small"
                shape="circle"
                icon={<CloseOutlined />}
                aria-label={t('resident.removePhoto')}
                onClick={() => setPhotos((list) => list.filter((p) => p.hash !== photo.hash))}
              />
            </div>
          ))}
          {photos.length < MAX_PHOTOS ? (
            <Button
              className="resident-photo-add"
              icon={<CameraOutlined />}
              loading={uploading}
              onClick={() => fileInput.current?.click()}
            >
              {t('resident.addPhoto')}
            </Button>
          ) : null}
          <input
            ref={fileInput}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/heic"
            multiple
            style={{ display: 'none' }}
            data-testid="resident-photo-input"
            onChange={(event) => void addPhotos(event.target.files)}
          />
        </div>
      </Form.Item>

      <Typography.Text type="secondary" className="resident-contact-note">
        {t('resident.contactNote')}
      </Typography.Text>
      <Form.Item name="name" label={t('resident.name')}>
        <Input maxLength={50} autoComplete="name" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('resident.phone')}
        rules={[{ pattern: PHONE_PATTERN, message: t('resident.phoneInvalid') }]}
      >
        <Input inputMode="tel" maxLength={20} autoComplete="tel" data-testid="resident-phone" />
      </Form.Item>
      {/* 蜜罐: hidden from people and screen readers; a robot filling every field is refused by the server */}
      <div className="resident-trap" aria-hidden="true">
        <Form.Item name="website" label="Website">
          <Input tabIndex={-1} autoComplete="off" />
        </Form.Item>
      </div>

      {problem ? <Alert type="error" showIcon title={problem} className="resident-problem" /> : null}
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block
        loading={submitting}
        data-testid="resident-submit"
        lang={i18n.language}
      >
        {t('resident.submit')}
      </Button>
    </Form>
  );
}
