/**
 * What every browser test needs: Debian's Chromium, the built console, and the real server on a fresh database
 * with the demo street, listening on a free port of 127.0.0.1. Tests skip with a reason when Chromium or the build
 * is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp, type Services } from '../../src/app.js';
import type { App } from '../../src/core/http.js';
import { seedDemo } from '../../src/demo/seed.js';
import { webRoutes } from '../../src/web/static.js';
import { freshDatabase, testConfig } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = path.join(ROOT, 'web', 'dist');
export const SCREENSHOTS = path.join(ROOT, 'test-results');
export const WAIT = { timeout: 15_000 };

/** Why browser tests cannot run here (empty: they can). */
export function missingForBrowser(what: string): string[] {
  const missing = [
    fs.existsSync(CHROMIUM)
      ? null
      : `${CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei)`,
    fs.existsSync(path.join(WEB_DIST, 'index.html')) ? null : 'web/dist is missing (npm run build:web)',
  ].filter((reason): reason is string => reason !== null);
  if (missing.length > 0) console.warn(`[e2e] browser test of ${what} skipped: ${missing.join('; ')}`);
  return missing;
}

/** Wait until the element is on the screen (playwright-core has no expect matchers of its own). */
export async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', ...WAIT });
}

/** The element's text, polled by expect.poll until the assertion holds. */
export function textOf(locator: Locator): () => Promise<string> {
  return () =>
    locator
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => '');
}

export interface DemoServer {
  app: App;
  services: Services;
  base: string;
  /** Milliseconds the demo seed took on the server side. */
  seedMs: number;
  close(): Promise<void>;
}

/** The real server with the console and the demo street, listening on a free port. */
export async function startDemoServer(password: string): Promise<DemoServer> {
  const database = await freshDatabase();
  const config = testConfig();
  const { app, services } = await buildApp({ config, database });
  if (!app.hasRoute({ method: 'GET', url: '/console/*' })) await webRoutes(app, { distDir: WEB_DIST });
  await app.ready();
  const seedStart = performance.now();
  await seedDemo(services, { password });
  const seedMs = Math.round(performance.now() - seedStart);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    services,
    base,
    seedMs,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium headless, a 1366×768 zh-CN context that may not reach outside the server (no tile, glyph or font
 * server: such a request is recorded in `errors` and fails to resolve), and its first page.
 */
export async function openBrowser(
  errors: string[],
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // no name but the server's resolves: a page cannot reach a tile, glyph or font server even by mistake
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const context = await isolatedContext(browser, errors);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return { browser, context, page: await context.newPage() };
}

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>;

/**
 * A zh-CN context (1366×768 unless `options` say otherwise) that may not reach outside the server: such a request
 * is recorded in `errors` (and fails: only the server resolves, see openBrowser).
 */
export async function isolatedContext(
  browser: Browser,
  errors: string[],
  options: ContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    ...options,
  });
  // noted, not intercepted: an intercepting route sends every request through this process (the server's too) and
  // slowed each page by hundreds of milliseconds; the browser's resolver (openBrowser) keeps such a request from
  // leaving the machine
  context.on('request', (request) => {
    if (/^https?:\/\/(?!127\.0\.0\.1[:/])/.test(request.url()))
      errors.push(`request outside the server: ${request.url()}`);
  });
  return context;
}

/**
 * A console page signed in as this user, the session handed over as the login page stores it; the page's errors
 * go to `errors` under the user's name.
 */
export async function signedInPage(
  browser: Browser,
  app: App,
  errors: string[],
  username: string,
  password: string,
  options: ContextOptions = {},
): Promise<{ page: Page; userId: number }> {
  const answer = (
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  ).json<{ token: string; expiresAt: string; user: { id: number } }>();
  const context = await isolatedContext(browser, errors, options);
  const session = JSON.stringify({ expiresAt: answer.expiresAt, user: answer.user });
  await context.addInitScript(
    `localStorage.setItem('gezhi.token', ${JSON.stringify(answer.token)}); localStorage.setItem('gezhi.session', ${JSON.stringify(session)}); localStorage.setItem('gezhi.language', 'zh-CN');`,
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${username}: ${error.message}`));
  return { page, userId: answer.user.id };
}

/** A 1×1 PNG: the server checks the first bytes of an upload. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A point inside a grid the user may see (`code`, or else the first micro-grid below it): the mean of the outer
 * ring's corners, which lies inside because the demo's cells are convex.
 */
export async function pointInside(
  app: App,
  headers: { authorization: string },
  code: string,
  level?: string,
): Promise<{ lng: number; lat: number }> {
  const shape = (
    await app.inject({
      method: 'GET',
      url: `/api/grids/export?format=geojson&root=${encodeURIComponent(code)}`,
      headers,
    })
  ).json<{
    features: {
      properties: { code: string; level: string };
      geometry: { type: string; coordinates: unknown };
    }[];
  }>();
  const geometry = shape.features.find((feature) =>
    level ? feature.properties.level === level : feature.properties.code === code,
  )!.geometry;
  const ring = (
    geometry.type === 'Polygon'
      ? (geometry.coordinates as number[][][])[0]!
      : (geometry.coordinates as number[][][][])[0]![0]!
  ).slice(0, -1);
  return {
    lng: ring.reduce((sum, p) => sum + p[0]!, 0) / ring.length,
    lat: ring.reduce((sum, p) => sum + p[1]!, 0) / ring.length,
  };
}

/** Take an action through the open event drawer's form and wait for the new state. */
export async function actInDrawer(
  page: Page,
  action: string,
  state: string,
  fill?: () => Promise<unknown>,
): Promise<void> {
  await page.getByTestId(`action-${action}`).click();
  await shown(page.getByTestId('action-form'));
  await fill?.();
  await page.getByTestId('action-submit').click();
  await expect.poll(textOf(page.getByTestId('event-drawer-state')), WAIT).toBe(state);
}

/** Tick every filing or closing standard of the action form. */
export async function tickAllStandards(page: Page): Promise<void> {
  const boxes = page.locator('[data-testid=action-standards] input[type=checkbox]');
  const count = await boxes.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) await boxes.nth(i).check();
}

/**
 * Open a console settings page (`/console/settings/<item>`) through the 设置 submenu of the top bar. The submenu
 * opens on hover; on a busy machine the pointer can leave it before the click lands, so try again until the address
 * changes. The pointer comes from elsewhere each time (resting where the menu re-rendered its item, it gets no
 * mouseenter) and leaves afterwards, so that the submenu is closed for the screenshots.
 */
export async function openFromMenu(page: Page, item: string): Promise<void> {
  const target = new RegExp(`/console/settings/${item}$`);
  for (let attempt = 0; attempt < 4 && !target.test(page.url()); attempt++) {
    await page.mouse.move(600, 700);
    await page.getByTestId('nav-settings').hover();
    const entry = page.getByTestId(`nav-settings-${item}`);
    await entry.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    await entry.click({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForURL(target, { timeout: 5_000 }).catch(() => undefined);
  }
  expect(page.url()).toMatch(target);
  await page.mouse.move(600, 700);
}
