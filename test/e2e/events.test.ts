/**
 * The closed loop of an event in the web console, in a real Chromium against the real server with the demo street:
 * the grid worker reports through the form (with a photo), the command centre sees it live on the dashboard and in
 * the board, claims, accepts and dispatches it to the suggested department, the department starts and handles it,
 * the grid inspects and closes it, the reporter rates it. Users whose role may not act see no button. Screenshots go
 * to test-results/events-*.png; load times are printed, never asserted.
 *
 * The pure logic of the board (deadline colour, action forms, counters) is tested at the end without a browser.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/core/http.js';
import { login } from '../helpers.js';
import {
  actionBody,
  actionForm,
  completionRate,
  deadlineColour,
  isEventMessage,
} from '../../web/src/events/logic.js';
import {
  PNG,
  SCREENSHOTS,
  actInDrawer as act,
  pointInside,
  signedInPage,
  tickAllStandards,
  WAIT,
  missingForBrowser,
  openBrowser,
  shown,
  startDemoServer,
  textOf,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';
const missing = missingForBrowser('the events console');
function since(start: number): number {
  return Math.round(performance.now() - start);
}

interface Detail {
  id: number;
  state: string;
  actions: string[];
  grids: { code: string }[];
}

describe.skipIf(missing.length > 0)('the events console in Chromium', () => {
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
      console.log(`\nevents console timings (Chromium ${browser?.version() ?? '?'}, 1366×768):`);
      for (const [step, value] of timings)
        console.log(`  ${step.padEnd(50)} ${String(value).padStart(6)} ms`);
    }
    await browser?.close();
    await server?.close();
  });

  /** A 1366×768 console page signed in as this demo user. */
  const pageOf = (username: string) => signedInPage(browser, app, pageErrors, username, PASSWORD);

  async function detailAs(username: string, id: number): Promise<Detail | null> {
    const response = await app.inject({
      method: 'GET',
      url: `/api/events/${id}`,
      headers: await login(app, username, PASSWORD),
    });
    return response.statusCode === 200 ? response.json<Detail>() : null;
  }

  it('an event goes round the loop through the console, each user seeing only his own buttons', async () => {
    // a point inside worker1's micro-grid: the micro-grids are convex cells, so their vertex average lies inside
    const workerAuth = await login(app, 'worker1', PASSWORD);
    const mine = (await app.inject({ method: 'GET', url: '/api/grids', headers: workerAuth })).json<{
      items: { code: string; name: string }[];
    }>().items[0]!;
    const { lng, lat } = await pointInside(app, workerAuth, mine.code);

    // the command centre watches the dashboard, connected to the live stream
    const centre = await pageOf('centre');
    let start = performance.now();
    await centre.page.goto(`${base}/console/dashboard`);
    await expect.poll(() => centre.page.getByTestId('live-state').getAttribute('data-live'), WAIT).toBe('on');
    await shown(centre.page.locator('[data-testid=event-counter-today] .ant-statistic-content-value'));
    timings.push(['dashboard: navigation → live stream connected', since(start)]);
    const todayBefore = Number(
      await textOf(
        centre.page.locator('[data-testid=event-counter-today] .ant-statistic-content-value'),
      )().then((t) => t.replace(/\D/g, '') || '0'),
    );

    // the worker reports through the form, with a photo
    const worker = await pageOf('worker1');
    start = performance.now();
    await worker.page.goto(`${base}/console/events`);
    await shown(worker.page.getByTestId('report-event'));
    timings.push(['board: navigation → report button', since(start)]);
    await worker.page.getByTestId('report-event').click();
    await shown(worker.page.getByTestId('report-form'));
    await worker.page.getByTestId('report-category').click();
    await worker.page.keyboard.type('0702');
    await worker.page.locator('.ant-select-tree-node-content-wrapper', { hasText: '0702' }).first().click();
    const title = `消火栓漏水 e2e ${Date.now()}`;
    await worker.page.getByTestId('report-title').fill(title);
    // a click on the map gives the point; then the exact point is typed
    const reportMap = worker.page.locator('[data-testid=report-map] [data-testid=grid-map]');
    await expect.poll(() => reportMap.getAttribute('data-state'), { timeout: 30_000 }).toBe('idle');
    const mapBox = (await reportMap.boundingBox())!;
    await worker.page.mouse.click(mapBox.x + mapBox.width / 2, mapBox.y + mapBox.height / 2);
    await expect.poll(() => worker.page.getByTestId('report-lng').inputValue(), WAIT).toMatch(/^1\d\d\.\d+/);
    await shown(worker.page.locator('[data-testid=report-map] .event-marker'));
    await worker.page.getByTestId('report-lng').fill(lng.toFixed(6));
    await worker.page.getByTestId('report-lat').fill(lat.toFixed(6));
    await worker.page.locator('[data-testid=report-form] input[type=file]').setInputFiles({
      name: 'hydrant.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await shown(worker.page.locator('.ant-upload-list-item-done'));
    await worker.page.screenshot({ path: path.join(SCREENSHOTS, 'events-1-report-form.png') });
    await worker.page.getByTestId('report-submit').click();
    // the drawer of the new event opens: reported, located, with the photo and the first timeline entry
    await expect.poll(textOf(worker.page.getByTestId('event-drawer-state')), WAIT).toBe('已上报');
    const id = Number(new URL(worker.page.url()).searchParams.get('event'));
    expect(id).toBeGreaterThan(0);
    await expect.poll(textOf(worker.page.getByTestId('event-grid-chain')), WAIT).toContain(mine.name);
    await shown(worker.page.locator('[data-testid=event-drawer] .ant-image img'));
    await expect.poll(textOf(worker.page.getByTestId('event-timeline')), WAIT).toContain('worker1');
    // the worker may not accept: the centre's buttons are not his
    expect(await worker.page.getByTestId('action-accept').count()).toBe(0);
    expect(await worker.page.getByTestId('action-claim').count()).toBe(0);
    await worker.page.screenshot({ path: path.join(SCREENSHOTS, 'events-2-reported.png') });

    // the events service does not publish change messages yet: stand in for it, as it will, to the centre
    await server.services.stream.publish({ type: 'event.reported', id, userIds: [centre.userId] });
    start = performance.now();
    await expect.poll(textOf(centre.page.getByTestId('event-feed')), { timeout: 10_000 }).toContain(title);
    timings.push(['dashboard: stream message → new report in the feed', since(start)]);
    await expect
      .poll(
        textOf(centre.page.locator('[data-testid=event-counter-today] .ant-statistic-content-value')),
        WAIT,
      )
      .toBe(String(todayBefore + 1));
    await expect
      .poll(() => centre.page.getByTestId('grid-map').getAttribute('data-markers'), { timeout: 30_000 })
      .not.toBe(null);
    expect(Number(await centre.page.getByTestId('grid-map').getAttribute('data-markers'))).toBeGreaterThan(0);
    await shown(centre.page.locator(`.event-marker[data-event-id="${id}"]`));
    await centre.page.screenshot({ path: path.join(SCREENSHOTS, 'events-3-dashboard.png') });

    // the feed leads to the board with the drawer open; claim, accept (filing standards), dispatch
    await centre.page.locator(`[data-testid=event-feed] li[data-event-id="${id}"]`).click();
    await expect.poll(textOf(centre.page.getByTestId('event-drawer-state')), WAIT).toBe('已上报');
    await shown(centre.page.getByTestId(`event-row-${id}`));
    await shown(centre.page.getByTestId('event-suggestion'));
    await expect.poll(textOf(centre.page.getByTestId('event-suggestion')), WAIT).toContain('消防救援站');
    await centre.page.screenshot({ path: path.join(SCREENSHOTS, 'events-4-board-drawer.png') });
    await act(centre.page, 'claim', '已上报');
    // accept with a standard left unticked is refused by the form itself
    await centre.page.getByTestId('action-accept').click();
    await centre.page.getByTestId('action-submit').click();
    await shown(centre.page.locator('[data-testid=action-form] .ant-form-item-explain-error'));
    await tickAllStandards(centre.page);
    await centre.page.getByTestId('action-submit').click();
    await expect.poll(textOf(centre.page.getByTestId('event-drawer-state')), WAIT).toBe('已立案');
    await act(centre.page, 'dispatch', '已派遣', async () => {
      // the department is prefilled with the suggestion
      await expect.poll(textOf(centre.page.getByTestId('action-department')), WAIT).toContain('消防救援站');
      await centre.page.screenshot({ path: path.join(SCREENSHOTS, 'events-5-dispatch.png') });
    });
    // the centre does not start the work: that is the department's button
    expect(await centre.page.getByTestId('action-start').count()).toBe(0);

    // another department may do nothing with it: no button, whether it may read the event or not
    const market = await pageOf('dept-market');
    await market.page.goto(`${base}/console/events?event=${id}`);
    if (await detailAs('dept-market', id)) {
      await expect.poll(textOf(market.page.getByTestId('event-actions')), WAIT).toContain('无可执行');
    } else {
      await shown(market.page.locator('.event-drawer .ant-alert-error'));
    }
    expect(await market.page.locator('[data-testid=event-actions] button').count()).toBe(0);
    await market.page.screenshot({ path: path.join(SCREENSHOTS, 'events-5b-other-department.png') });

    // the fire station starts and handles it
    const fire = await pageOf('dept-fire');
    await fire.page.goto(`${base}/console/events?event=${id}`);
    await expect.poll(textOf(fire.page.getByTestId('event-drawer-state')), WAIT).toBe('已派遣');
    await act(fire.page, 'start', '处置中');
    // a handling report without its note is refused by the form
    await fire.page.getByTestId('action-handle').click();
    await fire.page.getByTestId('action-submit').click();
    await shown(fire.page.locator('[data-testid=action-form] .ant-form-item-explain-error'));
    await fire.page.getByTestId('action-text').fill('已更换消火栓阀门，漏水停止');
    await fire.page.getByTestId('action-submit').click();
    await expect.poll(textOf(fire.page.getByTestId('event-drawer-state')), WAIT).toBe('已处置');

    // the grid inspects and closes: the first leader whose grids cover the event
    let closer: string | null = null;
    for (const candidate of ['leader1', 'area1', 'area2', 'area3', 'area4', 'area5']) {
      const seen = await detailAs(candidate, id);
      if (seen?.actions.includes('verify')) {
        closer = candidate;
        break;
      }
    }
    expect(closer).not.toBeNull();
    const leader = await pageOf(closer!);
    await leader.page.goto(`${base}/console/events?event=${id}`);
    await expect.poll(textOf(leader.page.getByTestId('event-drawer-state')), WAIT).toBe('已处置');
    await act(leader.page, 'verify', '已核查');
    await act(leader.page, 'close', '已结案', () => tickAllStandards(leader.page));
    await leader.page.screenshot({ path: path.join(SCREENSHOTS, 'events-6-closed.png') });

    // the reporter rates it; the timeline tells the whole story with names
    await worker.page.reload();
    await expect.poll(textOf(worker.page.getByTestId('event-drawer-state')), WAIT).toBe('已结案');
    await act(worker.page, 'rate', '已评价');
    const timeline = await textOf(worker.page.getByTestId('event-timeline'))();
    for (const step of ['认领', '立案', '派遣', '接单', '处置反馈', '核查', '结案', '评价']) {
      expect(timeline).toContain(step);
    }
    expect(timeline).toContain('已更换消火栓阀门');
    expect(timeline).toContain('消防救援站');
    await worker.page.getByTestId('event-timeline').scrollIntoViewIfNeeded();
    await worker.page.screenshot({ path: path.join(SCREENSHOTS, 'events-7-timeline.png') });

    // the board in English: the state names switch with the language
    await worker.page.locator('.event-drawer .ant-drawer-close').click();
    await expect.poll(() => worker.page.url(), WAIT).not.toContain('event=');
    await expect
      .poll(() => worker.page.locator('.event-drawer .ant-drawer-mask').isVisible(), WAIT)
      .toBe(false);
    await worker.page.getByTestId('language-switch').click();
    await expect.poll(textOf(worker.page.getByTestId('events-table')), WAIT).toContain('Rated');
    await expect.poll(textOf(worker.page.getByTestId('events-table')), WAIT).toContain(title);
    await worker.page.getByTestId(`event-row-${id}`).click();
    await expect.poll(textOf(worker.page.getByTestId('event-drawer-state')), WAIT).toBe('Rated');
    await expect.poll(textOf(worker.page.getByTestId('event-timeline')), WAIT).toContain('Dispatch');
    await worker.page.screenshot({ path: path.join(SCREENSHOTS, 'events-8-drawer-en.png') });

    expect(pageErrors).toEqual([]);
    expect((await detailAs('centre', id))?.state).toBe('rated');
  });
});

