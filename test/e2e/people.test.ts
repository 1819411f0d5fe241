/**
 * The people pages, the dashboard and the grid portrait in a real Chromium, against the real server on a fresh
 * database with the demo street: the demo grid worker reads his micro-grid's residents with masked ID numbers and
 * cannot unmask; the administrator lands on the dashboard, unmasks one person (which the audit log then shows),
 * sees the person masked again after closing the drawer, and reads a grid's portrait drawn as charts.
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
  shown,
  startDemoServer,
  textOf,
  type DemoServer,
} from './harness.js';

const PASSWORD = 'e2e-demo-password';
/** 310113********1234: the division and the last four, nothing of the birth date. */
const MASKED_ID = /^\d{6}\*{8}[\dX]{4}$/;
const FULL_ID = /^\d{17}[\dX]$/;

const missing = missingForBrowser('the people pages');

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input#username').fill(username);
  await page.locator('input#password').fill(password);
  await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
}

/** How many pixels of a chart's canvas are painted (0 when the chart drew nothing). */
async function paintedPixels(page: Page, testId: string): Promise<number> {
  // page-side code as text: this file is compiled without the DOM library
  return page.evaluate<number>(`(() => {
    const canvas = document.querySelector('[data-testid="grid-details"] [data-testid="${testId}"] canvas');
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  })()`);
}

interface PersonAnswer {
  id: number;
  name: string;
  idNumber: string | null;
  gridCode: string;
}

