import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Select, Space, Switch, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { useRoles } from '../accounts/server';
import { currentLanguage, localized } from '../i18n';
import { userApi, type Role, type User } from './api';
import { GridPicker } from './GridPicker';
import { formProblems } from './problems';
import { roleColor } from './roleColors';

interface Values {
  username: string;
  password?: string;
  displayName?: string;
  roles: Role[];
  grids: string[];
  disabled?: boolean;
}

const FIELDS = ['username', 'password', 'displayName', 'roles', 'grids', 'disabled'] as const;
/** The server's rules (src/accounts/schema.ts), checked here first so that most mistakes need no round trip. */
const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
const PASSWORD_MIN_LENGTH = 8;
const PASSWORD_MAX_LENGTH = 128;

export interface UserDrawerProps {
  open: boolean;
  /** The user to edit; null creates one. */
  user: User | null;
  onClose(): void;
  onSaved(user: User, created: boolean): void;
}

/** 新建 / 编辑用户: one form for both; an edit sends only what changed. */
export function UserDrawer({ open, user, onClose, onSaved }: UserDrawerProps) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const roleNames = useRoles();
  const [saving, setSaving] = useState(false);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const roles = Form.useWatch('roles', form) ?? [];
  const creating = user === null;

  useEffect(() => {
    if (!open) return;
    setOtherProblems([]);
    form.resetFields();
    form.setFieldsValue(
      user
        ? {
            username: user.username,
            displayName: user.displayName,
            roles: user.roles,
            grids: user.grids,
            disabled: user.disabled,
            password: undefined,
          }
        : { roles: [], grids: [] },
    );
  }, [open, user, form]);

  const changesOf = (values: Values) => {
    if (!user) return null;
    const sameList = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && [...a].sort().join() === [...b].sort().join();
    return {
      ...(values.displayName?.trim() && values.displayName.trim() !== user.displayName
        ? { displayName: values.displayName.trim() }
        : {}),
      ...(!sameList(values.roles, user.roles) ? { roles: values.roles } : {}),
      ...(!sameList(values.grids, user.grids) ? { grids: values.grids } : {}),
      ...(values.disabled !== undefined && values.disabled !== user.disabled
        ? { disabled: values.disabled }
        : {}),
      ...(values.password ? { password: values.password } : {}),
    };
  };

  const save = async (values: Values) => {
    setOtherProblems([]);
    const changes = changesOf(values);
    if (changes && Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    if (changes?.disabled === true) {
      // disabling ends every session of the user at once: ask first
      const confirmed = await modal.confirm({
        title: t('users.disableConfirmTitle', { name: user?.displayName || user?.username }),
        content: t('users.disableConfirmText'),
        okText: t('users.disable'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
      });
      if (!confirmed) return;
    }
    setSaving(true);
    try {
      const saved = user
        ? await userApi.update(user.id, changes!)
        : await userApi.create({
            username: values.username.trim(),
            password: values.password ?? '',
            ...(values.displayName?.trim() ? { displayName: values.displayName.trim() } : {}),
            roles: values.roles,
            grids: values.grids,
          });
      onSaved(saved, creating);
    } catch (error) {
      const language = currentLanguage();
      const laid = formProblems(error, FIELDS, language);
      if (laid.fields.length > 0) {
        form.setFields(laid.fields.map((field) => ({ ...field, name: field.name as keyof Values })));
        setOtherProblems(laid.rest);
      } else {
        void message.error(errorText(error, language));
      }
    } finally {
      setSaving(false);
    }
  };

  const needsGrids = roles.length > 0 && !roles.includes('admin');

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={creating ? t('users.create') : t('users.editTitle', { name: user?.username })}
      size={480}
      destroyOnHidden
      data-testid="user-drawer"
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="user-save">
            {creating ? t('users.createSubmit') : t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<Values> form={form} layout="vertical" onFinish={save} requiredMark="optional" disabled={saving}>
        <Form.Item
          name="username"
          label={t('users.username')}
          extra={creating ? t('users.usernameHint') : undefined}
          rules={
            creating
              ? [
                  { required: true, message: t('users.usernameRequired') },
                  { pattern: USERNAME_PATTERN, message: t('users.usernameInvalid') },
                ]
              : []
          }
        >
          <Input disabled={!creating} autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          extra={creating ? t('users.displayNameHint') : undefined}
        >
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={creating ? t('users.password') : t('users.newPassword')}
          extra={creating ? t('users.passwordHint') : t('users.newPasswordHint')}
          rules={[
            ...(creating ? [{ required: true, message: t('users.passwordRequired') }] : []),
            { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH, message: t('users.passwordLength') },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t('users.roles')}
          rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}
        >
          <Select
            mode="multiple"
            data-testid="role-picker"
            placeholder={t('users.rolesPlaceholder')}
            options={roleNames.map((role) => ({
              value: role.key,
              label: localized(role, currentLanguage()),
            }))}
            optionFilterProp="label"
            tagRender={({ value, label, closable, onClose: close }) => (
              <Tag
                color={roleColor(String(value))}
                closable={closable}
                onClose={close}
                style={{ marginInlineEnd: 4 }}
              >
                {label}
              </Tag>
            )}
          />
        </Form.Item>
        <Form.Item
          name="grids"
          label={t('users.grids')}
          required={needsGrids}
          extra={t('users.gridsHint')}
          rules={[
            {
              validator: (_rule, value: string[] | undefined) =>
                needsGrids && (!value || value.length === 0)
                  ? Promise.reject(new Error(t('users.gridsRequired')))
                  : Promise.resolve(),
            },
          ]}
          dependencies={['roles']}
        >
          <GridPicker onError={(error) => void message.error(errorText(error))} />
        </Form.Item>
        {!creating ? (
          <Form.Item
            name="disabled"
            label={t('users.disabled')}
            valuePropName="checked"
            extra={t('users.disabledHint')}
          >
            <Switch data-testid="user-disabled" />
          </Form.Item>
        ) : null}
        {otherProblems.length > 0 ? (
          <Alert type="error" showIcon title={otherProblems.join(currentLanguage() === 'en' ? '; ' : '；')} />
        ) : null}
      </Form>
    </Drawer>
  );
}
