import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  TreeSelect,
  Typography,
  Upload,
} from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import type { UploadFile } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { localized } from '../i18n';
import { formProblems } from '../settings/problems';
import { gridApi, type GridFeatureCollection } from '../grids/api';
import type { MapMarker } from '../grids/GridMap';
import { eventApi, uploadAttachment, type Category } from './api';

const GridMap = lazy(() => import('../grids/GridMap').then((module) => ({ default: module.GridMap })));
import { EVENT_SOURCES } from './logic';

interface ReportValues {
  source: string;
  categoryCode: string;
  title: string;
  description?: string;
  address?: string;
  lng: number;
  lat: number;
  /** 代群众上报 (source resident): the resident's contact; a phone gets the resident a follow code. */
  residentName?: string;
  residentPhone?: string;
}

const RESIDENT_PHONE = /^(?:(?:\+?86)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/;

export interface ReportModalProps {
  open: boolean;
  categories: Category[];
  /** A point picked on a map, when the page has one. */
  picked?: { lng: number; lat: number } | null;
  onClose(): void;
  onReported(id: number, number: string): void;
}

/**
 * 上报事件: category (a minor class), title, description, the location as longitude and latitude, photos. Each photo is
 * uploaded as it is chosen (POST /api/attachments, raw body), and the report names their hashes.
 */
export function ReportModal({ open, categories, picked, onClose, onReported }: ReportModalProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [form] = Form.useForm<ReportValues>();
  const { modal } = App.useApp();
  const source = Form.useWatch('source', form);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [hashes, setHashes] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string[]>([]);

  const [collection, setCollection] = useState<GridFeatureCollection | null>(null);
  const [rootCode, setRootCode] = useState<string | null>(null);
  const [point, setPoint] = useState<{ lng: number; lat: number } | null>(null);
  // maplibre measures its container once: the map is made after the modal has finished opening
  const [mapShown, setMapShown] = useState(false);

  // the map of the reporter's own grids, to click the spot on; loaded the first time the form opens
  useEffect(() => {
    if (!open || collection) return;
    const controller = new AbortController();
    gridApi
      .roots(controller.signal)
      .then((roots) => {
        const root = roots.items[0];
        if (!root) return;
        setRootCode(root.code);
        return gridApi.subtree(root.code, controller.signal).then(setCollection);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [open, collection]);

  useEffect(() => {
    if (picked && open) {
      form.setFieldsValue(picked);
      setPoint(picked);
    }
  }, [picked, open, form]);

  const pick = (next: { lng: number; lat: number }) => {
    const rounded = { lng: Number(next.lng.toFixed(6)), lat: Number(next.lat.toFixed(6)) };
    form.setFieldsValue(rounded);
    form.setFields([{ name: 'lng', errors: [] }]);
    setPoint(rounded);
  };
  const markers = useMemo<MapMarker[]>(
    () => (point ? [{ id: 0, ...point, colour: '#c8102e', title: `${point.lng}, ${point.lat}` }] : []),
    [point],
  );

  const treeData = categories.map((major) => ({
    value: major.code,
    title: `${major.code} ${localized(major.name, language)}`,
    selectable: false,
    children: (major.children ?? []).map((minor) => ({
      value: minor.code,
      title: `${minor.code} ${localized(minor.name, language)}`,
    })),
  }));

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure([]);
    try {
      const created = await eventApi.report({
        source: values.source,
        categoryCode: values.categoryCode,
        title: values.title.trim(),
        ...(values.description?.trim() ? { description: values.description.trim() } : {}),
        ...(values.address?.trim() ? { address: values.address.trim() } : {}),
        location: { lng: values.lng, lat: values.lat },
        attachments: files.map((file) => hashes.get(file.uid)).filter((hash): hash is string => !!hash),
        ...(values.source === 'resident' && values.residentPhone?.trim()
          ? {
              resident: {
                phone: values.residentPhone.trim(),
                ...(values.residentName?.trim() ? { name: values.residentName.trim() } : {}),
              },
            }
          : {}),
      });
      form.resetFields();
      setFiles([]);
      onReported(created.id, created.number);
      if (created.followCode) {
        // opened after onReported, so that it lies above the event's drawer: the staff read the two out or write
        // them down, and the resident follows and rates the matter on /r with them
        modal.info({
          title: t('events.residentReceipt'),
          content: (
            <div data-testid="report-follow-code">
              <Typography.Paragraph>{t('events.residentReceiptHint')}</Typography.Paragraph>
              <Typography.Paragraph copyable={{ text: `${created.number} ${created.followCode}` }}>
                {created.number} · <strong>{created.followCode}</strong>
              </Typography.Paragraph>
            </div>
          ),
        });
      }
    } catch (error) {
      const laid = formProblems(
        error,
        ['categoryCode', 'title', 'description', 'address', 'source'],
        language,
      );
      form.setFields(laid.fields as Parameters<typeof form.setFields>[0]);
      const location = /^\/body\/location/;
      const rest = laid.rest.filter((text) => !location.test(text));
      if (laid.rest.length !== rest.length) {
        form.setFields([{ name: 'lng', errors: laid.rest.filter((text) => location.test(text)) }]);
      }
      setFailure(laid.fields.length === 0 && rest.length === 0 ? [errorText(error)] : rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('events.report')}
      okText={t('events.submitReport')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'report-submit' } as never}
      width={960}
      style={{ top: 24 }}
      forceRender
      afterOpenChange={setMapShown}
    >
      <div className="report-layout">
        <Form
          form={form}
          layout="vertical"
          className="report-form"
          onValuesChange={(_changed, all: ReportValues) => {
            // typed coordinates move the marker too
            if (typeof all.lng === 'number' && typeof all.lat === 'number') {
              if (all.lng !== point?.lng || all.lat !== point?.lat) setPoint({ lng: all.lng, lat: all.lat });
            }
          }}
          initialValues={{ source: 'patrol' }}
          data-testid="report-form"
        >
          <Space.Compact block>
            <Form.Item
              name="source"
              label={t('events.source')}
              style={{ width: 140 }}
              rules={[{ required: true }]}
            >
              <Select
                options={EVENT_SOURCES.map((source) => ({
                  value: source,
                  label: t(`events.sourceName.${source}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="categoryCode"
              label={t('events.category')}
              style={{ flex: 1 }}
              rules={[{ required: true, message: t('events.required') }]}
            >
              <TreeSelect
                data-testid="report-category"
                treeData={treeData}
                showSearch={{ treeNodeFilterProp: 'title' }}
                placeholder={t('events.categoryPlaceholder')}
                listHeight={300}
              />
            </Form.Item>
          </Space.Compact>
          <Form.Item
            name="title"
            label={t('events.title')}
            rules={[{ required: true, whitespace: true, message: t('events.required') }]}
          >
            <Input maxLength={200} data-testid="report-title" />
          </Form.Item>
          <Form.Item name="description" label={t('events.description')}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
          <div className="report-row">
            <Form.Item
              label={t('events.location')}
              extra={t('events.locationHint')}
              required
              style={{ flex: 1 }}
            >
              <Space.Compact block>
                <Form.Item name="lng" noStyle rules={[{ required: true, message: t('events.required') }]}>
                  <InputNumber
                    placeholder={t('events.lng')}
                    min={-180}
                    max={180}
                    step={0.0001}
                    style={{ width: '50%' }}
                    data-testid="report-lng"
                  />
                </Form.Item>
                <Form.Item name="lat" noStyle rules={[{ required: true, message: t('events.required') }]}>
                  <InputNumber
                    placeholder={t('events.lat')}
                    min={-90}
                    max={90}
                    step={0.0001}
                    style={{ width: '50%' }}
                    data-testid="report-lat"
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
            <Form.Item name="address" label={t('events.address')} style={{ flex: 1 }}>
              <Input maxLength={500} />
            </Form.Item>
          </div>
          {source === 'resident' ? (
            <div className="report-row">
              <Form.Item name="residentName" label={t('events.residentName')} style={{ flex: 1 }}>
                <Input maxLength={50} data-testid="report-resident-name" />
              </Form.Item>
              <Form.Item
                name="residentPhone"
                label={t('events.residentPhone')}
                extra={t('events.residentPhoneHint')}
                style={{ flex: 1 }}
                rules={[{ pattern: RESIDENT_PHONE, message: t('events.residentPhoneInvalid') }]}
              >
                <Input maxLength={20} inputMode="tel" data-testid="report-resident-phone" />
              </Form.Item>
            </div>
          ) : null}
          <Form.Item label={t('events.photos')}>
            <Upload
              listType="picture"
              accept="image/jpeg,image/png,image/webp"
              fileList={files}
              maxCount={9}
              customRequest={({ file, onSuccess, onError }) => {
                const upload = file as File & { uid: string };
                uploadAttachment(upload)
                  .then((answer) => {
                    setHashes((previous) => new Map(previous).set(upload.uid, answer.hash));
                    onSuccess?.(answer);
                  })
                  .catch((error: unknown) => {
                    setFailure([errorText(error)]);
                    onError?.(error as Error);
                  });
              }}
              onChange={({ fileList }) => setFiles(fileList)}
            >
              <Button icon={<UploadOutlined />} data-testid="report-photo">
                {t('events.addPhoto')}
              </Button>
            </Upload>
          </Form.Item>
        </Form>
        <div className="report-map" data-testid="report-map">
          <Suspense fallback={null}>
            {mapShown ? (
              <GridMap
                collection={collection}
                rootCode={rootCode}
                selectedCode={null}
                loading={!collection}
                onSelect={() => undefined}
                onPick={pick}
                markers={markers}
                describe={() => t('events.locationHint')}
              />
            ) : null}
          </Suspense>
        </div>
      </div>
      {failure.length > 0 ? (
        <Alert type="error" showIcon title={failure.join('；')} data-testid="report-error" />
      ) : null}
    </Modal>
  );
}
