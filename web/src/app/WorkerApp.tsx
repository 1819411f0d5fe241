import { useEffect, type ReactNode } from 'react';
import { App as AntApp, Badge, ConfigProvider } from 'antd';
import { EditOutlined, FileSearchOutlined, ProfileOutlined, UserOutlined } from '@ant-design/icons';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import {
  createBrowserRouter,
  Navigate,
  NavLink,
  Outlet,
  RouterProvider,
  useLocation,
} from 'react-router-dom';
import { SessionProvider, useSession } from '../accounts/session';
import { AppLogin } from './AppLogin';
import { MePage } from './MePage';
import { PatrolsPage } from './PatrolsPage';
import { ReportPage } from './ReportPage';
import { TaskPage } from './TaskPage';
import { TasksPage } from './TasksPage';
import { QueueProvider, useQueue } from './useQueue';

const ANTD_LOCALES: Record<string, Locale> = { 'zh-CN': zhCN, en: enUS };

function RequireWorker({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

/** The phone shell: a header, the page, and the bottom tab bar (上报 / 任务 / 民情日志 / 我的). */
function Shell() {
  const { t } = useTranslation();
  const { items, online } = useQueue();
  const tabs = [
    { to: '/report', icon: <EditOutlined />, label: t('workerApp.tab.report'), testId: 'tab-report' },
    { to: '/tasks', icon: <FileSearchOutlined />, label: t('workerApp.tab.tasks'), testId: 'tab-tasks' },
    { to: '/patrols', icon: <ProfileOutlined />, label: t('workerApp.tab.patrols'), testId: 'tab-patrols' },
    {
      to: '/me',
      icon: <UserOutlined />,
      label: t('workerApp.tab.me'),
      testId: 'tab-me',
      badge: items.length,
    },
  ];
  return (
    <div className="wa-shell">
      {online ? null : (
        <div className="wa-offline" data-testid="offline-banner">
          {t('workerApp.offline')}
        </div>
      )}
      <main className="wa-main">
        <Outlet />
      </main>
      <nav className="wa-tabs" aria-label={t('workerApp.tabsLabel')}>
        {tabs.map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to}
            className={({ isActive }) => `wa-tab${isActive ? ' wa-tab-active' : ''}`}
            data-testid={tab.testId}
          >
            <Badge count={tab.badge ?? 0} size="small" offset={[6, 0]} data-testid={`${tab.testId}-badge`}>
              <span className="wa-tab-icon">{tab.icon}</span>
            </Badge>
            <span className="wa-tab-label">{tab.label}</span>
          </NavLink>
        ))}
      </nav>
    </div>
  );
}

const router = createBrowserRouter(
  [
    { path: '/login', element: <AppLogin /> },
    {
      path: '/',
      element: (
        <RequireWorker>
          <QueueProvider>
            <Shell />
          </QueueProvider>
        </RequireWorker>
      ),
      children: [
        { index: true, element: <Navigate to="/report" replace /> },
        { path: 'report', element: <ReportPage /> },
        { path: 'tasks', element: <TasksPage /> },
        { path: 'tasks/:id', element: <TaskPage /> },
        { path: 'patrols', element: <PatrolsPage /> },
        { path: 'me', element: <MePage /> },
        { path: '*', element: <Navigate to="/report" replace /> },
      ],
    },
  ],
  { basename: '/app' },
);

/** 格治·网格员: the grid worker's phone app at /app (web/app/index.html), with its own sign-in. */
export function WorkerApp() {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    const title = () => {
      document.title = t('workerApp.name');
    };
    title();
    i18n.on('languageChanged', title);
    return () => i18n.off('languageChanged', title);
  }, [t, i18n]);
  return (
    <ConfigProvider
      locale={ANTD_LOCALES[i18n.language] ?? zhCN}
      componentSize="large"
      theme={{
        token: {
          colorPrimary: '#1f5fbf',
          borderRadius: 8,
          fontSize: 15,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif",
        },
      }}
    >
      <AntApp className="wa-root">
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