const NOW = new Date('2026-11-25T10:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

describe('the events board logic', () => {
  it('colours an event grey without deadlines, before and after the deadlines module', () => {
    expect(deadlineColour(undefined, NOW)).toBe('grey');
    expect(deadlineColour(null, NOW)).toBe('grey');
    expect(deadlineColour([], NOW)).toBe('grey');
  });

  it('colours green on time, yellow past the warning, red past due or overdue', () => {
    expect(deadlineColour([{ stage: 'handle', dueAt: at(60), warnAt: at(30), state: 'running' }], NOW)).toBe(
      'green',
    );
    expect(deadlineColour([{ stage: 'handle', dueAt: at(60), warnAt: at(-1), state: 'running' }], NOW)).toBe(
      'yellow',
    );
    expect(deadlineColour([{ stage: 'handle', dueAt: at(-1), warnAt: at(-30), state: 'running' }], NOW)).toBe(
      'red',
    );
    expect(deadlineColour([{ stage: 'handle', dueAt: at(60), state: 'overdue' }], NOW)).toBe('red');
  });

  it('leaves paused and met clocks grey and takes the worst of several stages', () => {
    expect(deadlineColour([{ stage: 'handle', dueAt: at(-60), state: 'paused' }], NOW)).toBe('grey');
    expect(deadlineColour([{ stage: 'accept', dueAt: at(-60), state: 'met' }], NOW)).toBe('grey');
    expect(
      deadlineColour(
        [
          { stage: 'accept', dueAt: at(-60), state: 'met' },
          { stage: 'dispatch', dueAt: at(10), warnAt: at(-5), state: 'running' },
          { stage: 'handle', dueAt: at(600), state: 'running' },
        ],
        NOW,
      ),
    ).toBe('yellow');
  });

  it('asks a reason of decline and return, standards of accept and close, stars of rate', () => {
    expect(actionForm('decline')).toMatchObject({ text: 'reason', textRequired: true });
    expect(actionForm('return')).toMatchObject({ text: 'reason', textRequired: true });
    expect(actionForm('accept').standards).toBe('filing');
    expect(actionForm('close').standards).toBe('closing');
    expect(actionForm('dispatch').department).toBe(true);
    expect(actionForm('rate')).toMatchObject({ rating: true, text: 'none' });
    expect(actionForm('claim')).toMatchObject({ text: 'note', textRequired: false, standards: null });
  });

  it('builds only the fields of each action body', () => {
    expect(actionBody('decline', { text: ' 重复 ' }, 3)).toEqual({ version: 3, reason: '重复' });
    expect(actionBody('accept', { standards: [0, 1], text: '' }, 2)).toEqual({
      version: 2,
      filingStandards: [0, 1],
    });
    expect(actionBody('close', { standards: [0] }, 9)).toEqual({ version: 9, closingStandards: [0] });
    expect(actionBody('dispatch', { departmentId: 7, text: 'go' }, 4)).toEqual({
      version: 4,
      note: 'go',
      departmentId: 7,
    });
    expect(actionBody('rate', { score: 5, comment: '好' }, 8)).toEqual({
      version: 8,
      score: 5,
      comment: '好',
    });
    expect(actionBody('handle', { text: '已清理' }, 6)).toEqual({ version: 6, note: '已清理' });
    expect(actionBody('classify', { text: '涉及多部门', difficulty: 'difficult' }, 4)).toEqual({
      version: 4,
      reason: '涉及多部门',
      difficulty: 'difficult',
    });
    expect(actionBody('request_extension', { text: '材料未到', days: 3 }, 5)).toEqual({
      version: 5,
      reason: '材料未到',
      days: 3,
    });
    expect(actionBody('claim', {}, 1)).toEqual({ version: 1 });
  });

  it('computes the completion rate and recognises event messages of the stream', () => {
    expect(completionRate(1, 3)).toBe(33.3);
    expect(completionRate(2, 2)).toBe(100);
    expect(completionRate(0, 0)).toBeNull();
    expect(isEventMessage({ type: 'event.reported', id: 3 })).toBe(true);
    expect(isEventMessage({ type: 'notification.created' })).toBe(false);
    expect(isEventMessage('event')).toBe(false);
  });
});
