/**
 * 格治·网格员, the grid worker's phone app at /app, in a real Chromium emulating a 390×844 phone (touch, 3× pixels,
 * geolocation granted at a point inside worker1's micro-grid) against the real server with the demo street:
 * sign in, report with a camera photo, see it in My tasks, report OFFLINE (queued, still queued after a reload
 * served by the service worker, sent once the network is back — exactly one event), a patrol log entry whose
 * finding becomes an event, the web manifest, and a service worker that controls /app but not /console.
 * Screenshots go to test-results/app-*.png; load times are printed, never asserted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../src/core/http.js';
import { login } from '../helpers.js';
import { isRetryableStatus, reportBody, scaledSize, type ReportDraft } from '../../web/src/app/logic.js';
import {
  PNG,
  SCREENSHOTS,
  pointInside,
  WAIT,
  missingForBrowser,
  isolatedContext,
  openBrowser,
  shown,
  startDemoServer,
  textOf,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';
const missing = missingForBrowser('the grid worker’s phone app');
interface EventDetail {
  id: number;
  number: string;
  title: string;
  source: string;
  urgency: string;
  categoryCode: string;
  grids: { code: string }[];
  attachments: { hash: string; mime: string }[];
  state: string;
  selfHandled: boolean;
  timeline: unknown[];
}

describe.skipIf(missing.length > 0)('the grid worker’s phone app in Chromium (390×844)', () => {
  let server: DemoServer;
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let headers: { authorization: string };
  let grid: { code: string; name: string };
  let point: { lng: number; lat: number };
  const pageErrors: string[] = [];
  const timings: [string, number][] = [];
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    shot += 1;
    await page.screenshot({
      path: path.join(SCREENSHOTS, `app-${String(shot).padStart(2, '0')}-${name}.png`),
    });
  }

  async function eventsTitled(title: string): Promise<EventDetail[]> {
    const list = (
      await app.inject({
        method: 'GET',
        url: `/api/events?q=${encodeURIComponent(title)}&pageSize=50`,
        headers,
      })
    ).json<{ items: { id: number; title: string }[] }>();
    const found: EventDetail[] = [];
    for (const item of list.items.filter((entry) => entry.title === title)) {
      found.push((await app.inject({ method: 'GET', url: `/api/events/${item.id}`, headers })).json());
    }
    return found;
  }

  /** Picks the first major class and its first minor class in an antd Cascader. */
  async function pickFirstCategory(trigger: string): Promise<void> {
    await page.locator(trigger).first().click();
    const dropdown = page.locator('.ant-cascader-dropdown:visible');
    await shown(dropdown.locator('.ant-cascader-menu').first());
    await dropdown.locator('.ant-cascader-menu').nth(0).locator('.ant-cascader-menu-item').first().click();
    await shown(dropdown.locator('.ant-cascader-menu').nth(1));
    await dropdown.locator('.ant-cascader-menu').nth(1).locator('.ant-cascader-menu-item').first().click();
    await dropdown.waitFor({ state: 'hidden', ...WAIT });
  }

  async function fillReport(title: string): Promise<void> {
    await shown(page.getByTestId('report-page'));
    await pickFirstCategory('[data-testid=report-page] .ant-cascader');
    await page.getByTestId('report-title').fill(title);
    await page.getByTestId('report-description').fill(`${title}：小区东门路灯连续三晚不亮`);
    await page.getByTestId('report-urgency').getByText('紧急').click();
    await page
      .getByTestId('report-photo-input')
      .setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: PNG });
    await shown(page.getByTestId('report-thumb'));
    await expect.poll(textOf(page.getByTestId('report-accuracy')), WAIT).toContain('12');
  }

  beforeAll(async () => {
    server = await startDemoServer(PASSWORD);
    ({ app, base } = server);
    headers = await login(app, 'worker1', PASSWORD);
    grid = (await app.inject({ method: 'GET', url: '/api/grids', headers })).json<{
      items: { code: string; name: string }[];
    }>().items[0]!;
    point = await pointInside(app, headers, grid.code);
    ({ browser } = await openBrowser(pageErrors));
    context = await isolatedContext(browser, pageErrors, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 3,
      geolocation: { longitude: point.lng, latitude: point.lat, accuracy: 12 },
      permissions: ['geolocation'],
      serviceWorkers: 'allow',
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    if (timings.length > 0) {
      console.log(`\nphone app timings (Chromium ${browser?.version() ?? '?'}, 390×844, localhost):`);
      for (const [step, value] of timings)
        console.log(`  ${step.padEnd(58)} ${String(value).padStart(6)} ms`);
    }
    await browser?.close();
    await server?.close();
  });

  it('opens the sign-in screen, signs worker1 in, and installs its service worker for /app only', async () => {
    const start = Date.now();
    await page.goto(`${base}/app/`);
    await shown(page.getByTestId('app-username'));
    timings.push(['first load: goto /app/ → sign-in screen usable (wall clock)', Date.now() - start]);
    timings.push([
      'first load: navigation start → sign-in usable (performance.now)',
      Math.round(await page.evaluate<number>('performance.now()')),
    ]);
    expect(await page.title()).toBe('格治·网格员');
    await screenshot('login');

    await page.getByTestId('app-username').fill('worker1');
    await page.getByTestId('app-password').fill(PASSWORD);
    await page.getByTestId('app-login-submit').click();
    await shown(page.getByTestId('report-page'));
    expect(page.url()).toBe(`${base}/app/report`);
    await expect.poll(textOf(page.getByTestId('report-grid')), WAIT).toContain(grid.name);
    await screenshot('report-empty');

    // the service worker takes control of the page (clientsClaim) with scope /app/
    await expect
      .poll(() => page.evaluate<string | null>('navigator.serviceWorker.controller?.scriptURL ?? null'), WAIT)
      .toBe(`${base}/app/sw.js`);
    const scope = await page.evaluate<string>(
      'navigator.serviceWorker.ready.then((registration) => registration.scope)',
    );
    expect(scope).toBe(`${base}/app/`);

    // the web manifest: installable, standalone, scoped to /app/
    // (page code as text: the test's tsconfig has no DOM types)
    const manifest = await page.evaluate<{
      link: string | null;
      type: string | null;
      body: unknown;
    }>(`(async () => {
      const link = document.querySelector('link[rel=manifest]')?.href ?? null;
      const response = await fetch('/app/manifest.webmanifest');
      return { link, type: response.headers.get('content-type'), body: await response.json() };
    })()`);
    expect(manifest.link).toBe(`${base}/app/manifest.webmanifest`);
    expect(manifest.type).toMatch(/application\/manifest\+json/);
    expect(manifest.body).toMatchObject({
      name: '格治·网格员',
      start_url: '/app/',
      scope: '/app/',
      display: 'standalone',
    });
    const icons = (manifest.body as { icons: { src: string; sizes: string; type: string }[] }).icons;
    expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of icons) {
      const response = await page.request.get(`${base}${icon.src}`);
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()['content-type']).toBe('image/png');
      expect((await response.body()).subarray(1, 4).toString()).toBe('PNG');
    }

    // a second load of the app comes from the service worker's precache
    const again = Date.now();
    await page.reload();
    await shown(page.getByTestId('report-page'));
    timings.push(['reload /app/report (precached) → report form (wall clock)', Date.now() - again]);

    // the console stays outside the service worker's scope
    const console = await context.newPage();
    // the session is shared with the console (same origin), which opens on its own first screen
    await console.goto(`${base}/console/login`);
    await shown(console.locator('#root > *'));
    expect(new URL(console.url()).pathname).toMatch(/^\/console\//);
    expect(await console.evaluate('navigator.serviceWorker.controller')).toBeNull();
    await console.close();
  });

  it('reports with a photo and the phone’s position: the event is on the server with the photo and the grid', async () => {
    const title = `路灯不亮 app-${Date.now()}`;
    await fillReport(title);
    await screenshot('report-filled');
    await page.getByTestId('report-submit').click();
    await shown(page.getByTestId('report-sent'));
    const number = (await textOf(page.getByTestId('report-number'))()).replace(/^.*\s/, '');
    await screenshot('report-sent');

    const [event, ...more] = await eventsTitled(title);
    expect(more).toHaveLength(0);
    expect(event).toBeDefined();
    expect(event!.number).toBe(number);
    expect(event!.urgency).toBe('urgent');
    expect(event!.source).toBe('patrol');
    expect(event!.attachments).toHaveLength(1);
    expect(event!.attachments[0]!.mime).toBe('image/png');
    expect(event!.grids.map((entry) => entry.code)).toContain(grid.code);
    const categories = (
      await app.inject({ method: 'GET', url: '/api/categories?active=true', headers })
    ).json<{ code: string; children?: { code: string }[] }[]>();
    expect(event!.categoryCode).toBe(categories[0]!.children![0]!.code);

    // My tasks → my reports shows it; its page shows the photo and the timeline
    await page.getByTestId('tab-tasks').click();
    await shown(page.getByTestId('tasks-page'));
    await screenshot('tasks-todo');
    await page.getByTestId('tasks-view').getByText('我的上报').click();
    const card = page.getByTestId('task-card').filter({ hasText: title });
    await shown(card);
    await screenshot('tasks-mine');
    await card.click();
    await shown(page.getByTestId('task-page'));
    await expect.poll(textOf(page.getByTestId('task-title')), WAIT).toBe(title);
    await shown(page.getByTestId('task-photo'));
    await expect.poll(textOf(page.getByTestId('task-timeline')), WAIT).toContain('worker1');
    await screenshot('task');
  });

  it('keeps an offline report on the phone, across a reload, and sends it exactly once when back online', async () => {
    const title = `井盖破损 offline-${Date.now()}`;
    await page.getByTestId('tab-report').click();
    await context.setOffline(true);
    await shown(page.getByTestId('offline-banner'));
    await fillReport(title);
    await page.getByTestId('report-submit').click();
    await shown(page.getByTestId('report-queued'));
    await expect.poll(textOf(page.getByTestId('tab-me-badge')), WAIT).toContain('1');
    await screenshot('offline-queued');
    expect(await eventsTitled(title)).toHaveLength(0);

    await page.getByTestId('tab-me').click();
    await shown(page.getByTestId('queue-item').filter({ hasText: title }));
    await screenshot('offline-me');
    const key = await page.evaluate<string>(`new Promise((resolve, reject) => {
      const open = indexedDB.open('gezhi-worker-app');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('reports').objectStore('reports').getAll();
        all.onsuccess = () => resolve(all.result[0].key);
      };
    })`);
    expect(key).toMatch(/^app-/);
    let sentReport: { key: string; body: string } | null = null;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/events') {
        const body = request.postData() ?? '';
        if (body.includes(title)) sentReport = { key: request.headers()['idempotency-key'] ?? '', body };
      }
    });

    // a reload while offline: the service worker serves the app, the report is still queued
    await page.reload();
    await shown(page.getByTestId('me-page'));
    await shown(page.getByTestId('queue-item').filter({ hasText: title }));
    await shown(page.getByTestId('offline-banner'));
    await screenshot('offline-reloaded');
    expect(await eventsTitled(title)).toHaveLength(0);

    // back online: sent by itself, once
    await context.setOffline(false);
    await expect.poll(async () => (await eventsTitled(title)).length, WAIT).toBe(1);
    await expect.poll(() => page.getByTestId('queue-item').count(), WAIT).toBe(0);
    await screenshot('online-sent');
    const [event] = await eventsTitled(title);
    expect(event!.attachments).toHaveLength(1);
    expect(event!.grids.map((entry) => entry.code)).toContain(grid.code);

    // the very request the phone sent, again with its Idempotency-Key (a retry whose answer was lost): the
    // server answers the first answer and creates nothing
    expect(sentReport).not.toBeNull();
    expect(sentReport!.key).toBe(key);
    const retry = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
      payload: sentReport!.body,
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.json<{ id: number }>().id).toBe(event!.id);
    expect(await eventsTitled(title)).toHaveLength(1);
  });

  it('writes a patrol log entry whose finding becomes an event in the same step', async () => {
    const finding = `楼道堆物 patrol-${Date.now()}`;
    await page.getByTestId('tab-patrols').click();
    await shown(page.getByTestId('patrols-page'));
    await page.getByTestId('patrol-new').click();
    await shown(page.getByTestId('patrol-form'));
    await expect.poll(textOf(page.getByTestId('patrol-fix')), WAIT).toContain('12');
    await page.getByTestId('patrol-here').click();
    await expect.poll(() => page.getByTestId('patrol-place').inputValue(), WAIT).toBe(grid.name);
    await page.getByTestId('finding-add').click();
    await page.getByTestId('finding-text').fill(finding);
    await pickFirstCategory('[data-testid=patrol-form] .ant-cascader');
    await page.getByTestId('finding-to-event').click();
    await screenshot('patrol-form');
    await page.getByTestId('patrol-save').click();
    const card = page.getByTestId('patrol-card').filter({ hasText: finding });
    await shown(card);
    await shown(card.getByTestId('finding-event'));
    await screenshot('patrols');

    const worker = (await app.inject({ method: 'GET', url: '/api/auth/me', headers })).json<{
      id?: number;
      user?: { id: number };
    }>();
    const workerId = worker.user?.id ?? worker.id;
    const patrols = (
      await app.inject({ method: 'GET', url: `/api/patrols?worker=${workerId}`, headers })
    ).json<{ items: { places: string[]; findings: { text: string; eventId: number | null }[] }[] }>();
    const entry = patrols.items.find((item) => item.findings.some((f) => f.text === finding))!;
    expect(entry.places).toEqual([grid.name]);
    const eventId = entry.findings.find((f) => f.text === finding)!.eventId;
    expect(eventId).not.toBeNull();
    const event = (
      await app.inject({ method: 'GET', url: `/api/events/${eventId}`, headers })
    ).json<EventDetail>();
    expect(event.source).toBe('patrol');
    expect(event.grids.map((entry) => entry.code)).toContain(grid.code);
  });

  it('handles his own report on the spot from the task page (自处置): the note is required, the server has it handled', async () => {
    // a report of worker1's in a class the policy lets a worker handle himself (市容环境, major class 01)
    const categories = (await app.inject({ method: 'GET', url: '/api/categories', headers })).json<
      { code: string; children: { code: string }[] }[]
    >();
    const minor = categories.find((major) => major.code === '01')!.children[0]!;
    const title = `共享单车乱停 self-${Date.now()}`;
    const reported = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers,
      payload: { source: 'patrol', categoryCode: minor.code, title, location: point },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const id = reported.json<{ id: number }>().id;

    await page.getByTestId('tab-tasks').click();
    await shown(page.getByTestId('tasks-page'));
    await page.getByTestId('task-card').filter({ hasText: title }).click();
    await shown(page.getByTestId('task-page'));
    await page.getByTestId('task-action-self_handle').click();
    const form = page.getByTestId('action-form');
    await shown(form);
    // nothing is sent without the note
    await page.getByTestId('action-submit').click();
    await shown(form.locator('.ant-form-item-explain-error'));
    expect((await eventsTitled(title))[0]!.state).toBe('reported');
    await page.getByTestId('action-text').fill('已将单车挪至停放区');
    await expect.poll(() => form.locator('.ant-form-item-explain-error').count(), WAIT).toBe(0);
    await screenshot('task-self-handle');
    await page.getByTestId('action-submit').click();
    await expect.poll(textOf(page.getByTestId('task-state')), WAIT).toContain('已处置');
    // the sheet has closed (and the patrol test's message gone); the timeline shows the step with its note
    await form.waitFor({ state: 'hidden', ...WAIT });
    await page.locator('.ant-drawer-mask').waitFor({ state: 'hidden', ...WAIT });
    await page.locator('.ant-message-notice', { hasText: '民情日志' }).waitFor({ state: 'hidden', ...WAIT });
    await expect.poll(textOf(page.getByTestId('task-timeline')), WAIT).toContain('已将单车挪至停放区');
    await screenshot('task-handled');

    const event = (
      await app.inject({ method: 'GET', url: `/api/events/${id}`, headers })
    ).json<EventDetail>();
    expect(event.state).toBe('handled');
    expect(event.selfHandled).toBe(true);
    expect(JSON.stringify(event.timeline)).toContain('已将单车挪至停放区');
  });

  it('keeps a report the server refuses (4xx) with its words, to be fixed and sent, or discarded', async () => {
    const title = `树枝挡路 refused-${Date.now()}`;
    // a point outside every grid: the server answers 422 naming the location
    await context.setGeolocation({ longitude: 100, latitude: 10, accuracy: 12 });
    await page.getByTestId('tab-report').click();
    await shown(page.getByTestId('report-page'));
    await page.getByTestId('report-locate').click();
    await expect.poll(textOf(page.getByTestId('report-grid')), WAIT).toContain('不在任何网格');
    await fillReport(title);
    await page.getByTestId('report-submit').click();
    await shown(page.getByTestId('report-rejected'));
    await screenshot('refused');
    await page.getByTestId('tab-me').click();
    const item = page.getByTestId('queue-item').filter({ hasText: title });
    await shown(item);
    expect(await item.getAttribute('data-state')).toBe('rejected');
    expect(await textOf(item.getByTestId('queue-problem'))()).not.toBe('');
    await screenshot('refused-me');
    expect(await eventsTitled(title)).toHaveLength(0);

    // back inside the grid, the worker fixes it: the same report, located again, is sent, the refused one is gone
    await context.setGeolocation({ longitude: point.lng, latitude: point.lat, accuracy: 12 });
    await item.getByTestId('queue-edit').click();
    await shown(page.getByTestId('report-page'));
    await expect.poll(() => page.getByTestId('report-title').inputValue(), WAIT).toBe(title);
    await shown(page.getByTestId('report-thumb'));
    await page.getByTestId('report-locate').click();
    await expect.poll(textOf(page.getByTestId('report-grid')), WAIT).toContain(grid.name);
    await page.getByTestId('report-submit').click();
    await shown(page.getByTestId('report-sent'));
    await screenshot('refused-fixed');
    const events = await eventsTitled(title);
    expect(events).toHaveLength(1);
    expect(events[0]!.attachments).toHaveLength(1);
    await page.getByTestId('tab-me').click();
    await shown(page.getByTestId('me-page'));
    expect(await page.getByTestId('queue-item').count()).toBe(0);
  });

  it('switches to English on the Me tab and raised no page errors', async () => {
    await page.getByTestId('tab-me').click();
    await shown(page.getByTestId('me-page'));
    await page.getByTestId('me-page').getByTestId('language-switch').click();
    await expect.poll(textOf(page.getByTestId('tab-tasks')), WAIT).toContain('My tasks');
    await screenshot('me-english');
    await page.getByTestId('me-page').getByTestId('language-switch').click();
    expect(pageErrors).toEqual([]);
  });
});

