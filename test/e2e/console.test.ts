/**
 * The web console in a real Chromium, against the real server on a fresh database with the demo street:
 * sign in, find the street in the tree, open it, see the map drawn, pick a grid on the map, read it in English.
 * Screenshots go to test-results/ (look at them); the load times are printed, never asserted.
 *
 * Needs Debian's Chromium (`apt-get install chromium fonts-wqy-microhei`) and a build of the console
 * (`npm run build:web`); without either it skips and says why.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/core/http.js';
import { login } from '../helpers.js';
import {
  SCREENSHOTS,
  WAIT,
  missingForBrowser,
  openBrowser,
  shown,
  startDemoServer,
  textOf,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';

const missing = missingForBrowser('the web console');

/** Milliseconds from a start mark, for the printed timing table. */
function since(start: number): number {
  return Math.round(performance.now() - start);
}

describe.skipIf(missing.length > 0)('the web console in Chromium', () => {
  let server: DemoServer;
  let app: App;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const timings: [string, number][] = [];

  beforeAll(async () => {
    server = await startDemoServer(PASSWORD);
    ({ app, base } = server);
    timings.push(['seed demo street (server side)', server.seedMs]);
    ({ browser, page } = await openBrowser(pageErrors));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    if (timings.length > 0) {
      console.log(`\nweb console timings (Chromium ${browser?.version() ?? '?'}, 1366×768, ${base}):`);
      for (const [step, value] of timings) {
        const unit = step.includes('(kB)') ? 'kB' : 'ms';
        console.log(`  ${step.padEnd(50)} ${String(value).padStart(6)} ${unit}`);
      }
    }
    await browser?.close();
    await server?.close();
  });

  it('a street administrator signs in, opens the street, picks a grid on the map and reads it in English', async () => {
    // what the tree should show: the admin's grids as the API gives them
    const auth = await login(app, 'admin', PASSWORD);
    const roots = (await app.inject({ method: 'GET', url: '/api/grids', headers: auth })).json<{
      items: { code: string; name: string; childCount: number }[];
    }>();
    expect(roots.items.length).toBeGreaterThan(0);

    // an address inside the console leads to the login page first
    let start = performance.now();
    await page.goto(`${base}/console/grids`);
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    timings.push(['login page: navigation → form shown', since(start)]);
    await shown(page.getByText('admin', { exact: false }).first());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-1-login.png') });

    // a wrong password is explained in Chinese, from the server's problem+json
    await page.locator('input#username').fill('admin');
    await page.locator('input#password').fill('not-the-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(textOf(page.getByTestId('login-error')), WAIT).toContain('用户名或密码错误');

    await page.locator('input#password').fill(PASSWORD);
    start = performance.now();
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('[data-testid=grid-tree] .tree-node').first().waitFor();
    timings.push(['sign-in click → first tree node', since(start)]);
    await expect.poll(textOf(page.getByTestId('user-name')), WAIT).toBe('系统管理员');
    await expect.poll(textOf(page.locator('.console-header')), WAIT).toContain('格治');
    // every page of the menu has arrived: none is marked 即将推出 any more
    await expect.poll(textOf(page.locator('.console-header')), WAIT).toContain('事件工单');
    expect(await textOf(page.locator('.console-header'))()).not.toContain('即将推出');

    // the tree opens down to the street of the demo, and the map draws it
    const street = page.locator('[data-testid=grid-tree] .tree-node', { hasText: '友谊路街道' });
    await shown(street);
    const map = page.getByTestId('grid-map');
    await expect.poll(() => map.getAttribute('data-state'), { timeout: 30_000 }).toBe('idle');
    await expect
      .poll(async () => Number(await map.getAttribute('data-rendered-grids')), WAIT)
      .toBeGreaterThan(100);
    timings.push(['sign-in click → map drawn', since(start)]);
    expect(page.url()).toMatch(/\/console\/grids\/\d+$/);
    await expect.poll(textOf(page.getByTestId('grid-details')), WAIT).toContain('友谊路街道');

    // open the first area of the street: its communities appear
    const nodesBefore = await page.locator('[data-testid=grid-tree] .tree-node').count();
    const area = page.locator('.ant-tree-treenode', {
      has: page.locator('.tree-node', { hasText: '第一综合网格' }),
    });
    await area.locator('.ant-tree-switcher').click();
    await expect
      .poll(() => page.locator('[data-testid=grid-tree] .tree-node').count(), WAIT)
      .toBeGreaterThan(nodesBefore);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-2-street.png') });

    // a click on the map selects the grid under the pointer: address, details card and tree follow
    const streetUrl = page.url();
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5);
    await shown(page.locator('.grid-popup'));
    // the hover names the level in words (from /api/grid-levels), not by its key
    await expect.poll(textOf(page.locator('.grid-popup')), WAIT).toMatch(/小微网格|村居|片区/);
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.5);
    await expect.poll(() => page.url(), WAIT).not.toBe(streetUrl);
    const code = decodeURIComponent(page.url().split('/').pop()!);
    await expect.poll(textOf(page.getByTestId('grid-details-code')), WAIT).toBe(code);
    await expect.poll(textOf(page.getByTestId('grid-details')), WAIT).toContain('小微网格');
    await shown(page.locator(`.ant-tree-node-selected [data-code="${code}"]`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-3-grid-selected.png') });

    // English is one click away, the antd components and the server's level names switch too
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), WAIT).toBe('en');
    await expect.poll(textOf(page.locator('.console-header')), WAIT).toContain('Grid Governance Platform');
    await expect.poll(textOf(page.locator('.console-header')), WAIT).toContain('Events');
    await expect.poll(textOf(page.getByTestId('grid-details')), WAIT).toContain('Micro-grid');
    await expect.poll(textOf(page.getByTestId('grid-details')), WAIT).toContain('Code');
    await expect.poll(textOf(page.getByTestId('grid-legend')), WAIT).toContain('Residential');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-4-english.png') });

    // a reload keeps the session, the language and the selected grid; measure a warm load of the page
    start = performance.now();
    await page.reload();
    await page.locator('[data-testid=grid-tree] .tree-node').first().waitFor();
    timings.push(['reload (cached assets) → first tree node', since(start)]);
    await expect.poll(textOf(page.getByTestId('grid-details-code')), WAIT).toBe(code);
    await expect.poll(textOf(page.getByTestId('grid-details')), WAIT).toContain('Micro-grid');

    // signing out leads back to the login page, in English now
    await page.getByTestId('sign-out').click();
    await shown(page.getByRole('button', { name: 'Sign in' }));
    expect(pageErrors).toEqual([]);
  });

  it('a first visit with an empty cache loads the console within the printed time', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const visitor = await fresh.newPage();
    // sign in through the API and hand the session to the page, so that only the page load is measured
    const answer = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: PASSWORD },
      })
    ).json<{ token: string; expiresAt: string; user: unknown }>();
    const session = JSON.stringify({ expiresAt: answer.expiresAt, user: answer.user });
    // page-side code as text: this file is compiled without the DOM library
    await fresh.addInitScript(
      `localStorage.setItem('gezhi.token', ${JSON.stringify(answer.token)}); localStorage.setItem('gezhi.session', ${JSON.stringify(session)});`,
    );
    const start = performance.now();
    await visitor.goto(`${base}/console/grids`);
    await visitor.locator('[data-testid=grid-tree] .tree-node').first().waitFor();
    timings.push(['cold navigation → first tree node', since(start)]);
    await expect
      .poll(() => visitor.getByTestId('grid-map').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('idle');
    timings.push(['cold navigation → map drawn', since(start)]);
    const navigation = await visitor.evaluate<{ domContentLoaded: number; bytes: number }>(`(() => {
      const entry = performance.getEntriesByType('navigation')[0];
      const bytes = performance.getEntriesByType('resource').reduce((sum, r) => sum + (r.transferSize || 0), entry.transferSize);
      return { domContentLoaded: Math.round(entry.domContentLoadedEventEnd), bytes };
    })()`);
    timings.push(['cold navigation: DOMContentLoaded (browser clock)', navigation.domContentLoaded]);
    timings.push(['cold navigation: bytes transferred (kB)', Math.round(navigation.bytes / 1024)]);
    await fresh.close();
  });
});
