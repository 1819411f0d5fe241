/**
 * 群众提事 the resident page on a phone (390×844, touch, location granted at a point of the demo street), in a real
 * Chromium against the real server with the demo street: the resident raises a matter with a photo and the pin of
 * "use my location", gets a number and a follow code; the staff (through the API) accept, dispatch, handle, inspect
 * and close it; the resident follows it to 已办结 and rates it; the server shows the rating. Screenshots go to
 * test-results/resident-*.png.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../src/core/http.js';
import { rowsOf } from '../../src/core/db.js';
import { login } from '../helpers.js';
import {
  PNG,
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
const missing = missingForBrowser('the resident page');

describe.skipIf(missing.length > 0)('the resident page in Chromium on a phone', () => {
  let server: DemoServer;
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  /** The resident stands here: inside a residential micro-grid of the demo street. */
  let here: { lng: number; lat: number };

  beforeAll(async () => {
    server = await startDemoServer(PASSWORD);
    ({ app, base } = server);
    ({ browser } = await openBrowser(pageErrors));
    // the demo resident's home micro-grid: its vertex average lies inside (the cells are convex)
    const [home] = rowsOf<{ geometry: { coordinates: number[][][] } }>(
      await server.services.database.db.execute(sql`
        select b.geometry from users u join user_grids ug on ug.user_id = u.id
        join grid_boundaries b on b.grid_id = ug.grid_id and b.valid_to is null
        where u.username = 'resident1'`),
    );
    const ring = home!.geometry.coordinates[0]!.slice(0, -1);
    here = {
      lng: ring.reduce((sum, p) => sum + p[0]!, 0) / ring.length,
      lat: ring.reduce((sum, p) => sum + p[1]!, 0) / ring.length,
    };
    expect(server.services.grids.locate(here.lng, here.lat).length).toBeGreaterThan(0);
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: { longitude: here.lng, latitude: here.lat, accuracy: 10 },
      permissions: ['geolocation'],
    });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      pageErrors.push(`request outside the server: ${route.request().url()}`);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function act(username: string, id: number, action: string, body: Record<string, unknown> = {}) {
    const response = await app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: await login(app, username, PASSWORD),
      payload: body,
    });
    expect(response.statusCode, `${username} ${action}: ${response.body}`).toBe(200);
  }

  it('a resident raises a matter with a photo and a pin, follows it to closed and rates it', async () => {
    await page.goto(`${base}/r`);
    await shown(page.getByTestId('resident-raise-form'));
    // the map is drawn (maplibre loaded with it) and the street outline came from /api/public/map
    await expect.poll(() => page.getByTestId('resident-map').getAttribute('data-ready'), WAIT).toBe('yes');

    await page.getByTestId('resident-category').click();
    await page.locator('.ant-select-item-option', { hasText: '市容环境' }).first().click();
    const description = `小区东门口垃圾桶满溢，已经两天没人清运 ${Date.now()}`;
    await page.getByTestId('resident-description').fill(description);
    await page.getByTestId('resident-locate').click();
    await expect
      .poll(() => page.getByTestId('resident-map').getAttribute('data-pin'), WAIT)
      .toBe(`${here.lng.toFixed(6)},${here.lat.toFixed(6)}`);
    await page.getByTestId('resident-photo-input').setInputFiles({
      name: 'bins.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await shown(page.locator('.resident-photo img'));
    await page.getByTestId('resident-phone').fill('13912345678');
    // the phone's width holds the page (no sideways scrolling); the map fills its box and carries the pin
    // (a string: the server's tsconfig has no DOM types)
    const layout = await page.evaluate<{
      scrollWidth: number;
      canvas: number[] | null;
      box: number[];
      pins: number;
    }>(`(() => {
      const canvas = document.querySelector('.resident-map canvas');
      const box = document.querySelector('.resident-map-box').getBoundingClientRect();
      return {
        scrollWidth: document.documentElement.scrollWidth,
        canvas: canvas ? [canvas.clientWidth, canvas.clientHeight] : null,
        box: [Math.round(box.width) - 2, Math.round(box.height) - 2],
        pins: document.querySelectorAll('.resident-map .maplibregl-marker').length,
      };
    })()`);
    expect(layout.scrollWidth).toBe(390);
    expect(layout.canvas).toEqual(layout.box);
    expect(layout.pins).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident-1-raise.png'), fullPage: true });

    await page.getByTestId('resident-submit').click();
    await shown(page.getByTestId('resident-receipt'));
    const number = await textOf(page.getByTestId('resident-number'))();
    const code = await textOf(page.getByTestId('resident-code'))();
    expect(number).toMatch(/^E\d{8}-\d{6}$/);
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident-2-raised.png') });

    // on the server: one event of source resident at the pinned point, with the photo, the phone encrypted
    const [event] = rowsOf<{
      id: number;
      source: string;
      lng: number;
      lat: number;
      reporter_phone_cipher: string;
    }>(await server.services.database.db.execute(sql`select * from events where number = ${number}`));
    expect(event).toMatchObject({ source: 'resident' });
    expect(Number(event!.lng)).toBeCloseTo(here.lng, 6);
    expect(event!.reporter_phone_cipher).not.toContain('13912345678');
    const id = Number(event!.id);
    const [linked] = rowsOf<{ n: number }>(
      await server.services.database.db.execute(
        sql`select count(*)::int as n from attachments where event_id = ${id}`,
      ),
    );
    expect(Number(linked!.n)).toBe(1);

    // the resident looks right away: submitted
    await page.getByRole('button', { name: '查看进度' }).click();
    await shown(page.getByTestId('resident-matter'));
    await expect.poll(textOf(page.getByTestId('resident-state')), WAIT).toBe('已提交');

    // the staff walk it round the loop: the centre accepts and dispatches to urban management, which handles it
    // with a photo of the result; the area (comprehensive grid) leader inspects and closes it
    const [department] = rowsOf<{ id: number }>(
      await server.services.database.db.execute(sql`
        select du.organisation_id as id from department_users du join users u on u.id = du.user_id
        where u.username = 'dept-cityman'`),
    );
    const chain = server.services.grids.locate(here.lng, here.lat);
    const area = chain.find((grid) => grid.level === 'area')!;
    const [leader] = rowsOf<{ username: string }>(
      await server.services.database.db.execute(sql`
        select u.username from users u join user_grids ug on ug.user_id = u.id
        where ug.grid_id = ${area.id} and 'area_leader' = any(u.roles)`),
    );
    await act('centre', id, 'accept', { filingStandards: [0] });
    await act('centre', id, 'dispatch', { departmentId: Number(department!.id) });
    await act('dept-cityman', id, 'start');
    const upload = await app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { ...(await login(app, 'dept-cityman', PASSWORD)), 'content-type': 'image/png' },
      payload: Buffer.concat([PNG, Buffer.from('after')]),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    await act('dept-cityman', id, 'handle', {
      note: '已清运',
      attachments: [upload.json<{ hash: string }>().hash],
    });
    await act(leader!.username, id, 'verify', { note: '现场已清理' });
    await act(leader!.username, id, 'close', { closingStandards: [0] });

    // the resident looks again (from "my matters" after a reload): 已办结, with the steps and the result photo
    await page.goto(`${base}/r?tab=follow`);
    await shown(page.locator('.resident-mine-item', { hasText: number }));
    await page.locator('.resident-mine-item', { hasText: number }).click();
    await expect.poll(textOf(page.getByTestId('resident-state')), WAIT).toBe('已办结');
    const matterText = await textOf(page.getByTestId('resident-matter'))();
    expect(matterText).toContain('城管执法中队');
    expect(matterText).toContain(area.name);
    expect(matterText).not.toContain('dept-cityman');
    await shown(page.locator('.resident-result-photos img'));
    await shown(page.getByTestId('resident-rate'));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident-3-closed.png'), fullPage: true });

    await page.locator('[data-testid=resident-rate-stars] li').nth(3).click();
    await page.getByTestId('resident-rate-comment').fill('清运及时，谢谢');
    await page.getByTestId('resident-rate-submit').click();
    await expect.poll(textOf(page.getByTestId('resident-state')), WAIT).toBe('已评价');
    await shown(page.getByTestId('resident-rated'));
    expect(await page.getByTestId('resident-rate').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident-4-rated.png'), fullPage: true });

    // the server shows the rating, by 群众 on the timeline
    const detail = await app.inject({
      url: `/api/events/${id}`,
      headers: await login(app, 'centre', PASSWORD),
    });
    const staffView = detail.json<{
      state: string;
      rating: { score: number; comment: string } | null;
      timeline: { action: string; actor: { role: string | null } }[];
    }>();
    expect(staffView.state).toBe('rated');
    expect(staffView.rating).toEqual({ score: 4, comment: '清运及时，谢谢' });
    expect(staffView.timeline.at(-1)).toMatchObject({ action: 'rate', actor: { role: 'resident' } });

    // the page in English
    await page.getByTestId('language-switch').click();
    await expect.poll(textOf(page.getByTestId('resident-state')), WAIT).toBe('Rated');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'resident-5-english.png') });
    await page.getByTestId('language-switch').click();

    // a printed notice's link opens the matter directly; on a desktop the page is a centred column
    const desktop = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const wide = await desktop.newPage();
    wide.on('pageerror', (error) => pageErrors.push(error.message));
    await wide.goto(`${base}/resident?n=${number}&c=${code.toLowerCase()}`);
    await expect.poll(textOf(wide.getByTestId('resident-state')), WAIT).toBe('已评价');
    await wide.screenshot({ path: path.join(SCREENSHOTS, 'resident-6-desktop.png') });
    await desktop.close();

    expect(pageErrors).toEqual([]);
  });

  it('代群众上报: a grid worker reports for a resident in the console and reads out a follow code that works', async () => {
    const answer = (
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'worker1', password: PASSWORD },
      })
    ).json<{ token: string; expiresAt: string; user: { id: number } }>();
    const staff = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await staff.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      pageErrors.push(`request outside the server: ${route.request().url()}`);
      return route.abort();
    });
    const session = JSON.stringify({ expiresAt: answer.expiresAt, user: answer.user });
    await staff.addInitScript(
      `localStorage.setItem('gezhi.token', ${JSON.stringify(answer.token)}); localStorage.setItem('gezhi.session', ${JSON.stringify(session)}); localStorage.setItem('gezhi.language', 'zh-CN');`,
    );
    const console_ = await staff.newPage();
    console_.on('pageerror', (error) => pageErrors.push(`worker1: ${error.message}`));
    await console_.goto(`${base}/console/events`);
    await shown(console_.getByTestId('report-event'));
    await console_.getByTestId('report-event').click();
    await shown(console_.getByTestId('report-form'));
    await console_
      .locator('[data-testid=report-form] .ant-form-item', { hasText: '来源' })
      .locator('.ant-select')
      .first()
      .click();
    await console_.locator('.ant-select-item-option', { hasText: '居民上报' }).click();
    await console_.getByTestId('report-category').click();
    await console_.keyboard.type('0101');
    await console_.locator('.ant-select-tree-node-content-wrapper', { hasText: '0101' }).first().click();
    await console_.getByTestId('report-title').fill('楼道堆放杂物（王大爷来电）');
    // worker1's micro-grid: the same kind of point as the resident's (the demo resident lives there when residential)
    await console_.getByTestId('report-lng').fill((here.lng + 0.0001).toFixed(6));
    await console_.getByTestId('report-lat').fill(here.lat.toFixed(6));
    await console_.getByTestId('report-resident-name').fill('王大爷');
    await console_.getByTestId('report-resident-phone').fill('13700002222');
    await console_.getByTestId('report-submit').click();
    await shown(console_.getByTestId('report-follow-code'));
    const receipt = await textOf(console_.getByTestId('report-follow-code'))();
    // the receipt is above the event's drawer that opened with it (the drawer's loading settles first)
    await console_.locator('.ant-modal-confirm').waitFor({ state: 'visible', ...WAIT });
    await console_.waitForTimeout(500);
    await console_.screenshot({ path: path.join(SCREENSHOTS, 'resident-7-on-behalf.png') });
    const [, number, code] = /(E\d{8}-\d{6}) · ([0-9A-Z]{8})/.exec(receipt) ?? [];
    expect(number, receipt).toBeTruthy();
    const view = await app.inject({
      url: `/api/public/matters/${number}`,
      headers: { 'x-follow-code': code! },
    });
    expect(view.statusCode, view.body).toBe(200);
    expect(view.body).not.toContain('王大爷');
    await staff.close();
    expect(pageErrors).toEqual([]);
  });
});
