/**
 * The whole closed loop across the platform's faces, in a real Chromium against the real server with the demo
 * street: the grid worker reports a leaking hydrant with a photo on his phone (390×844, /app) on behalf of a
 * resident, the command centre claims, accepts and dispatches it in the console (1366×768), the fire station
 * handles it, the grid leader inspects and closes it (销号), and the resident follows the matter on the resident
 * page (/r) by its number and follow code and rates the result. Screenshots go to test-results/loop-*.png; load
 * times are printed, never asserted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/core/http.js';
import { login } from '../helpers.js';
import {
  PNG,
  SCREENSHOTS,
  WAIT,
  actInDrawer as act,
  isolatedContext,
  missingForBrowser,
  openBrowser,
  pointInside,
  shown,
  signedInPage,
  startDemoServer,
  textOf,
  tickAllStandards,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';
const missing = missingForBrowser('the whole loop across three roles');
interface Detail {
  id: number;
  number: string;
  state: string;
  source: string;
  actions: string[];
  categoryCode: string;
  grids: { code: string }[];
  attachments: { hash: string }[];
  timeline: { action: string; actor: string | null; note: string | null }[];
}

describe.skipIf(missing.length > 0)(
  'the closed loop across worker, centre, department, leader and resident',
  () => {
    let server: DemoServer;
    let app: App;
    let browser: Browser;
    let base: string;
    const pageErrors: string[] = [];
    const timings: [string, number][] = [];

    beforeAll(async () => {
      server = await startDemoServer(PASSWORD);
      ({ app, base } = server);
      ({ browser } = await openBrowser(pageErrors));
    });

    afterAll(async () => {
      if (timings.length > 0) {
        console.log(`\nwhole-loop timings (Chromium ${browser?.version() ?? '?'}, localhost):`);
        for (const [step, value] of timings)
          console.log(`  ${step.padEnd(56)} ${String(value).padStart(6)} ms`);
      }
      await browser?.close();
      await server?.close();
    });

    /** A page of its own (a phone, another person), its errors recorded under `who`. */
    async function newPage(options: Parameters<Browser['newContext']>[0], who: string): Promise<Page> {
      const page = await (await isolatedContext(browser, pageErrors, options)).newPage();
      page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
      return page;
    }

    /** A console page signed in as this demo user. */
    async function consoleAs(username: string): Promise<Page> {
      return (await signedInPage(browser, app, pageErrors, username, PASSWORD)).page;
    }

    async function detailAs(username: string, id: number): Promise<Detail | null> {
      const response = await app.inject({
        method: 'GET',
        url: `/api/events/${id}`,
        headers: await login(app, username, PASSWORD),
      });
      return response.statusCode === 200 ? response.json<Detail>() : null;
    }

    it('a hydrant reported on the phone goes round the loop and is rated by the resident it concerns', async () => {
      const workerAuth = await login(app, 'worker1', PASSWORD);
      const grid = (await app.inject({ method: 'GET', url: '/api/grids', headers: workerAuth })).json<{
        items: { code: string; name: string }[];
      }>().items[0]!;
      const inside = await pointInside(app, workerAuth, grid.code);
      const point = { longitude: inside.lng, latitude: inside.lat };

      // 1. the grid worker, on his phone, reports with a photo on behalf of a resident
      const worker = await newPage(
        {
          viewport: { width: 390, height: 844 },
          isMobile: true,
          hasTouch: true,
          deviceScaleFactor: 3,
          geolocation: { ...point, accuracy: 8 },
          permissions: ['geolocation'],
        },
        'worker1 (phone)',
      );
      let start = Date.now();
      await worker.goto(`${base}/app/`);
      await shown(worker.getByTestId('app-username'));
      timings.push(['phone app: goto /app/ → sign-in usable', Date.now() - start]);
      await worker.getByTestId('app-username').fill('worker1');
      await worker.getByTestId('app-password').fill(PASSWORD);
      await worker.getByTestId('app-login-submit').click();
      await shown(worker.getByTestId('report-page'));
      await expect.poll(textOf(worker.getByTestId('report-grid')), WAIT).toContain(grid.name);

      await worker.locator('[data-testid=report-page] .ant-cascader').first().click();
      const cascader = worker.locator('.ant-cascader-dropdown:visible');
      await cascader.locator('.ant-cascader-menu').nth(0).getByText('消防安全', { exact: true }).click();
      await cascader.locator('.ant-cascader-menu').nth(1).getByText('消火栓', { exact: true }).click();
      await cascader.waitFor({ state: 'hidden', ...WAIT });
      const title = `消火栓漏水 全流程 ${Date.now()}`;
      await worker.getByTestId('report-title').fill(title);
      await worker.getByTestId('report-description').fill('小区北门消火栓阀门漏水，地面结冰，居民王先生反映');
      await worker
        .getByTestId('report-photo-input')
        .setInputFiles({ name: 'hydrant.png', mimeType: 'image/png', buffer: PNG });
      await shown(worker.getByTestId('report-thumb'));
      await worker.getByText('代群众上报').click();
      await shown(worker.getByTestId('report-resident-phone'));
      await worker.getByTestId('report-resident-name').fill('王建国');
      await worker.getByTestId('report-resident-phone').fill('13912345678');
      await worker.screenshot({ path: path.join(SCREENSHOTS, 'loop-1-phone-report.png'), fullPage: true });
      await worker.getByTestId('report-submit').click();
      await shown(worker.getByTestId('report-sent'));
      const number = (await textOf(worker.getByTestId('report-number'))()).match(/[A-Z]\d{8}-\d+/)?.[0];
      expect(number).toBeDefined();
      const followCode = (await textOf(worker.getByTestId('report-follow-code'))()).match(/[A-Z0-9]{8}/)?.[0];
      expect(followCode).toBeDefined();
      await worker.screenshot({ path: path.join(SCREENSHOTS, 'loop-2-phone-sent.png') });

      const found = (
        await app.inject({
          method: 'GET',
          url: `/api/events?q=${encodeURIComponent(title)}`,
          headers: workerAuth,
        })
      ).json<{ items: { id: number; number: string }[] }>().items;
      expect(found.map((item) => item.number)).toEqual([number]);
      const id = found[0]!.id;
      const reported = (await detailAs('worker1', id))!;
      expect(reported.state).toBe('reported');
      expect(reported.categoryCode).toBe('0702');
      expect(reported.grids.map((g) => g.code)).toContain(grid.code);
      expect(reported.attachments).toHaveLength(1);

      // 2. the command centre claims, accepts (立案, standards ticked) and dispatches to the suggested department
      const centre = await consoleAs('centre');
      start = Date.now();
      await centre.goto(`${base}/console/events?event=${id}`);
      await expect.poll(textOf(centre.getByTestId('event-drawer-state')), WAIT).toBe('已上报');
      timings.push(['console: goto the event → drawer shown', Date.now() - start]);
      await shown(centre.locator('[data-testid=event-drawer] .ant-image img'));
      await expect.poll(textOf(centre.getByTestId('event-suggestion')), WAIT).toContain('消防救援站');
      await act(centre, 'claim', '已上报');
      await act(centre, 'accept', '已立案', () => tickAllStandards(centre));
      await act(centre, 'dispatch', '已派遣', async () => {
        await expect.poll(textOf(centre.getByTestId('action-department')), WAIT).toContain('消防救援站');
      });
      await centre.screenshot({ path: path.join(SCREENSHOTS, 'loop-3-centre-dispatched.png') });

      // 3. the fire station takes it on and reports back
      const fire = await consoleAs('dept-fire');
      await fire.goto(`${base}/console/events?event=${id}`);
      await expect.poll(textOf(fire.getByTestId('event-drawer-state')), WAIT).toBe('已派遣');
      await act(fire, 'start', '处置中');
      await act(fire, 'handle', '已处置', () =>
        fire.getByTestId('action-text').fill('已关闭阀门并更换密封圈，地面冰已清除'),
      );
      await fire.screenshot({ path: path.join(SCREENSHOTS, 'loop-4-department-handled.png') });

      // 4. the grid's leader inspects (核查) and closes it out (销号)
      let closer: string | null = null;
      for (const candidate of ['leader1', 'area1', 'area2', 'area3', 'area4', 'area5']) {
        if ((await detailAs(candidate, id))?.actions.includes('verify')) {
          closer = candidate;
          break;
        }
      }
      expect(closer).not.toBeNull();
      const leader = await consoleAs(closer!);
      await leader.goto(`${base}/console/events?event=${id}`);
      await expect.poll(textOf(leader.getByTestId('event-drawer-state')), WAIT).toBe('已处置');
      await act(leader, 'verify', '已核查');
      await act(leader, 'close', '已结案', () => tickAllStandards(leader));
      await leader.screenshot({ path: path.join(SCREENSHOTS, 'loop-5-leader-closed.png') });

      // 5. the resident, on her own phone and without an account, follows the matter and rates it
      const resident = await newPage(
        { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
        'resident',
      );
      start = Date.now();
      await resident.goto(`${base}/r?n=${number}&c=${followCode}`);
      await expect.poll(textOf(resident.getByTestId('resident-state')), WAIT).toBe('已办结');
      timings.push(['resident page: goto /r?n&c → state shown', Date.now() - start]);
      const publicText = await textOf(resident.getByTestId('resident-matter'))();
      expect(publicText).toContain('消防救援站');
      // the public page names offices, never the people who worked on it, nor the resident's phone
      expect(publicText).not.toContain('13912345678');
      expect(publicText).not.toContain('worker1');
      await shown(resident.getByTestId('resident-rate'));
      await resident.locator('[data-testid=resident-rate-stars] li').nth(4).click();
      await resident.getByTestId('resident-rate-comment').fill('处理很快，谢谢网格员');
      await resident.getByTestId('resident-rate-submit').click();
      await expect.poll(textOf(resident.getByTestId('resident-state')), WAIT).toBe('已评价');
      await resident.screenshot({
        path: path.join(SCREENSHOTS, 'loop-6-resident-rated.png'),
        fullPage: true,
      });

      // the event's timeline holds every step, by whom and when
      const done = (await detailAs('centre', id))!;
      expect(done.state).toBe('rated');
      const actions = done.timeline.map((entry) => entry.action);
      for (const step of [
        'reported',
        'claim',
        'accept',
        'dispatch',
        'start',
        'handle',
        'verify',
        'close',
        'rate',
      ]) {
        expect(actions).toContain(step);
      }
      expect(done.timeline.find((entry) => entry.action === 'rate')?.note ?? '').toContain('处理很快');

      // the worker sees the rated result among his own reports
      await worker.goto(`${base}/app/tasks?view=mine`);
      await expect.poll(textOf(worker.locator('body')), WAIT).toContain(title);

      expect(pageErrors).toEqual([]);
    });
  },
);
