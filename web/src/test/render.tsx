import type { ReactElement } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import '../i18n';
import { SessionProvider } from '../accounts/session';

/** JSON answers of a fake server by method and path (query ignored); anything else answers 404. */
export type FakeRoutes = Record<string, unknown>;

/** Replace fetch with a fake server; answers the list of requests it saw. */
export function fakeServer(routes: FakeRoutes): { method: string; path: string; body: unknown }[] {
  const seen: { method: string; path: string; body: unknown }[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    seen.push({ method, path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${method} ${url.pathname}`;
    if (!(key in routes)) {
      return new Response(JSON.stringify({ status: 404, code: 'not_found', zh: '不存在', en: 'Not found' }), {
        status: 404,
        headers: { 'Content-Type': 'application/problem+json' },
      });
    }
    return new Response(JSON.stringify(routes[key]), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  }) as typeof fetch;
  return seen;
}

/** A signed-in session in localStorage, as the login page leaves it. */
export function signedIn(user: { id: number; username: string; roles: string[] }): void {
  localStorage.setItem('gezhi.token', `token-${user.username}`);
  localStorage.setItem(
    'gezhi.session',
    JSON.stringify({
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { ...user, displayName: user.username, grids: [] },
    }),
  );
}

/** Render inside the providers the console gives every page. */
export function renderInConsole(element: ReactElement) {
  return render(
    <ConfigProvider>
      <AntApp>
        <SessionProvider>
          <MemoryRouter>{element}</MemoryRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>,
  );
}