describe('the phone app’s decisions (pure functions, no browser)', () => {
  const draft: ReportDraft = {
    categoryCode: '0101',
    title: '  垃圾堆放 ',
    description: ' ',
    urgency: 'urgent',
    location: { lng: 121.4, lat: 31.3 },
    accuracy: 12,
  };

  it('sends the resident only when a name or a phone was given, and never the accuracy', () => {
    const plain = reportBody({ ...draft, resident: { name: ' ', phone: '' } }, []);
    expect(plain).toEqual({
      source: 'patrol',
      categoryCode: '0101',
      title: '垃圾堆放',
      urgency: 'urgent',
      location: { lng: 121.4, lat: 31.3 },
    });
    expect(reportBody({ ...draft, resident: { name: ' 王阿姨 ' } }, ['a'.repeat(64)])).toMatchObject({
      resident: { name: '王阿姨' },
      attachments: ['a'.repeat(64)],
    });
    expect(reportBody({ ...draft, resident: { name: '王阿姨', phone: '13800000000' } }, []).resident).toEqual(
      {
        name: '王阿姨',
        phone: '13800000000',
      },
    );
  });

  it('tries again after no network, server trouble or an expired session, not after a refusal', () => {
    for (const status of [0, 401, 408, 429, 500, 502, 503])
      expect(isRetryableStatus(status), `${status}`).toBe(true);
    for (const status of [400, 403, 404, 409, 413, 415, 422])
      expect(isRetryableStatus(status), `${status}`).toBe(false);
  });

  it('scales a photo’s longer side down to 1600 px, never up', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(scaledSize(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(scaledSize(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
