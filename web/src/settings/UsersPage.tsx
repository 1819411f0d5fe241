import { useState } from 'react';
import { App, Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { userApi, type User } from './api';
import { useGridNames } from './gridNames';
import { roleColor } from './roleColors';
import { UserDrawer } from './UserDrawer';
import { formatTime } from './time';
import { usePagedList } from './usePagedList';
import './settings.css';

const PAGE_SIZE = 20;

/** 用户管理: every user in the administrator's scope, with create, edit, unlock and disable. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZE);
  const [editing, setEditing] = useState<{ user: User | null } | null>(null);

  const { data, setData, loading, reload, showError } = usePagedList<User>(
    (signal) => userApi.list(page, pageSize, signal),
    [page, pageSize],
  );
  const names = useGridNames(data.items.flatMap((user) => user.grids));

  const replace = (saved: User) =>
    setData((previous) => ({
      ...previous,
      items: previous.items.map((user) => (user.id === saved.id ? saved : user)),
    }));

  const act = async (work: Promise<User>, done: string) => {
    try {
      replace(await work);
      void message.success(done);
    } catch (error) {
      showError(error);
    }
  };

  const language = i18n.language;
  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      width: 150,
      render: (username: string) => <Typography.Text strong>{username}</Typography.Text>,
    },
    { title: t('users.displayName'), dataIndex: 'displayName', width: 170, ellipsis: true },
    {
      title: t('users.roles'),
      dataIndex: 'roles',
      width: 230,
      render: (roles: string[]) => (
        <Space size={[0, 4]} wrap>
          {roles.map((role) => (
            <Tag key={role} color={roleColor(role)}>
              {t(`roles.${role}`, { defaultValue: role })}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('users.grids'),
      dataIndex: 'grids',
      render: (grids: string[], user) =>
        grids.length === 0 ? (
          <Typography.Text type="secondary">
            {user.roles.includes('admin') ? t('users.allGrids') : t('users.noGrids')}
          </Typography.Text>
        ) : (
          <Space size={[0, 4]} wrap>
            {grids.slice(0, 3).map((code) => (
              <Tooltip key={code} title={code}>
                <Tag bordered={false} data-code={code}>
                  {names.get(code) ?? code}
                </Tag>
              </Tooltip>
            ))}
            {grids.length > 3 ? <Tag>+{grids.length - 3}</Tag> : null}
          </Space>
        ),
    },
    {
      title: t('users.status'),
      key: 'status',
      width: 150,
      render: (_value, user) => {
        if (user.disabled) return <Tag color="default">{t('users.statusDisabled')}</Tag>;
        if (user.lockedUntil)
          return (
            <Tooltip title={t('users.lockedUntil', { time: formatTime(user.lockedUntil, language) })}>
              <Tag color="error">{t('users.statusLocked')}</Tag>
            </Tooltip>
          );
        return <Tag color="success">{t('users.statusActive')}</Tag>;
      },
    },
    {
      title: t('users.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      render: (value: string) => formatTime(value, language, false),
    },
    {
      title: t('users.actions'),
      key: 'actions',
      width: 190,
      fixed: 'right',
      render: (_value, user) => (
        <Space size={0} className="table-actions">
          <Button type="link" size="small" onClick={() => setEditing({ user })}>
            {t('users.edit')}
          </Button>
          {user.lockedUntil ? (
            <Button
              type="link"
              size="small"
              data-testid={`unlock-${user.username}`}
              onClick={() => void act(userApi.unlock(user.id), t('users.unlocked', { name: user.username }))}
            >
              {t('users.unlock')}
            </Button>
          ) : null}
          {user.disabled ? (
            <Button
              type="link"
              size="small"
              onClick={() =>
                void act(
                  userApi.update(user.id, { disabled: false }),
                  t('users.enabled', { name: user.username }),
                )
              }
            >
              {t('users.enable')}
            </Button>
          ) : (
            <Popconfirm
              title={t('users.disableConfirmTitle', { name: user.displayName || user.username })}
              description={t('users.disableConfirmText')}
              okText={t('users.disable')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() =>
                act(
                  userApi.update(user.id, { disabled: true }),
                  t('users.disabledDone', { name: user.username }),
                )
              }
            >
              <Button type="link" size="small" danger>
                {t('users.disable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div className="settings-page" data-testid="users-page">
      <div className="settings-head">
        <Typography.Title level={4} className="settings-title">
          {t('users.title')}
        </Typography.Title>
        <Typography.Text type="secondary" className="settings-subtitle">
          {t('users.subtitle', { count: data.total })}
        </Typography.Text>
        <Space className="settings-tools">
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => reload()} />
          </Tooltip>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ user: null })}
            data-testid="user-create"
          >
            {t('users.create')}
          </Button>
        </Space>
      </div>
      <Table<User>
        className="settings-table"
        data-testid="users-table"
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        scroll={{ x: 1100 }}
        rowClassName={(user) => (user.disabled ? 'row-disabled' : '')}
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />
      <UserDrawer
        open={editing !== null}
        user={editing?.user ?? null}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          if (created) {
            void message.success(t('users.created', { name: saved.username }));
            // a new user has the highest id: show the last page, where it is
            const last = Math.max(1, Math.ceil((data.total + 1) / pageSize));
            if (last !== page) setPage(last);
            else reload();
          } else {
            replace(saved);
            void message.success(t('users.saved', { name: saved.username }));
          }
        }}
      />
    </div>
  );
}
