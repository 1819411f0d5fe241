/**
 * 定难度 classification (E4, 三级闭环): the command centre or the grid leader sets an event's difficulty while it is
 * worked on; the running stage clock is superseded by the difficulty's clock (respond 响应 / consult 会商 / plan 方案)
 * on the policy named after the difficulty, and the old clock's timers never fire.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { buildApp } from '../app.js';
import { engine, freshDatabase, login, testConfig } from '../../test/helpers.js';
import { buildCategory, buildDepartment } from '../../test/factories.js';
import { createRoleUsers, importSmallMap, PASSWORD, S1 } from '../../test/grid-fixtures.js';

type Headers = Record<string, string>;

describe(`events: classifying the difficulty (${engine})`, () => {
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
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
    // every policy on the continuous clock in seconds; the difficulty policies differ from the rest
    await database.db.execute(sql`update deadline_policies set clock_type = 'continuous',
      stages = '{"accept":60,"respond":300,"consult":1200,"plan":3600,"handle":600,"verify":300}'::jsonb,
      warn_ratio = null, warn_before_seconds = null`);
    await database.db.execute(sql`update deadline_policies set stages = stages || '{"respond":400}'::jsonb
      where key = 'general'`);
    await database.db.execute(sql`update deadline_policies set stages = stages || '{"consult":1500}'::jsonb
      where key = 'difficult'`);
    await database.db.execute(sql`update deadline_policies set stages = stages || '{"plan":7200}'::jsonb
      where key = 'complex'`);
    for (const name of ['centre1', 'leader11', 'worker111', 'dept1']) {
      as[name] = await login(built.app, name, PASSWORD);
    }
    const [dept] = rowsOf<{ id: number }>(
      await database.db.execute(sql`select id from users where username = 'dept1'`),
    );
    departmentId = (await buildDepartment(built.services, { gridCode: S1, userIds: [Number(dept!.id)] })).id;
  });
  afterAll(async () => {
    await built.app.close();
    await database.close();
  });

  let spot = 0;
  async function report(): Promise<number> {
    clock.advance(25 * 3600_000);
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
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  }
  async function act(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    return built.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
  }
  async function ok(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    const response = await act(who, id, action, body);
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
  }
  async function detail(id: number) {
    const response = await built.app.inject({ url: `/api/events/${id}`, headers: as.centre1! });
    return response.json<{
      difficulty: string;
      deadlines: { stage: string; state: string; overdue: boolean; dueAt: string; startedAt: string }[];
      timeline: { action: string; note: string | null }[];
    }>();
  }
  async function run(seconds: number): Promise<void> {
    clock.advance(seconds * 1000);
    await built.services.jobs.runDue();
  }
  async function dispatched(): Promise<number> {
    const id = await report();
    await ok('centre1', id, 'claim');
    await ok('centre1', id, 'accept', { filingStandards: [] });
    await ok('centre1', id, 'dispatch', { departmentId });
    return id;
  }

  it('a difficult matter: the handle clock is superseded by a 会商 clock that alone can fall overdue', async () => {
    const id = await dispatched();
    expect((await detail(id)).deadlines.at(-1)).toMatchObject({ stage: 'handle', state: 'running' });
    await run(100);
    await ok('centre1', id, 'classify', { difficulty: 'difficult', reason: '涉及多个部门，需会商' });
    let view = await detail(id);
    expect(view.difficulty).toBe('difficult');
    const [handle, consult] = view.deadlines.slice(-2);
    expect(handle).toMatchObject({ stage: 'handle', state: 'superseded', overdue: false });
    expect(consult).toMatchObject({ stage: 'consult', state: 'running' });
    expect(Date.parse(consult!.startedAt)).toBe(clock.now().getTime());
    expect(Date.parse(consult!.dueAt) - Date.parse(consult!.startedAt)).toBe(1500_000);
    expect(view.timeline.at(-1)).toMatchObject({ action: 'classify', note: '涉及多个部门，需会商' });

    // the old handle clock was due 600 s after dispatch: its timer was withdrawn
    await run(600);
    view = await detail(id);
    expect(view.deadlines.some((deadline) => deadline.overdue)).toBe(false);
    expect(view.timeline.some((entry) => entry.action === 'escalated')).toBe(false);

    await run(1000);
    view = await detail(id);
    expect(view.deadlines.at(-1)).toMatchObject({ stage: 'consult', state: 'overdue', overdue: true });
    expect(view.timeline.some((entry) => entry.action === 'escalated')).toBe(true);
  });

  it('the grid leader classifies work in progress as complex (plan) or general (respond)', async () => {
    const id = await dispatched();
    await ok('dept1', id, 'start');
    await ok('leader11', id, 'classify', { difficulty: 'complex', reason: '需街道专题会研究' });
    let last = (await detail(id)).deadlines.at(-1)!;
    expect(last.stage).toBe('plan');
    expect(Date.parse(last.dueAt) - Date.parse(last.startedAt)).toBe(7200_000);
    await ok('centre1', id, 'classify', { difficulty: 'general', reason: '经核实为一般问题' });
    const view = await detail(id);
    last = view.deadlines.at(-1)!;
    expect(last.stage).toBe('respond');
    expect(Date.parse(last.dueAt) - Date.parse(last.startedAt)).toBe(400_000);
    expect(view.deadlines.filter((deadline) => deadline.state === 'running')).toHaveLength(1);
  });

  it('refuses other roles, other states and an unchanged difficulty', async () => {
    const id = await dispatched();
    const worker = await act('worker111', id, 'classify', { difficulty: 'complex', reason: '复杂' });
    expect(worker.statusCode).toBe(403);
    const department = await act('dept1', id, 'classify', { difficulty: 'complex', reason: '复杂' });
    expect(department.statusCode).toBe(403);
    const same = await act('centre1', id, 'classify', { difficulty: 'general', reason: '一般' });
    expect(same.statusCode).toBe(422);
    expect(same.json().code).toBe('difficulty_unchanged');
    const noReason = await act('centre1', id, 'classify', { difficulty: 'complex' });
    expect(noReason.statusCode).toBe(400);
    const fresh = await report();
    const early = await act('centre1', fresh, 'classify', { difficulty: 'complex', reason: '复杂' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('illegal_transition');
  });
});