describe.skipIf(missing.length > 0)('people, dashboard and grid portrait in Chromium', () => {
  let server: DemoServer;
  let app: App;
  let browser: Browser;
  let base: string;
  const pageErrors: string[] = [];

  const watch = (target: Page) => {
    target.on('pageerror', (error) => pageErrors.push(error.message));
    // React and antd report misuse (keys, deprecated props) as console errors
    target.on('console', (entry) => {
      if (entry.type() === 'error' && !/Failed to load resource/.test(entry.text()))
        pageErrors.push(`console: ${entry.text()}`);
    });
  };

  beforeAll(async () => {
    server = await startDemoServer(PASSWORD);
    ({ app, base } = server);
    let page: Page;
    ({ browser, page } = await openBrowser(pageErrors));
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the demo grid worker reads his residents with masked ID numbers and cannot unmask them', async () => {
    const auth = await login(app, 'worker1', PASSWORD);
    const roots = (await app.inject({ method: 'GET', url: '/api/grids', headers: auth })).json<{
      items: { code: string; name: string }[];
    }>();
    const grid = roots.items[0]!;
    const roster = (
      await app.inject({
        method: 'GET',
        url: `/api/people?grid=${grid.code}&page=1&pageSize=20`,
        headers: auth,
      })
    ).json<{ items: PersonAnswer[]; total: number }>();
    expect(roster.total).toBeGreaterThan(0);

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${base}/console/login`);
    await signIn(page, 'worker1', PASSWORD);
    await shown(page.getByTestId('nav-people'));
    await page.getByTestId('nav-people').click();
    await expect.poll(() => page.url(), WAIT).toContain(`/console/people/${grid.code}`);

    // the roster: the server's masked ID numbers, the grid's total
    const ids = page.locator('[data-testid=people-table] [data-testid=id-number]');
    await shown(ids);
    const shownIds = await ids.allInnerTexts();
    expect(shownIds.length).toBe(Math.min(20, roster.items.filter((person) => person.idNumber).length));
    for (const id of shownIds) expect(id).toMatch(MASKED_ID);
    expect(shownIds).toEqual(roster.items.flatMap((person) => (person.idNumber ? [person.idNumber] : [])));
    await expect.poll(textOf(page.getByTestId('people-roster')), WAIT).toContain(`共 ${roster.total} 条`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-1-worker-roster.png') });

    // the drawer: masked, and no unmask button for a grid worker
    await page.getByTestId('person-open').first().click();
    const drawer = page.locator('.ant-drawer-section');
    await expect.poll(textOf(drawer.getByTestId('person-id-number')), WAIT).toMatch(MASKED_ID);
    await expect.poll(textOf(drawer), WAIT).toContain('家庭户');
    expect(await drawer.getByTestId('person-unmask').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-2-worker-drawer.png') });
    await page.keyboard.press('Escape');

    // the positions of his micro-grid, by kind with Chinese names
    await page.getByTestId('tab-positions').click();
    const positions = page.getByTestId('people-positions');
    await expect.poll(textOf(positions), WAIT).toContain('网格长');
    await expect.poll(textOf(positions), WAIT).toContain('专职网格员');
    await expect.poll(textOf(positions), WAIT).toContain('刘洋');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-3-worker-positions.png') });

    // the roster of a past date: who led the micro-grid then, as the API says
    const leaderOn = async (at: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/grids/${grid.code}/positions?at=${at}`,
          headers: auth,
        })
      )
        .json<{ items: { kind: string; holder: { name: string } }[] }>()
        .items.filter((position) => position.kind === 'grid_leader')
        .map((position) => position.holder.name);
    const earlier = await leaderOn('2024-01-01');
    expect(earlier.length).toBe(1);
    const leaderRow = positions.locator('.positions-kind[data-kind=grid_leader]');
    await page.locator('.people-positions .ant-picker input').fill('2024-01-01');
    await page.keyboard.press('Enter');
    await expect.poll(textOf(positions), WAIT).toContain('2024-01-01 的在岗情况');
    await expect.poll(textOf(leaderRow), WAIT).toContain(earlier[0]!);

    // the same page in English: kinds of positions and column names switch
    await page.getByTestId('language-switch').click();
    await expect.poll(textOf(positions), WAIT).toContain('Dedicated grid worker');
    await page.getByTestId('tab-residents').click();
    await expect.poll(textOf(page.getByTestId('people-table')), WAIT).toContain('ID number');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-3b-worker-english.png') });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('the administrator lands on the dashboard, unmasks one person (audited) and reads a portrait as charts', async () => {
    const auth = await login(app, 'admin', PASSWORD);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    watch(page);

    // one micro-grid loses its leader today: the dashboard, the portrait and the positions show the vacancy
    const worker2 = await login(app, 'worker2', PASSWORD);
    const leaderless = (await app.inject({ method: 'GET', url: '/api/grids', headers: worker2 })).json<{
      items: { code: string; name: string }[];
    }>().items[0]!;
    const today = (
      await app.inject({ method: 'GET', url: `/api/grids/${leaderless.code}/portrait`, headers: auth })
    ).json<{ at: string }>().at;
    const leader = (
      await app.inject({ method: 'GET', url: `/api/grids/${leaderless.code}/positions`, headers: auth })
    )
      .json<{ items: { id: number; kind: string }[] }>()
      .items.find((position) => position.kind === 'grid_leader')!;
    const ended = await app.inject({
      method: 'POST',
      url: `/api/positions/${leader.id}/end`,
      headers: auth,
      payload: { to: today },
    });
    expect(ended.statusCode).toBe(200);

    // /console is the dashboard: the street on the map, its portrait counters, events not yet counted
    await page.goto(`${base}/console/login`);
    await signIn(page, 'admin', PASSWORD);
    await shown(page.getByTestId('user-name'));
    await page.goto(`${base}/console`);
    await expect.poll(() => page.url(), WAIT).toMatch(/\/console\/dashboard$/);
    const map = page.getByTestId('grid-map');
    await expect.poll(() => map.getAttribute('data-state'), { timeout: 30_000 }).toBe('idle');
    await expect
      .poll(async () => Number(await map.getAttribute('data-rendered-grids')), WAIT)
      .toBeGreaterThan(100);
    const streetName = await textOf(page.locator('.dashboard-map-name'))();
    expect(streetName).toBe('友谊路街道');
    const streets = (
      await app.inject({ method: 'GET', url: `/api/grids?level=street`, headers: auth })
    ).json<{ items: { code: string; name: string }[] }>();
    const street = streets.items.find((grid) => grid.name === streetName)!;
    const portrait = (
      await app.inject({ method: 'GET', url: `/api/grids/${street.code}/portrait`, headers: auth })
    ).json<{ population: number; households: number; positions: { microGrids: number } }>();
    const counters = page.getByTestId('dashboard-counters');
    await expect.poll(textOf(counters), WAIT).toContain(portrait.population.toLocaleString('en-US'));
    await expect.poll(textOf(counters), WAIT).toContain(String(portrait.positions.microGrids));
    await expect.poll(textOf(page.locator('.dashboard-counter-withoutLeader')), WAIT).toMatch(/\s1$/);
    // the events panel: its counters, no longer a placeholder
    await expect.poll(textOf(page.getByTestId('dashboard-events')), WAIT).toContain('今日上报');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-4-dashboard.png') });

    // the people of worker1's micro-grid, as the administrator sees them: masked until asked
    const worker = await login(app, 'worker1', PASSWORD);
    const grid = (await app.inject({ method: 'GET', url: '/api/grids', headers: worker })).json<{
      items: { code: string }[];
    }>().items[0]!;
    const first = (
      await app.inject({
        method: 'GET',
        url: `/api/people?grid=${grid.code}&page=1&pageSize=20`,
        headers: auth,
      })
    ).json<{ items: PersonAnswer[] }>().items[0]!;
    await page.goto(`${base}/console/people/${grid.code}`);
    await page.getByTestId('person-open').first().click();
    const drawer = page.locator('.ant-drawer-section');
    await expect.poll(textOf(drawer.getByTestId('person-id-number')), WAIT).toMatch(MASKED_ID);
    await expect.poll(textOf(drawer.locator('.ant-drawer-title')), WAIT).toBe(first.name);

    await drawer.getByTestId('person-unmask').click();
    await shown(drawer.getByTestId('person-audited'));
    await expect.poll(textOf(drawer.getByTestId('person-id-number')), WAIT).toMatch(FULL_ID);
    const full = await textOf(drawer.getByTestId('person-id-number'))();
    expect(full.slice(0, 6)).toBe(first.idNumber!.slice(0, 6));
    expect(full.slice(-4)).toBe(first.idNumber!.slice(-4));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-5-admin-unmasked.png') });

    // closing forgets the full number: the next look is masked again
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden', ...WAIT });
    await page.getByTestId('person-open').first().click();
    await expect.poll(textOf(drawer.getByTestId('person-id-number')), WAIT).toMatch(MASKED_ID);
    expect(await drawer.getByTestId('person-audited').count()).toBe(0);
    await page.keyboard.press('Escape');

    // the audit log, read through the console, has the look: who, whose record
    await page.goto(`${base}/console/settings/audit`);
    const table = page.getByTestId('audit-table');
    await expect.poll(textOf(table), WAIT).toContain('查看完整信息');
    const row = table.locator('tr', { hasText: '查看完整信息' }).first();
    await expect.poll(textOf(row), WAIT).toContain(String(first.id));
    await expect.poll(textOf(row), WAIT).toContain('admin');
    const audit = (
      await app.inject({
        method: 'GET',
        url: `/api/audit?action=person.unmask&entityKey=${first.id}`,
        headers: auth,
      })
    ).json<{ items: { actor: string; entityKey: string }[]; total: number }>();
    expect(audit.total).toBe(1);
    expect(audit.items[0]).toMatchObject({ actor: 'admin', entityKey: String(first.id) });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-6-audit.png') });

    // the grid card shows the portrait as pictures: the charts' canvases are painted
    await page.goto(`${base}/console/grids/${street.code}`);
    const card = page.getByTestId('grid-details');
    await expect.poll(textOf(card), WAIT).toContain('网格画像');
    for (const chart of ['portrait-age', 'portrait-gender', 'portrait-status']) {
      const box = card.getByTestId(chart);
      await expect.poll(() => box.getAttribute('data-state'), WAIT).toBe('drawn');
      expect(await paintedPixels(page, chart)).toBeGreaterThan(500);
    }
    await expect.poll(textOf(card), WAIT).toContain('独居老人');
    await expect.poll(textOf(card), WAIT).toContain('网格长');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-7-grid-portrait.png') });

    // the micro-grid without a leader is a link on the card: it selects that grid
    const vacant = card.locator(`.portrait-vacant[data-code="${leaderless.code}"]`);
    await vacant.scrollIntoViewIfNeeded();
    await expect.poll(textOf(vacant), WAIT).toBe(leaderless.name);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-8-portrait-vacancy.png') });
    await vacant.click();
    await expect.poll(() => page.url(), WAIT).toMatch(new RegExp(`/console/grids/${leaderless.code}$`));
    await expect.poll(textOf(page.getByTestId('grid-details-code')), WAIT).toBe(leaderless.code);

    // its positions: the leader's place is marked vacant
    await page.goto(`${base}/console/people/${leaderless.code}?tab=positions`);
    const vacancy = page.locator('.positions-kind-vacant[data-kind=grid_leader]');
    await expect.poll(textOf(vacancy), WAIT).toContain('空缺');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-9-vacant-leader.png') });

    // the party, forces and co-building figures of the street, as the server counts them
    const figures = (
      await app.inject({ method: 'GET', url: `/api/grids/${street.code}/portrait`, headers: auth })
    ).json<{
      party: { members: number };
      forces: { byCategory: { name: { zh: string }; count: number }[] };
      coBuilding: { units: number };
    }>();
    await page.goto(`${base}/console/grids/${street.code}`);
    const party = card.locator('[data-section=party]');
    await expect.poll(textOf(party), WAIT).toContain('党建');
    await expect.poll(textOf(party), WAIT).toContain(figures.party.members.toLocaleString('en-US'));
    const served = figures.forces.byCategory.find((category) => category.count > 0)!;
    await expect.poll(textOf(card.locator('[data-section=forces]')), WAIT).toContain(served.name.zh);
    await expect
      .poll(textOf(card.locator('[data-section=coBuilding]')), WAIT)
      .toContain(String(figures.coBuilding.units));
    await card.locator('[data-section=forces]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'people-10-portrait-extra-sections.png') });

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
