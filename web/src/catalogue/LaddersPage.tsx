import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { usePermissions, useRoles } from '../accounts/server';
import { api, errorText } from '../api/client';
import { currentLanguage, localized } from '../i18n';
import { gridApi, type Bilingual, type GridLevel, type GridPage } from '../grids/api';
import { placeProblems } from '../settings/problems';
import '../settings/settings.css';
import { catalogueApi, type Ladder, type LadderBody, type LadderList, type LadderLevel } from './api';

const DEFAULT = 'default';
/** A level that moves off the top needs a climb time; it starts at a day. */
const DEFAULT_CLIMB_HOURS = 24;

interface LevelValues {
  key: string;
  name: Bilingual;
  notify: { role: string; gridLevel: string }[];
  climbAfterHours?: number | null;
}

interface Values {
  name: Bilingual;
  levels: LevelValues[];
}

/** The form's levels as PUT /api/escalation-ladders takes them: in order, the top one climbs no further. */
export function ladderLevels(levels: readonly LevelValues[]): LadderLevel[] {
  return levels.map((level, index) => ({
    key: level.key,
    name: level.name,
    notify: level.notify,
    climbAfterSeconds:
      index === levels.length - 1 ? null : Math.round((level.climbAfterHours ?? DEFAULT_CLIMB_HOURS) * 3600),
  }));
}

function levelValues(ladder: Pick<Ladder, 'levels'>): LevelValues[] {
  return ladder.levels.map((level) => ({
    key: level.key,
    name: level.name,
    notify: level.notify,
    climbAfterHours: level.climbAfterSeconds === null ? null : level.climbAfterSeconds / 3600,
  }));
}

/**
 * 升级阶梯: per street (or the installation's default) the levels an overdue event climbs, in order, with who is
 * told at each and after how long it climbs on; the two presets (三级闭环 of seed 000, 社区→片区→街道 of 004) apply
 * with one click. A street without its own ladder shows the one it inherits.
 */
