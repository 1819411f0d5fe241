import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, testConfig, type TestApp } from '../../test/helpers.js';
import {
  A11,
  D,
  M111,
  M112,
  PASSWORD,
  S1,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';
import { buildCategory, buildDepartment, buildUser, TEST_PASSWORD } from '../../test/factories.js';

type Headers = { authorization: string };

/** Inside micro-grid M111 (121.40–121.45, 31.30–31.35). */
const HERE = { lng: 121.42, lat: 31.32 };
/** About 11 m north of HERE. */
const NEAR = { lng: 121.42, lat: 31.3201 };
/** About 110 m north of HERE. */
const FAR = { lng: 121.42, lat: 31.321 };
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('gezhi test image bytes'),
]);

function report(overrides: Record<string, unknown> = {}) {
  return {
    source: 'patrol',
    categoryCode: '0101',
    title: '垃圾堆放',
    description: '小区门口垃圾堆放',
    location: HERE,
    ...overrides,
  };
}

async function count(t: TestApp, table: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)),
  );
  return row!.n;
}

describe('events: intake and the closed loop through HTTP', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  let departmentId: number;
  let otherDepartmentId: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await buildTestApp({
      clock,
      config: { dataKey: Buffer.alloc(32, 5).toString('base64'), tokenTtlSeconds: 10 * 365 * 24 * 3600 },
    });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, {
      code: '0101',
      filingStandards: [
        { zh: '位置明确', en: 'Location known' },
        { zh: '有照片', en: 'Has a photo' },
      ],
      closingStandards: [{ zh: '现场已清理', en: 'Site cleared' }],
    });
    await buildCategory(t.services, { code: '0701' });
    await buildCategory(t.services, { code: '0102', active: false });
    for (const name of [
      'admin',
      'centre1',
      'area11',
      'leader11',
      'worker111',
      'dept1',
      'resident111',
      'district',
    ]) {
      as[name] = await login(t.app, name, PASSWORD);
    }
    const { rows } = (await t.database.db.execute(sql`select id, username from users`)) as unknown as {
      rows: { id: number; username: string }[];
    };
    for (const row of rows) ids[row.username] = row.id;
    departmentId = (await buildDepartment(t.services, { gridCode: S1, userIds: [ids.dept1!] })).id;
    const other = await buildUser(t.services, { username: 'dept2', roles: ['department'], grids: [S1] });
    otherDepartmentId = (
      await buildDepartment(t.services, { gridCode: S1, name: '市场监管所', userIds: [other.id] })
    ).id;
    as.dept2 = await login(t.app, 'dept2', TEST_PASSWORD);
    await buildUser(t.services, { username: 'worker112', roles: ['grid_worker'], grids: [M112] });
    as.worker112 = await login(t.app, 'worker112', TEST_PASSWORD);
  });
  afterAll(async () => t.close());

  async function post(who: string, body: unknown, headers: Record<string, string> = {}) {
    return t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { ...as[who]!, ...headers },
      payload: body as object,
    });
  }
  async function act(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    return t.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
  }
  async function detail(who: string, id: number) {
    return t.app.inject({ url: `/api/events/${id}`, headers: as[who]! });
  }
  async function fresh(who = 'worker111', overrides: Record<string, unknown> = {}): Promise<number> {
    clock.advance(25 * 3600_000); // a day later: not a duplicate of earlier tests' reports
    const response = await post(who, report(overrides));
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  }

  it('files a report in its micro-grid chain and answers 201 with id, number, state and grids', async () => {
    const response = await post('worker111', report({ reporterPhone: '13912345678' }));
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ id: number; number: string; state: string; grids: { code: string }[] }>();
    expect(body.number).toMatch(/^E20261125-\d{6,}$/);
    expect(body.state).toBe('reported');
    expect(body.grids.map((grid) => grid.code)).toEqual([D, S1, A11, M111]);
    const shown = (await detail('worker111', body.id)).json<{
      timeline: { action: string; actor: { name: string }; at: string; note: string | null }[];
      reporter: { phone: string };
      actions: string[];
    }>();
    expect(shown.timeline).toHaveLength(1);
    expect(shown.timeline[0]).toMatchObject({ action: 'reported', actor: { name: 'worker111' }, note: null });
    expect(shown.timeline[0]!.at).toBe('2026-11-25T02:00:00.000Z');
    // the worker sees the phone masked; it is stored encrypted
    expect(shown.reporter.phone).not.toBe('13912345678');
    const [stored] = rowsOf<{ c: string }>(
      await t.database.db.execute(sql`select reporter_phone_cipher as c from events where id = ${body.id}`),
    );
    expect(stored!.c).not.toContain('13912345678');
    const centre = (await detail('centre1', body.id)).json<{
      reporter: { phone: string };
      actions: string[];
    }>();
    expect(centre.reporter.phone).toBe('13912345678');
    expect(centre.actions).toEqual(expect.arrayContaining(['claim', 'accept', 'decline']));
  });

  it('answers a retry with the same Idempotency-Key with the same 201 body and writes one event', async () => {
    clock.advance(25 * 3600_000);
    const before = await count(t, 'events');
    const body = report({ location: FAR, title: '重试' });
    const [first, second] = await Promise.all([
      post('worker111', body, { 'idempotency-key': 'retry-1' }),
      post('worker111', body, { 'idempotency-key': 'retry-1' }),
    ]);
    const third = await post('worker111', body, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(third.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(third.json()).toEqual(first.json());
    expect(await count(t, 'events')).toBe(before + 1);
    const reused = await post('worker111', { ...body, title: '另一件事' }, { 'idempotency-key': 'retry-1' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('idempotency_key_reused');
    expect(await count(t, 'events')).toBe(before + 1);
  });

  it('flags a report of the same category within 50 m and 24 h as a likely duplicate, never merges it', async () => {
    clock.advance(25 * 3600_000);
    const first = (await post('worker111', report())).json<{ id: number }>();
    clock.advance(3600_000);
    const near = (await post('worker111', report({ location: NEAR }))).json<{ id: number }>();
    const far = (await post('worker111', report({ location: FAR }))).json<{ id: number }>();
    const otherCategory = (await post('worker111', report({ location: NEAR, categoryCode: '0701' }))).json<{
      id: number;
    }>();
    const shown = async (id: number) =>
      (await detail('centre1', id)).json<{ possibleDuplicateOf: number | null; duplicateFlag: boolean }>();
    expect(await shown(near.id)).toMatchObject({ possibleDuplicateOf: first.id, duplicateFlag: true });
    expect(await shown(far.id)).toMatchObject({ possibleDuplicateOf: null, duplicateFlag: false });
    expect(await shown(otherCategory.id)).toMatchObject({ possibleDuplicateOf: null, duplicateFlag: false });
    expect(await shown(first.id)).toMatchObject({ possibleDuplicateOf: null });
    // a day later the same spot is news again
    clock.advance(24 * 3600_000);
    const later = (await post('worker111', report())).json<{ id: number }>();
    expect(await shown(later.id)).toMatchObject({ duplicateFlag: false });
    // two reports of the same spot in one batch: the second is flagged
    clock.advance(25 * 3600_000);
    const pair = await Promise.all([
      post('worker111', report()),
      post('resident111', report({ source: 'resident' })),
    ]);
    const flags = await Promise.all(pair.map((response) => shown(response.json<{ id: number }>().id)));
    expect(flags.filter((flag) => flag.duplicateFlag)).toHaveLength(1);
  });

  it('flags one of each pair of reports of one spot even when the pair lands in batches written side by side', async () => {
    // 100 spots 500 m apart, two reports ~30 m apart at each; all first reports are sent before all second ones, so
    // a pair's reports land in different batches (on PostgreSQL up to 64 per batch, two batches at once)
    clock.advance(25 * 3600_000);
    const spots = Array.from({ length: 100 }, (_, i) => ({
      lng: 121.402 + (i % 10) * 0.0045,
      lat: 31.302 + Math.floor(i / 10) * 0.0045,
    }));
    const sent = await Promise.all(
      [0, 1].flatMap((member) =>
        spots.map((spot, i) =>
          post(
            'worker111',
            report({
              title: `同点${i}-${member}`,
              location: { lng: spot.lng + member * 0.0002, lat: spot.lat + member * 0.0002 },
            }),
          ).then((response) => ({ spot: i, id: response.json<{ id: number }>().id })),
        ),
      ),
    );
    const [row] = rowsOf<{ spots: number; pairs: number }>(
      await t.database.db.execute(sql`
        select count(distinct s.spot)::int as spots,
               count(*) filter (where s.flagged = 1)::int as pairs
        from (
          select split_part(title, '-', 1) as spot, count(*) filter (where duplicate_flag) as flagged
          from events where id in (${sql.join(
            sent.map((entry) => sql`${entry.id}`),
            sql`, `,
          )}) group by 1
        ) s`),
    );
    expect(row).toEqual({ spots: 100, pairs: 100 });
  });

  it('refuses a point outside every grid with 422 naming the field, and writes nothing', async () => {
    const before = await count(t, 'events');
    const response = await post('worker111', report({ location: { lng: 121.7, lat: 31.2 } }));
    expect(response.statusCode).toBe(422);
    const problem = response.json<{ code: string; errors: { field: string }[]; zh: string }>();
    expect(problem.code).toBe('outside_grids');
    expect(problem.errors.map((error) => error.field)).toEqual(['/body/location']);
    const inactive = await post('worker111', report({ categoryCode: '0102' }));
    expect(inactive.statusCode).toBe(422);
    expect(inactive.json().errors[0].field).toBe('/body/categoryCode');
    const major = await post('worker111', report({ categoryCode: '0100' }));
    expect(major.statusCode).toBe(422);
    const resident = await post('resident111', report({ source: 'patrol' }));
    expect(resident.statusCode).toBe(422);
    expect(await count(t, 'events')).toBe(before);
  });

  it('runs the whole loop: claim, accept, dispatch, start, handle, verify, close, rate', async () => {
    const id = await fresh('worker111');
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/events/${id}/attachments`,
      headers: { ...as.dept1!, 'content-type': 'image/png' },
      payload: PNG,
    });
    // the department cannot see the event before it is dispatched to it
    expect(upload.statusCode).toBe(404);
    const steps: [string, string, Record<string, unknown>, string][] = [
      ['centre1', 'claim', {}, 'reported'],
      ['centre1', 'accept', { filingStandards: [0, 1], difficulty: 'difficult' }, 'accepted'],
      ['centre1', 'dispatch', { departmentId }, 'dispatched'],
      ['dept1', 'start', {}, 'in_progress'],
      ['dept1', 'handle', { note: '已清理' }, 'handled'],
      ['worker111', 'verify', { note: '现场核查通过' }, 'verified'],
      ['leader11', 'close', { closingStandards: [0] }, 'closed'],
      ['worker111', 'rate', { score: 5, comment: '及时' }, 'rated'],
    ];
    for (const [who, action, body, state] of steps) {
      const shown = (await detail(who, id)).json<{ actions: string[] }>();
      expect(shown.actions, `${who} may ${action}`).toContain(action);
      const response = await act(who, id, action, body);
      expect(response.statusCode, `${who} ${action}: ${response.body}`).toBe(200);
      expect(response.json().state).toBe(state);
    }
    const done = (await detail('centre1', id)).json<{
      timeline: {
        action: string;
        fromState: string | null;
        toState: string;
        actor: { name: string; role: string };
      }[];
      rating: { score: number };
      difficulty: string;
      closedAt: string;
      assignedDepartmentId: number;
      actions: string[];
    }>();
    expect(done.timeline.map((entry) => entry.action)).toEqual([
      'reported',
      'claim',
      'accept',
      'dispatch',
      'start',
      'handle',
      'verify',
      'close',
      'rate',
    ]);
    expect(done.timeline[4]).toMatchObject({
      fromState: 'dispatched',
      toState: 'in_progress',
      actor: { name: 'dept1', role: 'department' },
    });
    expect(done.rating.score).toBe(5);
    expect(done.difficulty).toBe('difficult');
    expect(done.closedAt).not.toBeNull();
    expect(done.assignedDepartmentId).toBe(departmentId);
    expect(done.actions).toEqual([]);
  });

  it('refuses unticked standards, illegal transitions (409 naming from/to) and roles that may not (403)', async () => {
    const id = await fresh('worker111');
    const unticked = await act('centre1', id, 'accept', { filingStandards: [0] });
    expect(unticked.statusCode).toBe(422);
    expect(unticked.json().code).toBe('standards_not_met');
    const illegal = await act('centre1', id, 'close', { closingStandards: [0] });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ code: 'illegal_transition', from: 'reported', to: 'closed' });
    expect(illegal.json().zh.length).toBeGreaterThan(0);
    const refused = await act('leader11', id, 'accept', { filingStandards: [0, 1] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    // the resident who did not report it does not even see it
    const hidden = await act('resident111', id, 'accept', { filingStandards: [0, 1] });
    expect(hidden.statusCode).toBe(404);
    const badBody = await act('centre1', id, 'decline', {});
    expect(badBody.statusCode).toBe(400);
    const stale = await act('centre1', id, 'claim', { version: 99 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('stale');
    const unchanged = (await detail('centre1', id)).json<{ state: string; timeline: unknown[] }>();
    expect(unchanged).toMatchObject({ state: 'reported' });
    expect(unchanged.timeline).toHaveLength(1);
  });

  it('lets only the receiver of a returned event re-dispatch or pass it up', async () => {
    const id = await fresh('worker111');
    await act('centre1', id, 'accept', { filingStandards: [0, 1] });
    expect((await act('centre1', id, 'dispatch', { departmentId: otherDepartmentId })).statusCode).toBe(200);
    // another department may not touch it
    expect((await act('dept1', id, 'start')).statusCode).toBe(404);
    const noReason = await act('dept2', id, 'return', {});
    expect(noReason.statusCode).toBe(400);
    const returned = await act('dept2', id, 'return', { reason: '不属于本部门职责' });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json().state).toBe('returned');
    for (const [who, action, body] of [
      ['dept2', 'start', {}],
      ['centre1', 'handle', { note: 'x' }],
      ['worker111', 'verify', {}],
      ['centre1', 'close', { closingStandards: [0] }],
    ] as const) {
      const response = await act(who, id, action, body);
      expect(response.statusCode, `${who} ${action}`).toBe(409);
      expect(response.json()).toMatchObject({ code: 'illegal_transition', from: 'returned' });
    }
    expect((await detail('centre1', id)).json().actions).toEqual(
      expect.arrayContaining(['dispatch', 'pass_up']),
    );
    const redispatched = await act('centre1', id, 'dispatch', { departmentId, handlingGridCode: M111 });
    expect(redispatched.statusCode).toBe(200);
    expect(redispatched.json()).toMatchObject({
      state: 'dispatched',
      assignedDepartmentId: departmentId,
      handlingGridCode: M111,
    });
    // pass up: back to the shared pool
    await act('dept1', id, 'return', { reason: '仍不属于' });
    const up = await act('centre1', id, 'pass_up', { reason: '提交上级' });
    expect(up.json()).toMatchObject({ state: 'reported', assignedDepartmentId: null });
  });

  it('sends a field check to a grid worker of the micro-grid and lets him report back', async () => {
    const id = await fresh('resident111', { source: 'resident' });
    const wrong = await act('centre1', id, 'request_field_check', { assigneeUserId: ids.leader11 });
    expect(wrong.statusCode).toBe(422);
    const sent = await act('centre1', id, 'request_field_check', { assigneeUserId: ids.worker111 });
    expect(sent.json().state).toBe('field_check');
    expect((await act('worker112', id, 'report_field_check', { confirmed: true })).statusCode).toBe(404);
    const back = await act('worker111', id, 'report_field_check', { confirmed: true, note: '属实' });
    expect(back.json().state).toBe('reported');
    // the claim stays with the centre user who sent the check
    expect(back.json().claimedBy).toBe(ids.centre1);
  });

  it('lets the reporting grid worker handle and close out a small matter himself', async () => {
    const id = await fresh('worker111');
    const handled = await act('worker111', id, 'self_handle', { note: '当场清理' });
    expect(handled.json()).toMatchObject({ state: 'handled', selfHandled: true });
    expect(handled.json().actions).toContain('close');
    const closed = await act('worker111', id, 'close', { closingStandards: [0] });
    expect(closed.json().state).toBe('closed');
    const fire = await fresh('worker111', { categoryCode: '0701' });
    expect((await act('worker111', fire, 'self_handle', { note: 'x' })).statusCode).toBe(403);
  });

  it('suspends and cancels only with a leader’s approval', async () => {
    const id = await fresh('worker111');
    await act('centre1', id, 'accept', { filingStandards: [0, 1] });
    expect((await act('centre1', id, 'request_suspension', { reason: '等待施工' })).statusCode).toBe(200);
    expect((await act('centre1', id, 'approve', {})).statusCode).toBe(403);
    const approved = await act('area11', id, 'approve', { note: '同意' });
    expect(approved.json()).toMatchObject({ state: 'suspended', pendingRequest: null });
    const resumed = await act('centre1', id, 'resume', {});
    expect(resumed.json().state).toBe('accepted');
    expect((await act('centre1', id, 'request_cancellation', { reason: '重复上报' })).statusCode).toBe(200);
    const rejected = await act('district', id, 'reject_request', { reason: '不是重复' });
    expect(rejected.json()).toMatchObject({ state: 'accepted', pendingRequest: null });
    await act('centre1', id, 'request_cancellation', { reason: '确属重复' });
    const cancelled = await act('district', id, 'approve', {});
    expect(cancelled.json().state).toBe('cancelled');
  });

  it('lets only one of two simultaneous claims win; the other gets 409', async () => {
    const id = await fresh('worker111');
    await buildUser(t.services, { username: 'centre2', roles: ['command_centre'], grids: [S1] });
    as.centre2 = await login(t.app, 'centre2', TEST_PASSWORD);
    const answers = await Promise.all([act('centre1', id, 'claim'), act('centre2', id, 'claim')]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const timeline = (await detail('centre1', id)).json<{ timeline: { action: string }[] }>().timeline;
    expect(timeline.filter((entry) => entry.action === 'claim')).toHaveLength(1);
  });

  it('keeps the timeline append-only in the database', async () => {
    const id = await fresh('worker111');
    await expect(
      t.database.db.execute(sql`update event_timeline set note = 'changed' where event_id = ${id}`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`delete from event_timeline where event_id = ${id}`),
    ).rejects.toThrow();
    expect((await detail('centre1', id)).json().timeline).toHaveLength(1);
  });

  it('shows each reader only his events: grids, department, own reports', async () => {
    const id = await fresh('resident111', { source: 'resident' });
    expect((await detail('resident111', id)).statusCode).toBe(200);
    expect((await detail('worker112', id)).statusCode).toBe(404);
    expect((await detail('dept1', id)).statusCode).toBe(404);
    expect((await detail('worker111', id)).statusCode).toBe(200);
    const mine = await t.app.inject({ url: '/api/events?mine=true&pageSize=200', headers: as.resident111! });
    const items = mine.json<{ items: { id: number }[]; total: number }>();
    expect(items.items.map((item) => item.id)).toContain(id);
    const resident = await t.app.inject({ url: '/api/events?pageSize=200', headers: as.resident111! });
    expect(resident.json().total).toBe(items.total);
    const other = await t.app.inject({ url: '/api/events', headers: as.worker112! });
    expect(other.json().total).toBe(0);
    const dept = await t.app.inject({ url: '/api/events?assigned=department', headers: as.dept1! });
    expect(dept.json().total).toBeGreaterThan(0);
    for (const item of dept.json<{ items: { assignedDepartmentId: number }[] }>().items) {
      expect(item.assignedDepartmentId).toBe(departmentId);
    }
    const filtered = await t.app.inject({
      url: `/api/events?state=reported&grid=${A11}&category=01&source=resident&q=${encodeURIComponent('垃圾')}`,
      headers: as.centre1!,
    });
    expect(filtered.statusCode).toBe(200);
    const rows = filtered.json<{ items: { state: string; source: string; id: number }[]; total: number }>();
    expect(rows.items.map((row) => row.id)).toContain(id);
    for (const row of rows.items) expect(row).toMatchObject({ state: 'reported', source: 'resident' });
    const none = await t.app.inject({
      url: `/api/events?createdTo=2020-01-01T00:00:00Z`,
      headers: as.centre1!,
    });
    expect(none.json().total).toBe(0);
  });

  it('commits many concurrent reports together, each answered only once its row is visible', async () => {
    clock.advance(25 * 3600_000);
    const before = await count(t, 'events');
    const n = 150;
    const seen: boolean[] = [];
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const response = await post(
          'worker111',
          report({
            location: { lng: 121.401 + (i % 15) * 0.003, lat: 31.301 + Math.floor(i / 15) * 0.004 },
            title: `批量${i}`,
          }),
        );
        expect(response.statusCode, response.body).toBe(201);
        const { id } = response.json<{ id: number }>();
        const [row] = rowsOf<{ id: number }>(
          await t.database.db.execute(sql`select id from events where id = ${id}`),
        );
        seen.push(row?.id === id);
      }),
    );
    expect(seen).toHaveLength(n);
    expect(seen.every(Boolean)).toBe(true);
    expect(await count(t, 'events')).toBe(before + n);
    const [numbers] = rowsOf<{ distinct: number; total: number }>(
      await t.database.db.execute(
        sql`select count(distinct number)::int as distinct, count(*)::int as total from events`,
      ),
    );
    expect(numbers!.distinct).toBe(numbers!.total);
    const [timeline] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from events e where not exists
        (select 1 from event_timeline l where l.event_id = e.id and l.action = 'reported')`),
    );
    expect(timeline!.n).toBe(0);
  });

  it('lets a bad report in a batch fail alone', async () => {
    clock.advance(25 * 3600_000);
    const first = await post('worker111', report({ source: 'hotline', hotlineTicket: 'T-1' }));
    expect(first.statusCode).toBe(201);
    const answers = await Promise.all([
      post('worker111', report({ location: FAR, title: 'ok1' })),
      post('worker111', report({ source: 'hotline', hotlineTicket: 'T-1', location: NEAR })),
      post('worker111', report({ location: { lng: 121.44, lat: 31.34 }, title: 'ok2' })),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 409, 201]);
    expect(answers[1]!.json().code).toBe('duplicate_hotline_ticket');
  });

  it('stores attachments by content, checks their type, and scopes their reading', async () => {
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { ...as.worker111!, 'content-type': 'image/png' },
      payload: PNG,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { hash } = uploaded.json<{ hash: string }>();
    const notImage = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { ...as.worker111!, 'content-type': 'image/png' },
      payload: Buffer.from('MZ this is not a picture'),
    });
    expect(notImage.statusCode).toBe(415);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: as.worker111!,
      payload: { a: 1 },
    });
    expect(json.statusCode).toBe(415);
    const id = await fresh('worker111', { attachments: [hash] });
    const unknown = await post('worker111', report({ attachments: ['0'.repeat(64)], location: FAR }));
    expect(unknown.statusCode).toBe(422);
    const shown = (await detail('centre1', id)).json<{ attachments: { hash: string; mime: string }[] }>();
    expect(shown.attachments).toEqual([expect.objectContaining({ hash, mime: 'image/png' })]);
    const read = await t.app.inject({ url: `/api/attachments/${hash}`, headers: as.centre1! });
    expect(read.statusCode).toBe(200);
    expect(read.headers['content-type']).toBe('image/png');
    expect(Buffer.from(read.rawPayload).equals(PNG)).toBe(true);
    expect((await t.app.inject({ url: `/api/attachments/${hash}`, headers: as.worker112! })).statusCode).toBe(
      404,
    );
  });
});

