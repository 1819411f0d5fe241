/**
 * 工作时 the policy's clock everywhere (E4): a suspension (挂账) over a weekend, an extension (延期) over a holiday and the
 * escalation ladder's steps count working time of the calendar — with a holiday Monday and a make-up Sunday.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { systemActor } from '../core/audit.js';
import { rowsOf, type Database } from '../core/db.js';
import { buildApp } from '../app.js';
import { engine, freshDatabase, login, testConfig } from '../../test/helpers.js';
import { buildCategory, buildDepartment } from '../../test/factories.js';
import { createRoleUsers, importSmallMap, PASSWORD, S1 } from '../../test/grid-fixtures.js';

type Headers = Record<string, string>;
const china = (text: string) => new Date(`${text}+08:00`);

describe(`events: deadlines on the working-hours clock (${engine})`, () => {
  // Friday 27 November 2026, 09:00
  const clock = new ManualClock('2026-11-27T09:00:00+08:00');
  let database: Database;
  const config = testConfig({
    dataKey: Buffer.alloc(32, 5).toString('base64'),
    tokenTtlSeconds: 10 * 365 * 24 * 3600,
  });
  let built: Awaited<ReturnType<typeof buildApp>>;
  const as: Record<string, Headers> = {};
  let departmentId: number;

  beforeAll(async () => {
    database = await freshDatabase();
    built = await buildApp({ config, database, clock });
    await built.app.ready();
    await importSmallMap(built.services);
    await createRoleUsers(built.services);
    await buildCategory(built.services, { code: '0101', filingStandards: [], closingStandards: [] });
    // 7 working hours to handle (one working day: 09:00–12:00, 13:30–17:30); the ladder climbs after 2 working hours
    await database.db.execute(sql`update deadline_policies set clock_type = 'working_hours',
      stages = '{"accept":3600,"handle":25200}'::jsonb, warn_ratio = null, warn_before_seconds = null`);
    await database.db.execute(sql`update escalation_ladders set clock_type = 'working_hours',
      levels = (select jsonb_agg(case when (l ->> 'climbAfterSeconds') is null then l
        else jsonb_set(l, '{climbAfterSeconds}', '7200'::jsonb) end order by ord)
        from jsonb_array_elements(levels) with ordinality as x(l, ord))`);
    // Monday 30 November off, Sunday 29 November worked instead (调休)
    await built.services.catalogue.putCalendarYear(
      2026,
      // the TypeBox literal union of `kind` reads as never in the static type
      [
        { date: '2026-11-30', kind: 'holiday' },
        { date: '2026-11-29', kind: 'workday' },
      ] as unknown as Parameters<typeof built.services.catalogue.putCalendarYear>[1],
      systemActor,
    );
    for (const name of ['centre1', 'leader11', 'dept1']) as[name] = await login(built.app, name, PASSWORD);
    const [dept] = rowsOf<{ id: number }>(
      await database.db.execute(sql`select id from users where username = 'dept1'`),
    );
    departmentId = (await buildDepartment(built.services, { gridCode: S1, userIds: [Number(dept!.id)] })).id;
  });
  afterAll(async () => {
    await built.app.close();
    await database.close();
  });

  async function ok(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    const response = await built.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
  }
  async function handleClock(id: number) {
    const response = await built.app.inject({ url: `/api/events/${id}`, headers: as.centre1! });
    const view = response.json<{
      deadlines: { stage: string; state: string; dueAt: string | null; escalationLevel: number }[];
      timeline: { action: string }[];
    }>();
    return {
      clock: view.deadlines.find((deadline) => deadline.stage === 'handle')!,
      timeline: view.timeline,
    };
  }
  async function runAt(text: string): Promise<void> {
    clock.set(china(text));
    await built.services.jobs.runDue();
  }

  it('suspension, extension and escalation count working time only', async () => {
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.centre1!,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: '绿化带堆放建筑垃圾',
        location: { lng: 121.42, lat: 31.32 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    await ok('centre1', id, 'claim');
    await ok('centre1', id, 'accept', { filingStandards: [] });
    clock.set(china('2026-11-27T09:20:00'));
    await ok('centre1', id, 'dispatch', { departmentId });
    // 6 h 40 min on Friday, the last 20 min on the make-up Sunday
    expect(Date.parse((await handleClock(id)).clock.dueAt!)).toBe(china('2026-11-29T09:20:00').getTime());

    // suspended at 10:20 (1 h used), resumed on Saturday afternoon: the 6 h left run on Sunday
    clock.set(china('2026-11-27T10:20:00'));
    await ok('dept1', id, 'request_suspension', { reason: '等待业主配合' });
    await ok('leader11', id, 'approve');
    await runAt('2026-11-28T15:00:00');
    await ok('centre1', id, 'resume');
    expect(Date.parse((await handleClock(id)).clock.dueAt!)).toBe(china('2026-11-29T16:30:00').getTime());

    // one day more is one working day: Sunday 16:30–17:30, Monday off, Tuesday until 16:30
    await ok('dept1', id, 'request_extension', { reason: '需协调清运车辆', days: 1 });
    await ok('leader11', id, 'approve');
    expect(Date.parse((await handleClock(id)).clock.dueAt!)).toBe(china('2026-12-01T16:30:00').getTime());

    await runAt('2026-12-01T16:29:00');
    expect((await handleClock(id)).clock.state).toBe('running');
    await runAt('2026-12-01T16:30:00');
    let seen = await handleClock(id);
    expect(seen.clock).toMatchObject({ state: 'overdue', escalationLevel: 0 });
    // the next step after 2 working hours: Tuesday 16:30–17:30 and Wednesday 09:00–10:00
    await runAt('2026-12-02T09:59:00');
    expect((await handleClock(id)).clock.escalationLevel).toBe(0);
    await runAt('2026-12-02T10:00:00');
    seen = await handleClock(id);
    expect(seen.clock.escalationLevel).toBe(1);
    expect(seen.timeline.filter((entry) => entry.action === 'escalated')).toHaveLength(2);
  });
});
