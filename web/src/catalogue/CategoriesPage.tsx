import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../accounts/server';
import { errorText } from '../api/client';
import { currentLanguage, localized } from '../i18n';
import { placeProblems } from '../settings/problems';
import '../settings/settings.css';
import {
  catalogueApi,
  type CatalogueClass,
  type CatalogueMajor,
  type ClassChanges,
  type DeadlinePolicy,
} from './api';
import type { Bilingual } from '../grids/api';

/** The policy select's value for "inherit the major's (or the general) policy". */
const INHERIT = '__inherit__';

interface Values {
  code?: string;
  name: Bilingual;
  deadlinePolicy: string;
  filingStandards: Bilingual[];
  closingStandards: Bilingual[];
  active: boolean;
}

type Row = CatalogueClass & { children?: Row[] };

/** Does a class (or, for a major, one of its minors) match the search text? */
export function matchesSearch(row: CatalogueClass, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return (
    row.code.includes(needle) ||
    row.name.zh.toLowerCase().includes(needle) ||
    row.name.en.toLowerCase().includes(needle)
  );
}

function StandardsList({ name, label, readOnly }: { name: string; label: string; readOnly: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }, { errors }) => (
        <div className="standards-list" data-testid={`standards-${name}`}>
          <Typography.Text strong>{label}</Typography.Text>
          {fields.map((field, index) => (
            <Space key={field.key} align="start" className="standards-row" style={{ display: 'flex' }}>
              <span className="standards-index">{index + 1}.</span>
              <Form.Item
                name={[field.name, 'zh']}
                rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
              >
                <Input.TextArea
                  autoSize
                  placeholder={t('catalogue.zh')}
                  disabled={readOnly}
                  data-testid={`${name}-${index}-zh`}
                  style={{ width: 220 }}
                />
              </Form.Item>
              <Form.Item
                name={[field.name, 'en']}
                rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
              >
                <Input.TextArea
                  autoSize
                  placeholder={t('catalogue.en')}
                  disabled={readOnly}
                  data-testid={`${name}-${index}-en`}
                  style={{ width: 200 }}
                />
              </Form.Item>
              {readOnly ? null : (
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('catalogue.remove')}
                  onClick={() => remove(field.name)}
                />
              )}
            </Space>
          ))}
          <Form.ErrorList errors={errors} />
          {readOnly ? null : (
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ zh: '', en: '' })}
              data-testid={`${name}-add`}
            >
              {t('catalogue.addStandard')}
            </Button>
          )}
        </div>
      )}
    </Form.List>
  );
}

/**
 * 事件分类: the two-level catalogue (14 大类 with their 小类) with search; a drawer edits a class's names, deadline
 * policy, 立案标准 and 结案标准, and switches it off (classes are never deleted); a major gets new minor classes.
 */