describe('attachments survive a restart', () => {
  it('reads back identical bytes from a new app on the same data folder and database', async () => {
    const first = await buildTestApp();
    const config = testConfig();
    try {
      await importSmallMap(first.services);
      await createRoleUsers(first.services, (user) => user.username === 'worker111');
      await first.app.close();
      // the first app's services were built on a fresh data folder; build one on ours, write, close
      const writer = await buildApp({ config, database: first.database });
      await writer.app.ready();
      const headers = await login(writer.app, 'worker111', PASSWORD);
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 7)]);
      const uploaded = await writer.app.inject({
        method: 'POST',
        url: '/api/attachments',
        headers: { ...headers, 'content-type': 'application/pdf' },
        payload: bytes,
      });
      expect(uploaded.statusCode).toBe(201);
      const { hash } = uploaded.json<{ hash: string }>();
      await writer.app.close();
      const reader = await buildApp({ config, database: first.database });
      await reader.app.ready();
      const again = await login(reader.app, 'worker111', PASSWORD);
      const read = await reader.app.inject({ url: `/api/attachments/${hash}`, headers: again });
      expect(read.statusCode).toBe(200);
      expect(Buffer.from(read.rawPayload).equals(bytes)).toBe(true);
      await reader.app.close();
    } finally {
      await first.database.close();
    }
  });
});
