import { lazy, Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { LoginPage } from './accounts/LoginPage';
import { DashboardPage } from './dashboard/firstScreen';
import { SessionProvider } from './accounts/session';
import { SettingsGate, SettingsHome } from './settings/SettingsGate';
import { ConsoleLayout } from './ui/ConsoleLayout';
import { NotFound, WorkerAppSoon } from './ui/NotFound';
import { RequireSession } from './ui/RequireSession';

// the map page brings maplibre (~800 kB); the login page does not wait for it
const GridsPage = lazy(() => import('./grids/GridsPage').then((module) => ({ default: module.GridsPage })));
// the people pages bring their tables; each page loads when opened (the dashboard, with the map and echarts,
// is loaded at start-up when it is the first screen: dashboard/firstScreen.ts)
const PeoplePage = lazy(() =>
  import('./people/PeoplePage').then((module) => ({ default: module.PeoplePage })),
);
// the events board brings its table, drawer and forms
const EventsPage = lazy(() =>
  import('./events/EventsPage').then((module) => ({ default: module.EventsPage })),
);
// the settings pages are for few people; their tables and forms load when opened
const UsersPage = lazy(() =>
  import('./settings/UsersPage').then((module) => ({ default: module.UsersPage })),
);
const AuditPage = lazy(() =>
  import('./settings/AuditPage').then((module) => ({ default: module.AuditPage })),
);
// the catalogue settings (分类, 时限, 日历, 升级阶梯) share one chunk of forms
const CategoriesPage = lazy(() =>
  import('./catalogue/CategoriesPage').then((module) => ({ default: module.CategoriesPage })),
);
const PoliciesPage = lazy(() =>
  import('./catalogue/PoliciesPage').then((module) => ({ default: module.PoliciesPage })),
);
const CalendarPage = lazy(() =>
  import('./catalogue/CalendarPage').then((module) => ({ default: module.CalendarPage })),
);
const LaddersPage = lazy(() =>
  import('./catalogue/LaddersPage').then((module) => ({ default: module.LaddersPage })),
);
// 吹哨 brings its drawer and the ratings chart
const WhistlesPage = lazy(() =>
  import('./whistles/WhistlesPage').then((module) => ({ default: module.WhistlesPage })),
);

// 群众提事 the resident page (/r): its own small chunk; the map inside it loads only when shown
const ResidentPage = lazy(() =>
  import('./resident/ResidentPage').then((module) => ({ default: module.ResidentPage })),
);

function PageLoading() {
  return (
    <div className="page-loading">
      <Spin size="large" />
    </div>
  );
}

/**
 * Addresses of the web app. The server answers index.html for every /console/… and /app/… address
 * (src/web/static.ts), so each of them can be reloaded and shared.
 */
const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/console/dashboard" replace /> },
  { path: '/console/login', element: <LoginPage /> },
  {
    path: '/console',
    element: (
      <RequireSession>
        <ConsoleLayout />
      </RequireSession>
    ),
    children: [
      // 一网统管 is the first screen of the console
      { index: true, element: <Navigate to="/console/dashboard" replace /> },
      {
        path: 'dashboard',
        element: (
          <Suspense fallback={<PageLoading />}>
            <DashboardPage />
          </Suspense>
        ),
      },
      {
        path: 'people/:code?',
        element: (
          <Suspense fallback={<PageLoading />}>
            <PeoplePage />
          </Suspense>
        ),
      },
      {
        path: 'events',
        element: (
          <Suspense fallback={<PageLoading />}>
            <EventsPage />
          </Suspense>
        ),
      },
      {
        path: 'grids/:code?',
        element: (
          <Suspense fallback={<PageLoading />}>
            <GridsPage />
          </Suspense>
        ),
      },
      { path: 'settings', element: <SettingsHome /> },
      {
        path: 'settings/users',
        element: (
          <SettingsGate page="users">
            <Suspense fallback={<PageLoading />}>
              <UsersPage />
            </Suspense>
          </SettingsGate>
        ),
      },
      {
        path: 'settings/audit',
        element: (
          <SettingsGate page="audit">
            <Suspense fallback={<PageLoading />}>
              <AuditPage />
            </Suspense>
          </SettingsGate>
        ),
      },
      {
        path: 'whistles',
        element: (
          <Suspense fallback={<PageLoading />}>
            <WhistlesPage />
          </Suspense>
        ),
      },
      ...(
        [
          ['categories', <CategoriesPage key="categories" />],
          ['policies', <PoliciesPage key="policies" />],
          ['calendar', <CalendarPage key="calendar" />],
          ['ladders', <LaddersPage key="ladders" />],
        ] as const
      ).map(([page, element]) => ({
        path: `settings/${page}`,
        element: (
          <SettingsGate page={page}>
            <Suspense fallback={<PageLoading />}>{element}</Suspense>
          </SettingsGate>
        ),
      })),
      { path: '*', element: <NotFound /> },
    ],
  },
  { path: '/app/*', element: <WorkerAppSoon /> },
  ...['/r', '/resident'].map((path) => ({
    path,
    element: (
      <Suspense fallback={<PageLoading />}>
        <ResidentPage />
      </Suspense>
    ),
  })),
  { path: '*', element: <NotFound /> },
]);

const ANTD_LOCALES: Record<string, Locale> = { 'zh-CN': zhCN, en: enUS };

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={ANTD_LOCALES[i18n.language] ?? zhCN}
      theme={{
        token: {
          // government blue for actions; red stays the brand and means trouble (三色管理 red = bad)
          colorPrimary: '#1f5fbf',
          borderRadius: 6,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif",
        },
      }}
    >
      <AntApp className="app-root">
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
