/**
 * GET /api/events/stats: the dashboard's counters in one answer, over exactly the events the reader may see —
 * checked against the same events counted through the list endpoint (an independent path), and against scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory, buildUser, TEST_PASSWORD } from '../../test/factories.js';

type Headers = { authorization: string };
interface Stats {
  total: number;
  today: number;
  open: number;
  overdue: number;
  periodTotal: number;
  periodDone: number;
  byState: Record<string, number>;
}

describe('event counters for the dashboard', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  const ids: number[] = [];

  async function stats(who: string, todayFrom: string, periodFrom = '2026-11-01T00:00:00+08:00') {
    return t.app.inject({
      url: `/api/events/stats?todayFrom=${encodeURIComponent(todayFrom)}&periodFrom=${encodeURIComponent(periodFrom)}`,
      headers: as[who]!,
    });
  }
  async function listTotal(who: string, query = ''): Promise<number> {
    return (await t.app.inject({ url: `/api/events?pageSize=1${query}`, headers: as[who]! })).json<{
      total: number;
    }>().total;
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    await buildUser(t.services, {
      username: 'worker112',
      roles: ['grid_worker'],
      grids: ['310113001001002'],
    });
    for (const name of ['centre1', 'leader11', 'worker111', 'dept1', 'district']) {
      as[name] = await login(t.app, name, PASSWORD);
    }
    as.worker112 = await login(t.app, 'worker112', TEST_PASSWORD);
    // yesterday one report, today three in M111 and one in M112
    const reportAt = async (who: string, lat: number, title: string) => {
      const answer = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: as[who]!,
        payload: { source: 'patrol', categoryCode: '0101', title, location: { lng: 121.42, lat } },
      });
      expect(answer.statusCode).toBe(201);
      ids.push(answer.json<{ id: number }>().id);
    };
    clock.set('2026-11-24T15:00:00+08:00');
    await reportAt('worker111', 31.31, '昨日垃圾');
    clock.set('2026-11-25T09:00:00+08:00');
    await reportAt('worker111', 31.32, '垃圾一');
    await reportAt('worker111', 31.33, '垃圾二');
    await reportAt('worker111', 31.34, '垃圾三');
    await reportAt('worker112', 31.37, '西北垃圾');
    clock.set('2026-11-25T10:00:00+08:00');
    const decline = await t.app.inject({
      method: 'POST',
      url: `/api/events/${ids[1]}/actions/decline`,
      headers: as.centre1!,
      payload: { reason: '重复上报' },
    });
    expect(decline.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it('counts today, open and by state as the list counts them, within the reader’s grids', async () => {
    const centre = (await stats('centre1', '2026-11-25T00:00:00+08:00')).json<Stats>();
    expect(centre.total).toBe(await listTotal('centre1'));
    expect(centre.total).toBe(5);
    expect(centre.today).toBe(await listTotal('centre1', '&createdFrom=2026-11-24T16:00:00.000Z'));
    expect(centre.today).toBe(4);
    expect(centre.byState).toEqual({ reported: 4, declined: 1 });
    expect(centre.open).toBe(4);
    expect(centre.periodTotal).toBe(5);
    expect(centre.periodDone).toBe(0);

    // a worker counts only his micro-grid; another worker only his
    const mine = (await stats('worker111', '2026-11-25T00:00:00+08:00')).json<Stats>();
    expect(mine).toMatchObject({ total: 4, today: 3, open: 3 });
    expect(mine.total).toBe(await listTotal('worker111'));
    const other = (await stats('worker112', '2026-11-25T00:00:00+08:00')).json<Stats>();
    expect(other).toMatchObject({ total: 1, today: 1, open: 1 });
    // a department sees what was dispatched to it: nothing yet
    expect((await stats('dept1', '2026-11-25T00:00:00+08:00')).json<Stats>().total).toBe(0);
  });

  /** Counted from each event's own stage clocks in its detail. */
  async function overdueByDetail(): Promise<number> {
    let overdue = 0;
    for (const id of ids) {
      const detail = (await t.app.inject({ url: `/api/events/${id}`, headers: as.centre1! })).json<{
        state: string;
        deadlines?: { state: string; dueAt: string | null }[];
      }>();
      if (detail.state === 'declined') continue;
      const now = clock.now().getTime();
      if (
        (detail.deadlines ?? []).some(
          (clockOf) =>
            clockOf.state === 'overdue' ||
            (clockOf.state === 'running' && clockOf.dueAt !== null && Date.parse(clockOf.dueAt) < now),
        )
      )
        overdue += 1;
    }
    return overdue;
  }

  it('counts open events with a stage clock past due as overdue, and only those', async () => {
    const before = (await stats('centre1', '2026-11-25T00:00:00+08:00')).json<Stats>();
    // yesterday afternoon's report has passed its acceptance clock this morning; today's have not
    expect(before.overdue).toBe(await overdueByDetail());
    expect(before.overdue).toBe(1);
    // a month later every open report has long passed its acceptance clock; the declined one is over
    clock.set('2026-12-25T10:00:00+08:00');
    const after = (await stats('centre1', '2026-12-25T00:00:00+08:00')).json<Stats>();
    expect(after.overdue).toBe(await overdueByDetail());
    expect(after.overdue).toBe(4);
    expect(after.today).toBe(0);
    clock.set('2026-11-25T10:00:00+08:00');
  });

  it('refuses a request without its bounds or without a session', async () => {
    const missing = await t.app.inject({ url: '/api/events/stats', headers: as.centre1! });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const anonymous = await t.app.inject({
      url: '/api/events/stats?todayFrom=2026-11-25T00:00:00Z&periodFrom=2026-11-01T00:00:00Z',
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
