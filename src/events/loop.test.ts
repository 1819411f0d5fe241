/**
 * 三级闭环 the timed loop of seed 000 (E4): stage clocks from intake, warnings, overdue facts and the escalation ladder
 * (组内联动 → 网格销号 → 党工委提级处置), suspension pausing the clock, a restart losing nothing, and two schedulers
 * never firing twice. Policy and ladder durations are set to seconds.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildApp } from '../app.js';
import { policyWith } from '../core/policy.js';
import { engine, freshDatabase, login, testConfig } from '../../test/helpers.js';
import { buildCategory, buildDepartment } from '../../test/factories.js';
import { createRoleUsers, importSmallMap, M111, PASSWORD, S1 } from '../../test/grid-fixtures.js';
import type { Database } from '../core/db.js';

type Headers = Record<string, string>;

async function setDurations(database: Database): Promise<void> {
  // every policy: accept 60 s, handle 600 s, consult 1200 s, plan 3600 s; warn at 80 %; continuous clock
  await database.db.execute(sql`update deadline_policies set clock_type = 'continuous',
    stages = '{"accept":60,"respond":300,"consult":1200,"plan":3600,"handle":600,"verify":300}'::jsonb,
    warn_ratio = 0.8, warn_before_seconds = null`);
  await database.db.execute(sql`update escalation_ladders set clock_type = 'continuous',
    levels = (select jsonb_agg(case when (l ->> 'climbAfterSeconds') is null then l
      else jsonb_set(l, '{climbAfterSeconds}', '100'::jsonb) end order by ord)
      from jsonb_array_elements(levels) with ordinality as x(l, ord))`);
}

describe(`events: the timed loop (${engine})`, () => {
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  let database: Database;
  const config = testConfig({
    dataKey: Buffer.alloc(32, 5).toString('base64'),
    tokenTtlSeconds: 10 * 365 * 24 * 3600,
  });
  let built: Awaited<ReturnType<typeof buildApp>>;
  const as: Record<string, Headers> = {};
  const ids: Record<string, number> = {};
  let departmentId: number;

  beforeAll(async () => {
    database = await freshDatabase();
    built = await buildApp({ config, database, clock });
    await built.app.ready();
    await importSmallMap(built.services);
    await createRoleUsers(built.services);
    await buildCategory(built.services, { code: '0101' });
    await setDurations(database);
    for (const name of ['centre1', 'leader11', 'area11', 'worker111', 'dept1']) {
      as[name] = await login(built.app, name, PASSWORD);
    }
    const rows = rowsOf<{ id: number; username: string }>(
      await database.db.execute(sql`select id, username from users`),
    );
    for (const row of rows) ids[row.username] = Number(row.id);
    departmentId = (await buildDepartment(built.services, { gridCode: S1, userIds: [ids.dept1!] })).id;
  });
  afterAll(async () => {
    await built.app.close();
    await database.close();
  });

  let spot = 0;
  async function report(difficulty = 'general'): Promise<number> {
    clock.advance(25 * 3600_000); // a day later: never a duplicate of an earlier report
    spot += 1;
    const response = await built.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: `乱堆物 ${spot}`,
        location: { lng: 121.42 + spot * 0.001, lat: 31.32 },
        difficulty,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  }
  async function act(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    const response = await built.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
    return response.json<Record<string, unknown>>();
  }
  async function detail(id: number) {
    const response = await built.app.inject({ url: `/api/events/${id}`, headers: as.centre1! });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{
      state: string;
      deadlines: {
        stage: string;
        state: string;
        overdue: boolean;
        dueAt: string | null;
        startedAt: string;
        escalationLevel: number;
        suspendedSeconds: number;
      }[];
      timeline: { action: string; note: string | null; actor: { name: string } }[];
    }>();
  }
  async function inbox(username: string, eventId: number, kind: string): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from notifications
        where user_id = ${ids[username]!} and kind = ${kind} and (data ->> 'eventId')::int = ${eventId}`),
    );
    return Number(row!.n);
  }
  async function run(seconds: number): Promise<void> {
    clock.advance(seconds * 1000);
    await built.services.jobs.runDue();
  }

  it('a general matter answered in time: the accept clock is met and nothing escalates', async () => {
    const id = await report();
    let view = await detail(id);
    expect(view.deadlines).toHaveLength(1);
    expect(view.deadlines[0]).toMatchObject({ stage: 'accept', state: 'running', overdue: false });
    expect(Date.parse(view.deadlines[0]!.dueAt!) - Date.parse(view.deadlines[0]!.startedAt)).toBe(60_000);
    await run(30);
    await act('centre1', id, 'claim');
    await act('centre1', id, 'accept', { filingStandards: [0] });
    await run(120);
    view = await detail(id);
    expect(view.deadlines[0]).toMatchObject({ stage: 'accept', state: 'met', overdue: false });
    expect(view.timeline.filter((e) => e.action === 'escalated')).toHaveLength(0);
  });

  it('a matter left alone is warned, then climbs all three levels with notices to the right people', async () => {
    const id = await report();
    await run(50); // 80 % of 60 s
    expect(await inbox('leader11', id, 'event.deadline.warning')).toBe(1);
    await run(15); // past due: the bottom level 组内联动
    let view = await detail(id);
    expect(view.deadlines[0]).toMatchObject({ state: 'overdue', overdue: true, escalationLevel: 0 });
    expect(await inbox('worker111', id, 'event.escalated')).toBe(1);
    await run(100); // 网格销号
    expect(await inbox('leader11', id, 'event.escalated')).toBe(1);
    expect(await inbox('area11', id, 'event.escalated')).toBe(1);
    await run(100); // 党工委提级处置
    expect(await inbox('centre1', id, 'event.escalated')).toBe(1);
    await run(1000); // the top level does not climb further
    view = await detail(id);
    const escalations = view.timeline.filter((e) => e.action === 'escalated');
    expect(escalations).toHaveLength(3);
    expect(escalations.map((e) => e.actor.name)).toEqual(['system', 'system', 'system']);
    expect(escalations[2]!.note).toContain('党工委');
    // the overdue fact stays after the event is taken up
    await act('centre1', id, 'claim');
    await act('centre1', id, 'accept', { filingStandards: [0] });
    view = await detail(id);
    expect(view.deadlines[0]).toMatchObject({ stage: 'accept', state: 'overdue', overdue: true });
  });

  it('a complex matter gets its plan deadline when dispatched; a general one its handling deadline', async () => {
    const complex = await report('complex');
    await act('centre1', complex, 'claim');
    await act('centre1', complex, 'accept', { filingStandards: [0] });
    await act('centre1', complex, 'dispatch', { departmentId });
    const view = await detail(complex);
    const plan = view.deadlines.find((d) => d.stage === 'plan');
    expect(plan).toMatchObject({ state: 'running' });
    expect(Date.parse(plan!.dueAt!) - Date.parse(plan!.startedAt)).toBe(3600_000);
    const general = await report();
    await act('centre1', general, 'claim');
    await act('centre1', general, 'accept', { filingStandards: [0] });
    await act('centre1', general, 'dispatch', { departmentId });
    expect((await detail(general)).deadlines.map((d) => d.stage)).toEqual(['accept', 'handle']);
  });

  it('suspension (挂账) pauses the clock; on resume the due time moves by the time suspended', async () => {
    const id = await report();
    await act('centre1', id, 'claim');
    await act('centre1', id, 'accept', { filingStandards: [0] });
    await act('centre1', id, 'dispatch', { departmentId });
    const handle = async () => (await detail(id)).deadlines.find((d) => d.stage === 'handle')!;
    await run(300);
    await act('centre1', id, 'request_suspension', { reason: '等待施工' });
    await act('area11', id, 'approve', { note: '同意' });
    expect(await handle()).toMatchObject({ state: 'paused' });
    await run(2000); // far past the 600 s: a paused clock neither warns nor escalates
    expect(await inbox('dept1', id, 'event.deadline.warning')).toBe(0);
    expect((await handle()).overdue).toBe(false);
    await act('centre1', id, 'resume', {});
    let clockView = await handle();
    expect(clockView).toMatchObject({ state: 'running', suspendedSeconds: 2000, overdue: false });
    expect(Date.parse(clockView.dueAt!) - Date.parse(clockView.startedAt)).toBe(2600_000);
    await run(290); // 590 s of the clock used: warned, not overdue
    expect(await inbox('dept1', id, 'event.deadline.warning')).toBe(1);
    expect((await handle()).overdue).toBe(false);
    await run(20);
    clockView = await handle();
    expect(clockView).toMatchObject({ overdue: true, escalationLevel: 0 });
    expect((await detail(id)).timeline.filter((e) => e.action === 'escalated')).toHaveLength(1);
  });

  it('an approved extension (延期) moves the due time of the running clock', async () => {
    const id = await report();
    await act('centre1', id, 'claim');
    await act('centre1', id, 'accept', { filingStandards: [0] });
    await act('centre1', id, 'dispatch', { departmentId });
    await run(100);
    await act('centre1', id, 'request_extension', { reason: '材料未到', days: 1 });
    await act('area11', id, 'approve', { note: '同意' });
    const handle = (await detail(id)).deadlines.find((d) => d.stage === 'handle')!;
    expect(Date.parse(handle.dueAt!) - Date.parse(handle.startedAt)).toBe(600_000 + 86_400_000);
    await run(600); // past the original due time: not overdue
    expect((await detail(id)).deadlines.find((d) => d.stage === 'handle')!.overdue).toBe(false);
  });

  it('a restart in the middle loses no escalation (jobs are durable)', async () => {
    const id = await report();
    await run(65); // overdue, level 0
    await built.app.close();
    clock.advance(100_000);
    built = await buildApp({ config, database, clock });
    await built.app.ready();
    for (const name of Object.keys(as)) as[name] = await login(built.app, name, PASSWORD);
    await built.services.jobs.runDue();
    await built.services.jobs.runDue();
    const view = await detail(id);
    expect(view.timeline.filter((e) => e.action === 'escalated')).toHaveLength(2);
    expect(view.deadlines[0]!.escalationLevel).toBe(1);
  });
});

describe(`events: long-pending sweep (${engine})`, () => {
  it('re-dispatches an event open too long with a double notice and supervises it once', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00+08:00');
    const database = await freshDatabase();
    const config = testConfig({ dataKey: Buffer.alloc(32, 5).toString('base64') });
    const policy = policyWith({
      longPending: { sweepSeconds: 10, openSeconds: 1000, reworkCount: 2, returnCount: 2 },
    });
    const built = await buildApp({ config, database, clock, policy });
    await built.app.ready();
    await importSmallMap(built.services);
    await createRoleUsers(built.services);
    await buildCategory(built.services, { code: '0101' });
    const users = rowsOf<{ id: number; username: string }>(
      await database.db.execute(sql`select id, username from users`),
    );
    const userId = (name: string) => Number(users.find((u) => u.username === name)!.id);
    const departmentId = (await buildDepartment(built.services, { gridCode: S1, userIds: [userId('dept1')] }))
      .id;
    const worker = await login(built.app, 'worker111', PASSWORD);
    const centre = await login(built.app, 'centre1', PASSWORD);
    const file = async (lng: number) => {
      const created = await built.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: worker,
        payload: { source: 'patrol', categoryCode: '0101', title: '乱堆物', location: { lng, lat: 31.32 } },
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json<{ id: number }>().id;
    };
    const act = async (id: number, action: string, body: Record<string, unknown>) => {
      const response = await built.app.inject({
        method: 'POST',
        url: `/api/events/${id}/actions/${action}`,
        headers: centre,
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(200);
    };
    const old = await file(121.42);
    await act(old, 'claim', {});
    await act(old, 'accept', { filingStandards: [0] });
    await act(old, 'dispatch', { departmentId });
    clock.advance(900_000);
    const young = await file(121.43);
    clock.advance(200_000); // the first is 1100 s old, the second 200 s
    await built.services.jobs.runDue();
    const entries = async (id: number) =>
      rowsOf<{ action: string; actor_name: string }>(
        await database.db.execute(
          sql`select action, actor_name from event_timeline where event_id = ${id} order by id`,
        ),
      );
    const told = async (name: string, id: number) =>
      Number(
        rowsOf<{ n: number }>(
          await database.db.execute(sql`select count(*)::int as n from notifications
            where user_id = ${userId(name)} and kind = 'event.supervised' and (data ->> 'eventId')::int = ${id}`),
        )[0]!.n,
      );
    expect((await entries(old)).filter((e) => e.action === 'redispatched')).toHaveLength(1);
    expect((await entries(old)).filter((e) => e.action === 'supervised')).toHaveLength(1);
    expect(await told('leader11', old)).toBe(1);
    expect(await told('dept1', old)).toBe(1);
    expect((await entries(young)).some((e) => e.action === 'supervised')).toBe(false);
    clock.advance(20_000); // the sweep rescheduled itself; an event already supervised is not taken twice
    await built.services.jobs.runDue();
    expect((await entries(old)).filter((e) => e.action === 'redispatched')).toHaveLength(1);
    expect(await told('leader11', old)).toBe(1);
    const [flag] = rowsOf<{ supervised: boolean }>(
      await database.db.execute(sql`select supervised from events where id = ${old}`),
    );
    expect(flag!.supervised).toBe(true);
    await built.app.close();
    await database.close();
  });
});

describe.skipIf(engine !== 'postgres')('events: two schedulers on one database (postgres)', () => {
  it('never fire an escalation twice', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00+08:00');
    const database = await freshDatabase();
    const config = testConfig({ dataKey: Buffer.alloc(32, 5).toString('base64') });
    const one = await buildApp({ config, database, clock });
    await one.app.ready();
    await importSmallMap(one.services);
    await createRoleUsers(one.services);
    await buildCategory(one.services, { code: '0101' });
    await setDurations(database);
    const two = await buildApp({ config, database, clock });
    await two.app.ready();
    const headers = await login(one.app, 'worker111', PASSWORD);
    const created = await one.app.inject({
      method: 'POST',
      url: '/api/events',
      headers,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: '乱堆物',
        location: { lng: 121.42, lat: 31.32 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    for (let step = 0; step < 4; step++) {
      clock.advance(100_000);
      await Promise.all([one.services.jobs.runDue(), two.services.jobs.runDue()]);
    }
    const rows = rowsOf<{ level: number; n: number }>(
      await database.db.execute(sql`select (data ->> 'level')::int as level, count(*)::int as n
        from event_timeline where event_id = ${id} and action = 'escalated' group by 1 order by 1`),
    );
    expect(rows.map((r) => [Number(r.level), Number(r.n)])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    await one.app.close();
    await two.app.close();
    await database.close();
  });
});

void M111;