export function LaddersPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const permissions = usePermissions();
  const mayEdit = permissions?.has('deadline.manage') ?? false;
  const roles = useRoles();
  const [list, setList] = useState<LadderList | null>(null);
  const [streets, setStreets] = useState<{ code: string; name: string }[]>([]);
  const [gridLevels, setGridLevels] = useState<GridLevel[]>([]);
  const [target, setTarget] = useState<string>(DEFAULT);
  const [ladder, setLadder] = useState<(Ladder & { inherited: boolean }) | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      catalogueApi.ladders(controller.signal),
      api<GridPage>('/api/grids', { query: { level: 'street', pageSize: 200 }, signal: controller.signal }),
      gridApi.levels(controller.signal),
    ])
      .then(([ladders, streetPage, levels]) => {
        setList(ladders);
        setStreets(streetPage.items.map((grid) => ({ code: grid.code, name: grid.name })));
        setGridLevels(levels);
        // the first street opens: ladders are set per street
        const first = streetPage.items[0]?.code;
        if (first) setTarget((current) => (current === DEFAULT ? first : current));
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setFailure(errorText(error));
      });
    return () => controller.abort();
  }, []);

  const load = useCallback(
    (signal?: AbortSignal) => {
      const request =
        target === DEFAULT
          ? catalogueApi.ladders(signal).then((answer) => ({
              ...answer.ladders.find((l) => l.gridCode === DEFAULT)!,
              inherited: false,
            }))
          : api<Ladder & { inherited: boolean }>(`/api/escalation-ladders/${encodeURIComponent(target)}`, {
              signal,
            });
      request
        .then((answer) => {
          setLadder(answer);
          setFailure(null);
          setOtherProblems([]);
          form.setFieldsValue({ name: answer.name, levels: levelValues(answer) });
        })
        .catch((error: unknown) => {
          if (!signal?.aborted) setFailure(errorText(error));
        });
    },
    [target, form],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const put = async (body: LadderBody) => {
    setSaving(true);
    setOtherProblems([]);
    try {
      await catalogueApi.putLadder(target, body);
      void message.success(t('catalogue.saved'));
      load();
    } catch (error) {
      setOtherProblems(placeProblems(form, error, currentLanguage()));
    } finally {
      setSaving(false);
    }
  };

  const save = (values: Values) =>
    put({ name: values.name, clockType: ladder?.clockType, levels: ladderLevels(values.levels) });

  const removeOwn = async () => {
    try {
      await catalogueApi.deleteLadder(target);
      void message.success(t('catalogue.saved'));
      load();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const ownerName = (code: string) =>
    code === DEFAULT ? t('catalogue.defaultLadder') : (streets.find((s) => s.code === code)?.name ?? code);

  return (
    <div className="settings-page" data-testid="ladders-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('nav.ladders')}
        </Typography.Title>
        {!mayEdit && permissions ? <Tag>{t('catalogue.readOnly')}</Tag> : null}
        <div className="settings-tools">
          <Select
            value={target}
            onChange={setTarget}
            style={{ width: 280 }}
            data-testid="ladder-target"
            options={[
              ...streets.map((street) => ({ value: street.code, label: `${street.name} · ${street.code}` })),
              { value: DEFAULT, label: t('catalogue.defaultLadder') },
            ]}
          />
        </div>
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      {ladder ? (
        <Space direction="vertical" style={{ width: '100%' }} size={12}>
          <Alert
            type={ladder.inherited ? 'info' : 'success'}
            showIcon
            data-testid="ladder-owner"
            title={
              ladder.inherited
                ? t('catalogue.ladderInherited', { owner: ownerName(ladder.gridCode) })
                : t('catalogue.ladderOwn', {
                    preset: ladder.preset
                      ? localized(
                          list?.presets.find((p) => p.preset === ladder.preset)?.name ?? ladder.name,
                          language,
                        )
                      : t('catalogue.customLadder'),
                  })
            }
          />
          {mayEdit ? (
            <Space wrap>
              <Typography.Text>{t('catalogue.applyPreset')}</Typography.Text>
              {(list?.presets ?? []).map((preset) => (
                <Popconfirm
                  key={preset.preset ?? preset.name.en}
                  title={t('catalogue.applyPresetConfirm', { name: localized(preset.name, language) })}
                  onConfirm={() => void put({ preset: preset.preset ?? undefined })}
                  okText={t('catalogue.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button data-testid={`preset-${preset.preset}`}>
                    {localized(preset.name, language)} (
                    {preset.levels.map((level) => localized(level.name, language)).join(' → ')})
                  </Button>
                </Popconfirm>
              ))}
              {!ladder.inherited && target !== DEFAULT ? (
                <Popconfirm title={t('catalogue.removeLadderConfirm')} onConfirm={() => void removeOwn()}>
                  <Button danger data-testid="ladder-remove">
                    {t('catalogue.removeLadder')}
                  </Button>
                </Popconfirm>
              ) : null}
            </Space>
          ) : null}
          <Form<Values>
            form={form}
            layout="vertical"
            disabled={!mayEdit}
            onFinish={(values) => void save(values)}
          >
            <Space size={12}>
              <Form.Item
                name={['name', 'zh']}
                label={t('catalogue.nameZh')}
                rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
              >
                <Input maxLength={60} style={{ width: 220 }} />
              </Form.Item>
              <Form.Item
                name={['name', 'en']}
                label={t('catalogue.nameEn')}
                rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
              >
                <Input maxLength={120} style={{ width: 240 }} />
              </Form.Item>
              <Form.Item label={t('catalogue.clockType')}>
                <Tag color="blue">
                  {t(`catalogue.clock.${ladder.clockType}`, { defaultValue: ladder.clockType })}
                </Tag>
              </Form.Item>
            </Space>
            <Form.List name="levels">
              {(fields, { add, remove, move }) => (
                <div data-testid="ladder-levels">
                  {fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> : null}
                  {fields.map((field, index) => {
                    const top = index === fields.length - 1;
                    return (
                      <Card
                        key={field.key}
                        size="small"
                        className="ladder-level"
                        data-testid={`ladder-level-${index}`}
                        title={
                          <Space>
                            <Tag color={top ? 'red' : 'orange'}>
                              {t('catalogue.levelN', { n: index + 1 })}
                            </Tag>
                            <Form.Item noStyle shouldUpdate>
                              {() => (
                                <span data-testid={`ladder-level-${index}-name`}>
                                  {localized(
                                    form.getFieldValue(['levels', field.name, 'name']) as Bilingual,
                                    language,
                                  )}
                                </span>
                              )}
                            </Form.Item>
                          </Space>
                        }
                        extra={
                          mayEdit ? (
                            <Space size={0}>
                              <Button
                                type="text"
                                size="small"
                                icon={<ArrowUpOutlined />}
                                disabled={index === 0}
                                aria-label={t('catalogue.moveUp')}
                                data-testid={`ladder-level-${index}-up`}
                                onClick={() => move(index, index - 1)}
                              />
                              <Button
                                type="text"
                                size="small"
                                icon={<ArrowDownOutlined />}
                                disabled={top}
                                aria-label={t('catalogue.moveDown')}
                                data-testid={`ladder-level-${index}-down`}
                                onClick={() => move(index, index + 1)}
                              />
                              <Button
                                type="text"
                                size="small"
                                danger
                                icon={<DeleteOutlined />}
                                disabled={fields.length === 1}
                                aria-label={t('catalogue.remove')}
                                onClick={() => remove(field.name)}
                              />
                            </Space>
                          ) : null
                        }
                      >
                        <Space align="start" wrap>
                          <Form.Item
                            name={[field.name, 'key']}
                            label={t('catalogue.levelKey')}
                            rules={[
                              {
                                required: true,
                                pattern: /^[a-z][a-z0-9_]{0,31}$/,
                                message: t('catalogue.keyHint'),
                              },
                            ]}
                          >
                            <Input style={{ width: 140 }} />
                          </Form.Item>
                          <Form.Item
                            name={[field.name, 'name', 'zh']}
                            label={t('catalogue.nameZh')}
                            rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
                          >
                            <Input style={{ width: 150 }} maxLength={60} />
                          </Form.Item>
                          <Form.Item
                            name={[field.name, 'name', 'en']}
                            label={t('catalogue.nameEn')}
                            rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
                          >
                            <Input style={{ width: 170 }} maxLength={120} />
                          </Form.Item>
                          <Form.Item
                            name={[field.name, 'climbAfterHours']}
                            label={t('catalogue.climbAfter')}
                            extra={top ? t('catalogue.topLevel') : undefined}
                          >
                            <InputNumber
                              min={0.1}
                              max={8784}
                              suffix={t('catalogue.hours')}
                              disabled={top || !mayEdit}
                              style={{ width: 120 }}
                            />
                          </Form.Item>
                        </Space>
                        <Form.List name={[field.name, 'notify']}>
                          {(targets, notifyOps) => (
                            <div>
                              <Typography.Text type="secondary">{t('catalogue.notify')}</Typography.Text>
                              {targets.map((notifyField) => (
                                <Space
                                  key={notifyField.key}
                                  style={{ display: 'flex', marginTop: 6 }}
                                  align="start"
                                >
                                  <Form.Item
                                    name={[notifyField.name, 'role']}
                                    noStyle
                                    rules={[{ required: true }]}
                                  >
                                    <Select
                                      style={{ width: 160 }}
                                      options={roles.map((role) => ({
                                        value: role.key,
                                        label: localized(role, language),
                                      }))}
                                    />
                                  </Form.Item>
                                  <span>@</span>
                                  <Form.Item
                                    name={[notifyField.name, 'gridLevel']}
                                    noStyle
                                    rules={[{ required: true }]}
                                  >
                                    <Select
                                      style={{ width: 140 }}
                                      options={gridLevels.map((level) => ({
                                        value: level.key,
                                        label: localized(level.name, language),
                                      }))}
                                    />
                                  </Form.Item>
                                  {mayEdit ? (
                                    <Button
                                      type="text"
                                      size="small"
                                      icon={<DeleteOutlined />}
                                      disabled={targets.length === 1}
                                      onClick={() => notifyOps.remove(notifyField.name)}
                                      aria-label={t('catalogue.remove')}
                                    />
                                  ) : null}
                                </Space>
                              ))}
                              {mayEdit ? (
                                <Button
                                  type="link"
                                  size="small"
                                  icon={<PlusOutlined />}
                                  onClick={() =>
                                    notifyOps.add({ role: 'grid_leader', gridLevel: 'community' })
                                  }
                                >
                                  {t('catalogue.addNotify')}
                                </Button>
                              ) : null}
                            </div>
                          )}
                        </Form.List>
                      </Card>
                    );
                  })}
                  {mayEdit ? (
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() =>
                        add({
                          key: `level_${fields.length + 1}`,
                          name: { zh: '', en: '' },
                          notify: [{ role: 'command_centre', gridLevel: 'street' }],
                          climbAfterHours: DEFAULT_CLIMB_HOURS,
                        })
                      }
                    >
                      {t('catalogue.addLevel')}
                    </Button>
                  ) : null}
                </div>
              )}
            </Form.List>
            {otherProblems.length > 0 ? (
              <Alert
                type="error"
                showIcon
                title={otherProblems.join('；')}
                style={{ marginTop: 12 }}
                data-testid="ladder-problems"
              />
            ) : null}
            {mayEdit ? (
              <Button
                type="primary"
                htmlType="submit"
                loading={saving}
                style={{ marginTop: 12 }}
                data-testid="ladder-save"
              >
                {ladder.inherited
                  ? t('catalogue.saveOwnLadder', { owner: ownerName(target) })
                  : t('common.save')}
              </Button>
            ) : null}
          </Form>
        </Space>
      ) : null}
    </div>
  );
}
