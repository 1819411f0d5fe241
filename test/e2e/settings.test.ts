/**
 * The settings pages of the console in a real Chromium, against the real server on a fresh database with the demo
 * street: an administrator creates a user bound to one grid through the form, the user signs in and sees only that
 * grid, the administrator unlocks a locked account and reads the creation in the audit log, in Chinese and English.
 * Screenshots go to test-results/ (look at them).
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
  openFromMenu,
  shown,
  startDemoServer,
  textOf,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';

const missing = missingForBrowser('the settings pages');

/** Sign in through the login form of a page that shows it. */
async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input#username').fill(username);
  await page.locator('input#password').fill(password);
  await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

describe.skipIf(missing.length > 0)('the settings pages of the web console in Chromium', () => {
  let server: DemoServer;
  let app: App;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const NEW_USER = 'e2e.worker';
  const NEW_PASSWORD = 'worker-password-1';

  const watch = (target: Page) => {
    target.on('pageerror', (error) => pageErrors.push(error.message));
    // React and antd report misuse (keys, deprecated props, act warnings) as console errors
    target.on('console', (entry) => {
      if (entry.type() === 'error' && !/Failed to load resource/.test(entry.text()))
        pageErrors.push(`console: ${entry.text()}`);
    });
  };

  beforeAll(async () => {
    server = await startDemoServer(PASSWORD);
    ({ app, base } = server);
    ({ browser, page } = await openBrowser(pageErrors));
    watch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an administrator creates a grid worker bound to one community, who then sees only that community', async () => {
    // the grid to bind, as the API names it
    const auth = await login(app, 'admin', PASSWORD);
    const communities = (
      await app.inject({ method: 'GET', url: '/api/grids?level=community&pageSize=2', headers: auth })
    ).json<{ items: { code: string; name: string; parentCode: string }[] }>();
    const community = communities.items[0]!;
    expect(community).toBeDefined();

    await page.goto(`${base}/console/login`);
    await signIn(page, 'admin', PASSWORD);
    await page.locator('[data-testid=grid-tree] .tree-node').first().waitFor(WAIT);

    // 设置 → 用户管理 from the top bar
    await openFromMenu(page, 'users');
    await expect.poll(() => page.url(), WAIT).toMatch(/\/console\/settings\/users$/);
    const table = page.getByTestId('users-table');
    await expect.poll(textOf(table), WAIT).toContain('worker1');
    await expect.poll(textOf(table), WAIT).toContain('网格员');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-1-users.png') });

    // the form: a taken username comes back from the server onto the username field
    await page.getByTestId('user-create').click();
    const drawer = page.locator('.ant-drawer-section');
    await shown(drawer.locator('input#username'));
    await drawer.locator('input#username').fill('admin');
    await drawer.locator('input#displayName').fill('测试网格员');
    await drawer.locator('input#password').fill(NEW_PASSWORD);
    await drawer.getByTestId('role-picker').click();
    await page.locator('.ant-select-item-option', { hasText: '网格员' }).click();
    await page.keyboard.press('Escape');

    // the grid picker searches the server by name and binds the community
    await drawer.getByTestId('grid-picker').click();
    await page.keyboard.type(community.name);
    const option = page.locator(`.ant-select-dropdown .grid-option[data-code="${community.code}"]`);
    await shown(option);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-2-grid-picker.png') });
    await option.click();
    await page.keyboard.press('Escape');
    await expect.poll(textOf(drawer.getByTestId('grid-picker')), WAIT).toContain(community.name);

    await drawer.getByTestId('user-save').click();
    const usernameItem = drawer.locator('.ant-form-item', { has: page.locator('input#username') });
    await expect.poll(textOf(usernameItem.locator('.ant-form-item-explain')), WAIT).toContain('已被使用');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-3-form-error.png') });

    await drawer.locator('input#username').fill(NEW_USER);
    await drawer.getByTestId('user-save').click();
    await expect.poll(() => drawer.isVisible(), WAIT).toBe(false);
    const row = table.locator('tr', { hasText: NEW_USER });
    await shown(row);
    await expect.poll(textOf(row), WAIT).toContain('测试网格员');
    await expect.poll(textOf(row), WAIT).toContain('网格员');
    // the bound grid is named, not only coded
    await expect.poll(textOf(row), WAIT).toContain(community.name);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-4-user-created.png') });

    // the new user, in a browser of their own, sees that community and nothing above it, and no settings
    const own = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const worker = await own.newPage();
    watch(worker);
    await worker.goto(`${base}/console/login`);
    await signIn(worker, NEW_USER, NEW_PASSWORD);
    const nodes = worker.locator('[data-testid=grid-tree] .tree-node');
    await nodes.first().waitFor(WAIT);
    await expect.poll(() => nodes.first().getAttribute('data-code'), WAIT).toBe(community.code);
    await expect.poll(textOf(worker.getByTestId('user-name')), WAIT).toBe('测试网格员');
    expect(
      await worker.locator('.ant-tree-treenode.ant-tree-treenode-leaf-last, .ant-tree-treenode').count(),
    ).toBeGreaterThan(0);
    const codes = await nodes.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-code')),
    );
    const below = (
      await app.inject({
        method: 'GET',
        url: `/api/grids?parent=${community.code}&pageSize=500`,
        headers: auth,
      })
    ).json<{ items: { code: string }[] }>();
    expect(new Set(codes)).toEqual(new Set([community.code, ...below.items.map((grid) => grid.code)]));
    expect(await worker.getByTestId('nav-settings').count()).toBe(0);
    await worker.screenshot({ path: path.join(SCREENSHOTS, 'settings-5-new-user-tree.png') });
    // a grid worker typing the address of the users page is told, not shown an empty table
    await worker.goto(`${base}/console/settings/users`);
    await shown(worker.getByText('您的角色无权打开此页面'));
    await own.close();
  });

  it('an administrator unlocks a locked account and disables another after confirming', async () => {
    // five wrong passwords lock worker2 (policy default)
    for (let i = 0; i < 5; i++) {
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'worker2', password: 'wrong-password' },
      });
    }
    await page.goto(`${base}/console/settings/users`);
    const table = page.getByTestId('users-table');
    const locked = table.locator('tr', { hasText: 'worker2' });
    await expect.poll(textOf(locked), WAIT).toContain('已锁定');
    await page.getByTestId('unlock-worker2').click();
    await expect.poll(textOf(locked), WAIT).toContain('正常');
    expect((await login(app, 'worker2', PASSWORD)).authorization).toMatch(/^Bearer /);

    const target = table.locator('tr', { hasText: NEW_USER });
    await target.getByRole('button', { name: /停\s*用/ }).click();
    const confirm = page.locator('.ant-popconfirm');
    await shown(confirm);
    await expect.poll(textOf(confirm), WAIT).toContain('立即退出登录');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-6-disable-confirm.png') });
    await confirm.getByRole('button', { name: /停\s*用/ }).click();
    await expect.poll(textOf(target), WAIT).toContain('已停用');
    const answer = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: NEW_USER, password: NEW_PASSWORD },
    });
    expect(answer.statusCode).toBe(403);
  });

  it('an administrator finds the creation of the user in the audit log and reads its details', async () => {
    await page.goto(`${base}/console/grids`);
    await openFromMenu(page, 'audit');
    await expect.poll(() => page.url(), WAIT).toMatch(/\/console\/settings\/audit$/);
    const table = page.getByTestId('audit-table');
    // newest first: the sign-in refused to the disabled user above
    await expect.poll(textOf(table.locator('tbody tr.ant-table-row')), WAIT).toContain('登录失败');

    // filter by action: only creations of users are left
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('新建用户');
    await page.locator('.ant-select-item-option', { hasText: '新建用户' }).click();
    const row = table.locator('tr.ant-table-row', { hasText: NEW_USER });
    await shown(row);
    await expect.poll(textOf(row), WAIT).toContain('新建用户');
    await expect.poll(textOf(row), WAIT).toContain('admin');
    await expect
      .poll(
        async () =>
          (await table.locator('[data-action]').allInnerTexts()).every((text) => text === '新建用户'),
        WAIT,
      )
      .toBe(true);

    // the detail as key and value, roles and grids in words
    await row.click();
    const detail = page.locator('.audit-detail');
    await shown(detail);
    await expect.poll(textOf(detail), WAIT).toContain('绑定网格');
    await expect.poll(textOf(detail), WAIT).toContain('网格员');
    await expect.poll(textOf(detail), WAIT).toContain('用户编号');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-7-audit.png') });

    // in English: the actions, the keys and the roles switch too
    await page.getByTestId('language-switch').click();
    await expect.poll(textOf(row), WAIT).toContain('Create user');
    await expect.poll(textOf(detail), WAIT).toContain('Grid worker');
    await expect.poll(textOf(detail), WAIT).toContain('User id');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-8-audit-english.png') });

    // the failed sign-ins of the second test are there, with their reason
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('Failed');
    await page.locator('.ant-select-item-option', { hasText: 'Failed sign-in' }).click();
    const failed = table.locator('tr.ant-table-row', { hasText: 'worker2' });
    await shown(failed);
    await failed.first().click();
    await expect.poll(textOf(page.locator('.audit-detail')), WAIT).toContain('wrong password');
    await page.getByTestId('language-switch').click();
    expect(pageErrors).toEqual([]);
  });
});