export function CategoriesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { message } = App.useApp();
  const permissions = usePermissions();
  const mayEdit = permissions?.has('category.manage') ?? false;
  const [tree, setTree] = useState<CatalogueMajor[]>([]);
  const [policies, setPolicies] = useState<DeadlinePolicy[]>([]);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<string[]>([]);
  /** The class being edited, or the major a new minor goes under. */
  const [editing, setEditing] = useState<{
    row: CatalogueClass | null;
    parent: CatalogueClass | null;
  } | null>(null);
  const [saving, setSaving] = useState(false);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const [form] = Form.useForm<Values>();

  const load = useCallback((signal?: AbortSignal) => {
    setLoading(true);
    Promise.all([catalogueApi.tree(signal), catalogueApi.policies(signal)])
      .then(([classes, policyList]) => {
        setTree(classes);
        setPolicies(policyList);
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

  const rows: Row[] = useMemo(
    () =>
      tree
        .map((major): Row[] => {
          const children = major.children.filter((minor) => matchesSearch(minor, search));
          const own = matchesSearch(major, search);
          if (!own && children.length === 0) return [];
          return [{ ...major, children: own ? major.children : children } as Row];
        })
        .flat(),
    [tree, search],
  );
  // while searching, every major that matched opens to show its minors
  const expandedKeys = search.trim() ? rows.map((row) => row.code) : expanded;

  const policyName = (key: string | null) => {
    if (!key) return '—';
    const policy = policies.find((p) => p.key === key);
    return policy ? localized(policy.name, language) : key;
  };

  const open = (row: CatalogueClass | null, parent: CatalogueClass | null) => {
    setOtherProblems([]);
    setEditing({ row, parent });
    form.resetFields();
    form.setFieldsValue(
      row
        ? {
            name: row.name,
            deadlinePolicy: row.deadlinePolicy ?? INHERIT,
            filingStandards: row.filingStandards,
            closingStandards: row.closingStandards,
            active: row.active,
          }
        : {
            code: parent?.code ?? '',
            name: { zh: '', en: '' },
            deadlinePolicy: INHERIT,
            filingStandards: [],
            closingStandards: [],
            active: true,
          },
    );
  };

  const save = async (values: Values) => {
    if (!editing) return;
    setSaving(true);
    setOtherProblems([]);
    const policy = values.deadlinePolicy === INHERIT ? null : values.deadlinePolicy;
    try {
      if (editing.row) {
        const changes: ClassChanges = {
          name: values.name,
          deadlinePolicy: policy,
          filingStandards: values.filingStandards ?? [],
          closingStandards: values.closingStandards ?? [],
          active: values.active,
        };
        await catalogueApi.update(editing.row.code, changes);
      } else {
        await catalogueApi.create({
          code: values.code ?? '',
          parentCode: editing.parent!.code,
          name: values.name,
          deadlinePolicy: policy,
          filingStandards: values.filingStandards ?? [],
          closingStandards: values.closingStandards ?? [],
        });
      }
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
  const creating = editing !== null && editing.row === null;

  return (
    <div className="settings-page" data-testid="categories-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('nav.categories')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('catalogue.classCount', {
            majors: tree.length,
            minors: tree.reduce((sum, major) => sum + major.children.length, 0),
          })}
        </Typography.Text>
        {readOnly && permissions ? <Tag>{t('catalogue.readOnly')}</Tag> : null}
        <div className="settings-tools">
          <Input.Search
            allowClear
            placeholder={t('catalogue.search')}
            onChange={(event) => setSearch(event.target.value)}
            style={{ width: 260 }}
            data-testid="categories-search"
          />
        </div>
      </div>
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      <Table<Row>
        className="settings-table"
        data-testid="categories-table"
        rowKey="code"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        expandable={{
          expandedRowKeys: expandedKeys,
          onExpandedRowsChange: (keys) => setExpanded(keys.map(String)),
        }}
        rowClassName={(row) => (row.active ? '' : 'row-disabled')}
        columns={[
          { title: t('catalogue.code'), dataIndex: 'code', width: 120 },
          {
            title: t('catalogue.name'),
            key: 'name',
            render: (_, row) => (
              <span data-testid={`class-${row.code}`}>
                {localized(row.name, language)}
                {row.level === 1 ? (
                  <Typography.Text type="secondary">
                    {' '}
                    ·{' '}
                    {t('catalogue.minorCount', {
                      count: tree.find((major) => major.code === row.code)?.children.length ?? 0,
                    })}
                  </Typography.Text>
                ) : null}
              </span>
            ),
          },
          {
            title: t('catalogue.policy'),
            key: 'policy',
            width: 200,
            render: (_, row) =>
              row.deadlinePolicy ? (
                policyName(row.deadlinePolicy)
              ) : (
                <Typography.Text type="secondary">
                  {policyName(row.effectivePolicy)} ({t('catalogue.inherited')})
                </Typography.Text>
              ),
          },
          {
            title: t('catalogue.standards'),
            key: 'standards',
            width: 150,
            render: (_, row) =>
              t('catalogue.standardCounts', {
                filing: row.filingStandards.length,
                closing: row.closingStandards.length,
              }),
          },
          {
            title: t('catalogue.status'),
            key: 'active',
            width: 90,
            render: (_, row) =>
              row.active ? (
                <Tag color="green">{t('catalogue.active')}</Tag>
              ) : (
                <Tag>{t('catalogue.inactive')}</Tag>
              ),
          },
          {
            title: t('catalogue.operations'),
            key: 'operations',
            width: 170,
            render: (_, row) => (
              <Space size={0} className="table-actions">
                <Button
                  type="link"
                  size="small"
                  onClick={() => open(row, null)}
                  data-testid={`edit-${row.code}`}
                >
                  {readOnly ? t('catalogue.view') : t('catalogue.edit')}
                </Button>
                {row.level === 1 && !readOnly ? (
                  <Button
                    type="link"
                    size="small"
                    onClick={() => open(null, row)}
                    data-testid={`add-minor-${row.code}`}
                  >
                    {t('catalogue.addMinor')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={640}
        destroyOnHidden
        title={
          creating
            ? t('catalogue.addMinorTitle', { major: localized(editing?.parent?.name, language) })
            : `${editing?.row?.code ?? ''} ${localized(editing?.row?.name, language)}`
        }
        data-testid="category-drawer"
        footer={
          readOnly ? null : (
            <Space style={{ float: 'right' }}>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
              <Button
                type="primary"
                loading={saving}
                onClick={() => form.submit()}
                data-testid="category-save"
              >
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
          {creating ? (
            <Form.Item
              name="code"
              label={t('catalogue.code')}
              extra={t('catalogue.codeHint', { major: editing?.parent?.code })}
              rules={[
                { required: true, message: t('catalogue.required') },
                {
                  pattern: new RegExp(`^${editing?.parent?.code ?? '[0-9]{2}'}[0-9]{2}$`),
                  message: t('catalogue.codeHint', { major: editing?.parent?.code }),
                },
              ]}
            >
              <Input data-testid="category-code" maxLength={4} />
            </Form.Item>
          ) : null}
          <Space size={12} style={{ display: 'flex' }}>
            <Form.Item
              name={['name', 'zh']}
              label={t('catalogue.nameZh')}
              rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
            >
              <Input maxLength={60} data-testid="category-name-zh" style={{ width: 260 }} />
            </Form.Item>
            <Form.Item
              name={['name', 'en']}
              label={t('catalogue.nameEn')}
              rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}
            >
              <Input maxLength={120} data-testid="category-name-en" style={{ width: 280 }} />
            </Form.Item>
          </Space>
          <Space size={12} style={{ display: 'flex' }}>
            <Form.Item name="deadlinePolicy" label={t('catalogue.policy')}>
              <Select
                style={{ width: 260 }}
                data-testid="category-policy"
                options={[
                  { value: INHERIT, label: t('catalogue.inheritPolicy') },
                  ...policies.map((policy) => ({
                    value: policy.key,
                    label: localized(policy.name, language),
                  })),
                ]}
              />
            </Form.Item>
            {creating ? null : (
              <Form.Item name="active" label={t('catalogue.status')} valuePropName="checked">
                <Switch
                  checkedChildren={t('catalogue.active')}
                  unCheckedChildren={t('catalogue.inactive')}
                  data-testid="category-active"
                />
              </Form.Item>
            )}
          </Space>
          <StandardsList name="filingStandards" label={t('catalogue.filingStandards')} readOnly={readOnly} />
          <StandardsList
            name="closingStandards"
            label={t('catalogue.closingStandards')}
            readOnly={readOnly}
          />
        </Form>
        {otherProblems.length > 0 ? (
          <Alert type="error" showIcon title={otherProblems.join('；')} data-testid="category-problems" />
        ) : null}
      </Drawer>
    </div>
  );
}
