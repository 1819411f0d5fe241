/**
 * Per-street whistle settings (response deadline, k) and the aggregate leak: a department comparing its figures
 * before and after a daily batch that holds one new rating must learn nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { policyWith } from '../core/policy.js';
import { buildTestApp, engine, login, type TestApp } from '../../test/helpers.js';
import { createRoleUsers, importSmallMap, PASSWORD, S1, S2 } from '../../test/grid-fixtures.js';
import { buildCategory, buildDepartment, buildUser, TEST_PASSWORD } from '../../test/factories.js';

type Headers = { authorization: string };
const HERE = { lng: 121.42, lat: 31.32 };

describe(`whistles: per-street settings and aggregates over whole blocks (${engine})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  const departments: Record<string, number> = {};

  beforeAll(async () => {
    t = await buildTestApp({
      clock,
      config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 },
      // street S1 answers ordinary whistles within 15 minutes; street S2 publishes ratings from 3
      policy: policyWith({
        whistles: {
          byGrid: { [S1]: { normalResponseSeconds: 900 }, [S2]: { minimumRatingsShown: 3 } },
        },
      }),
    });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    for (const name of ['admin', 'leader11', 'worker111']) as[name] = await login(t.app, name, PASSWORD);
    for (const [key, username, grid] of [
      ['b', 'deptB', S1],
      ['d', 'deptD', S2],
    ] as const) {
      const user = await buildUser(t.services, { username, roles: ['department'], grids: [grid] });
      departments[key] = (
        await buildDepartment(t.services, { gridCode: grid, name: `部门${key}`, userIds: [user.id] })
      ).id;
      as[username] = await login(t.app, username, TEST_PASSWORD);
    }
  });
  afterAll(async () => t.close());

  async function post(who: string, url: string, body?: object) {
    const response = await t.app.inject({ method: 'POST', url, headers: as[who]!, payload: body ?? {} });
    expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  }
  async function blowAt(department: string, urgent = false) {
    const event = await post('worker111', '/api/events', {
      source: 'patrol',
      categoryCode: '0101',
      title: '占道堆物',
      location: HERE,
    });
    return post('leader11', `/api/events/${event.id}/whistles`, {
      reason: '请联合处置',
      departmentIds: [departments[department]],
      urgent,
    }) as Promise<{ id: number; respondBy: string; parties: { id: number }[] }>;
  }
  async function rate(department: string, score: number) {
    const whistle = await blowAt(department);
    await post(`dept${department.toUpperCase()}`, `/api/whistles/${whistle.id}/responses`);
    await post('leader11', `/api/whistles/${whistle.id}/close`);
    await post('leader11', `/api/whistles/${whistle.id}/ratings`, {
      ratings: [{ partyId: whistle.parties[0]!.id, score }],
    });
  }
  /** The next day: the daily count moves the day's ballots into the ratings. */
  async function nextDay() {
    clock.advance(24 * 3600_000);
    await t.services.jobs.runDue();
  }
  async function figures(who: string, department: string, query = '') {
    const response = await t.app.inject({
      url: `/api/departments/${departments[department]}/whistle-ratings${query}`,
      headers: as[who]!,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{
      enough: boolean;
      count: number | null;
      average: number | null;
      minimum: number;
    }>();
  }
  async function rollup(query = '') {
    const response = await t.app.inject({ url: `/api/whistle-ratings${query}`, headers: as.admin! });
    return response
      .json<{ items: { departmentId: number; count: number | null; average: number | null }[] }>()
      .items.find((item) => item.departmentId === departments.b)!;
  }

  it('takes the response deadline of the event’s street', async () => {
    const at = clock.now().getTime();
    const ordinary = await blowAt('b');
    expect(Date.parse(ordinary.respondBy) - at).toBe(900_000);
    // the street overrides only the ordinary deadline: urgent whistles keep the default 30 minutes
    const urgent = await blowAt('b', true);
    expect(Date.parse(urgent.respondBy) - at).toBe(1800_000);
  });

  it('a batch with one new rating leaves every published figure as it was', async () => {
    for (const score of [5, 5, 4, 4, 3]) await rate('b', score);
    await nextDay(); // 26 Nov: the five of the 25th are counted
    const before = await figures('deptB', 'b');
    expect(before).toMatchObject({ enough: true, count: 5, average: 4.2, minimum: 5 });
    const rollupBefore = await rollup();

    await rate('b', 1); // one rating on the 26th
    await nextDay();
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from whistle_ratings where department_id = ${departments.b}`,
      ),
    );
    expect(row!.n).toBe(6);
    expect(await figures('deptB', 'b')).toEqual(before);
    expect(await rollup()).toEqual(rollupBefore);
    // nor does a period ending on the 26th tell the 26th apart from the 25th
    expect(await figures('deptB', 'b', '?to=2026-11-26')).toMatchObject({ count: 5, average: 4.2 });
    expect(await figures('deptB', 'b', '?from=2026-11-26')).toMatchObject({ enough: false, count: null });

    // four more on the 27th fill the next block: published together, five at once
    for (const score of [2, 2, 2, 2]) await rate('b', score);
    await nextDay();
    expect(await figures('deptB', 'b')).toMatchObject({ enough: true, count: 10, average: 3 });
    expect(await rollup()).toMatchObject({ count: 10, average: 3 });
    expect(await figures('deptB', 'b', '?from=2026-11-26')).toMatchObject({ count: 5, average: 1.8 });
  });

  it('takes k of the department’s street', async () => {
    for (const score of [5, 4, 3]) await rate('d', score);
    await nextDay();
    expect(await figures('deptD', 'd')).toMatchObject({ enough: true, count: 3, average: 4, minimum: 3 });
  });
});
