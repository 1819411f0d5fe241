import { Avatar, Button, Layout, Menu, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ApartmentOutlined,
  DashboardOutlined,
  LogoutOutlined,
  AuditOutlined,
  BellOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  RiseOutlined,
  TagsOutlined,
  ProfileOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { usePermissions } from '../accounts/server';
import { useSession } from '../accounts/session';
import { mayReadPeople } from '../people/access';
import { settingsPagesFor } from '../settings/access';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';

/**
 * The pages of the console. Pages still being built stay in the menu, disabled, so that people see what is
 * coming and the layout does not change when they arrive.
 */
const PAGES: { key: string; path: string; icon: React.ReactNode; ready: boolean }[] = [
  { key: 'dashboard', path: '/console/dashboard', icon: <DashboardOutlined />, ready: true },
  { key: 'grids', path: '/console/grids', icon: <ApartmentOutlined />, ready: true },
  { key: 'events', path: '/console/events', icon: <ProfileOutlined />, ready: true },
  { key: 'people', path: '/console/people', icon: <TeamOutlined />, ready: true },
  { key: 'whistles', path: '/console/whistles', icon: <BellOutlined />, ready: true },
];

const SETTINGS_ICONS: Record<string, React.ReactNode> = {
  users: <UserOutlined />,
  audit: <AuditOutlined />,
  categories: <TagsOutlined />,
  policies: <ClockCircleOutlined />,
  calendar: <CalendarOutlined />,
  ladders: <RiseOutlined />,
};

export function ConsoleLayout() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const settingsPages = settingsPagesFor(user?.roles ?? []);
  const current =
    settingsPages.find((page) => location.pathname.startsWith(page.path))?.key ??
    PAGES.find((page) => location.pathname.startsWith(page.path))?.key ??
    'dashboard';

  // the people pages only for the roles that may read people (a resident may not)
  // 吹哨 for who may read whistles (the server's whistle.read: not workers, not residents)
  const permissions = usePermissions();
  const pages = PAGES.filter(
    (page) =>
      (page.key !== 'people' || mayReadPeople(user?.roles ?? [])) &&
      (page.key !== 'whistles' || (permissions?.has('whistle.read') ?? false)),
  );
  const items: MenuProps['items'] = pages.map((page) => ({
    key: page.key,
    icon: page.icon,
    disabled: !page.ready,
    label: page.ready ? (
      <span data-testid={`nav-${page.key}`}>{t(`nav.${page.key}`)}</span>
    ) : (
      <Tooltip title={t('nav.comingSoon')} placement="bottom">
        <span data-testid={`nav-${page.key}`}>
          {t(`nav.${page.key}`)}
          <span className="nav-soon">{t('nav.soon')}</span>
        </span>
      </Tooltip>
    ),
  }));
  // 设置 Settings: only the pages the roles may open, and no menu at all for who may open none
  if (settingsPages.length > 0) {
    items.push({
      key: 'settings',
      icon: <SettingOutlined />,
      label: <span data-testid="nav-settings">{t('nav.settings')}</span>,
      children: settingsPages.map((page) => ({
        key: page.key,
        icon: SETTINGS_ICONS[page.key],
        label: <span data-testid={`nav-settings-${page.key}`}>{t(`nav.${page.key}`)}</span>,
      })),
    });
  }

  const roles = user?.roles ?? [];
  return (
    <Layout className="console">
      <Layout.Header className="console-header">
        <div className="console-brand" onClick={() => navigate('/console/dashboard')} role="link">
          <Logo />
          <span className="console-brand-name">{t('app.name')}</span>
          <span className="console-brand-dot">·</span>
          <span className="console-brand-subtitle">{t('app.subtitle')}</span>
        </div>
        <Menu
          className="console-menu"
          theme="dark"
          mode="horizontal"
          selectedKeys={[current]}
          items={items}
          onClick={({ key }) => {
            const page = PAGES.find((p) => p.key === key);
            if (page?.ready) navigate(page.path);
            const setting = settingsPages.find((p) => p.key === key);
            if (setting) navigate(setting.path);
          }}
        />
        <Space size={4} className="console-user">
          <LanguageSwitch dark />
          <div className="console-user-chip" data-testid="user-chip">
            <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c8102e' }} />
            <Typography.Text className="console-user-name" data-testid="user-name">
              {user?.displayName || user?.username}
            </Typography.Text>
            {roles.slice(0, 2).map((role) => (
              <Tag key={role} color="gold" variant="filled" className="console-role">
                {t(`roles.${role}`, { defaultValue: role })}
              </Tag>
            ))}
            {roles.length > 2 ? <Tag>+{roles.length - 2}</Tag> : null}
          </div>
          <Tooltip title={t('header.signOut')}>
            <Button
              type="text"
              icon={<LogoutOutlined />}
              aria-label={t('header.signOut')}
              data-testid="sign-out"
              style={{ color: 'rgba(255,255,255,0.75)' }}
              onClick={() => {
                signOut('user');
                navigate('/console/login', { replace: true });
              }}
            />
          </Tooltip>
        </Space>
      </Layout.Header>
      <Layout.Content className="console-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
