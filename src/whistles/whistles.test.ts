import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { M21, PASSWORD, S1, S2, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory, buildDepartment, buildUser, TEST_PASSWORD } from '../../test/factories.js';

type Headers = { authorization: string };

function chinaDateOf(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Inside micro-grid M111. */
const HERE = { lng: 121.42, lat: 31.32 };

describe('whistles: blow, respond, handle jointly, rate anonymously', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  const ids: Record<string, number> = {};
  const departments: Record<string, number> = {};

  async function query<T>(text: ReturnType<typeof sql>): Promise<T[]> {
    return rowsOf<T>(await t.database.db.execute(text));
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    for (const name of ['admin', 'centre1', 'area11', 'leader11', 'worker111', 'dept1', 'district']) {
      as[name] = await login(t.app, name, PASSWORD);
    }
    for (const row of await query<{ id: number; username: string }>(sql`select id, username from users`)) {
      ids[row.username] = row.id;
    }
    departments.a = (
      await buildDepartment(t.services, { gridCode: S1, name: '城管中队', userIds: [ids.dept1!] })
    ).id;
    for (const [key, username, grid] of [
      ['b', 'deptB', S1],
      ['c', 'deptC', S1],
      ['d', 'deptD', S2],
    ] as const) {
      const user = await buildUser(t.services, { username, roles: ['department'], grids: [grid] });
      ids[username] = user.id;
      departments[key] = (
        await buildDepartment(t.services, { gridCode: grid, name: `部门${key}`, userIds: [user.id] })
      ).id;
      as[username] = await login(t.app, username, TEST_PASSWORD);
    }
    const leader21 = await buildUser(t.services, {
      username: 'leader21',
      roles: ['grid_leader'],
      grids: [M21],
    });
    ids.leader21 = leader21.id;
    as.leader21 = await login(t.app, 'leader21', TEST_PASSWORD);
  });
  afterAll(async () => t.close());

  async function newEvent(): Promise<number> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: { source: 'patrol', categoryCode: '0101', title: '占道堆物', location: HERE },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  }
  function blow(who: string, eventId: number, body: unknown) {
    return t.app.inject({
      method: 'POST',
      url: `/api/events/${eventId}/whistles`,
      headers: as[who]!,
      payload: body as object,
    });
  }
  function post(who: string, url: string, body?: unknown) {
    return t.app.inject({
      method: 'POST',
      url,
      headers: as[who]!,
      ...(body === undefined ? {} : { payload: body as object }),
    });
  }
  type Party = { id: number; departmentId: number | null; status: string; late: boolean; rated: boolean };
  function partyOf(whistle: { parties: Party[] }, departmentId: number): Party {
    return whistle.parties.find((p) => p.departmentId === departmentId)!;
  }
  async function notices(userId: number, kind: string): Promise<number> {
    const [row] = await query<{ n: number }>(
      sql`select count(*)::int as n from notifications where user_id = ${userId} and kind = ${kind}`,
    );
    return row!.n;
  }

  it('summons three departments, writes the timeline and notifies each; responses in time, late and none', async () => {
    const eventId = await newEvent();
    const response = await blow('leader11', eventId, {
      reason: '占道堆物涉及多个部门，请联合处置',
      departmentIds: [departments.a, departments.b, departments.c],
      responseSeconds: 600,
    });
    expect(response.statusCode, response.body).toBe(201);
    const whistle = response.json<{ id: number; state: string; respondBy: string; parties: Party[] }>();
    expect(whistle.state).toBe('open');
    expect(whistle.parties.map((p) => p.departmentId).sort()).toEqual(
      [departments.a, departments.b, departments.c].sort(),
    );
    expect(whistle.respondBy).toBe(new Date(clock.now().getTime() + 600_000).toISOString());
    const event = (await t.app.inject({ url: `/api/events/${eventId}`, headers: as.leader11! })).json<{
      timeline: { action: string; data: { whistleId?: number } }[];
    }>();
    expect(event.timeline.some((e) => e.action === 'whistled' && e.data.whistleId === whistle.id)).toBe(true);
    for (const name of ['dept1', 'deptB', 'deptC'])
      expect(await notices(ids[name]!, 'whistle.summoned')).toBe(1);
    expect(await notices(ids.deptD!, 'whistle.summoned')).toBe(0);

    // a department that was not summoned does not even see the whistle
    expect((await post('deptD', `/api/whistles/${whistle.id}/responses`, {})).statusCode).toBe(404);
    // the whistler is not a summoned party
    expect((await post('leader11', `/api/whistles/${whistle.id}/responses`, {})).statusCode).toBe(403);

    clock.advance(120_000);
    const inTime = await post('deptB', `/api/whistles/${whistle.id}/responses`, {
      handlerName: '张队长',
      note: '已派人前往',
    });
    expect(inTime.statusCode, inTime.body).toBe(201);
    expect(partyOf(inTime.json(), departments.b!)).toMatchObject({ status: 'accepted', late: false });
    expect((await post('deptB', `/api/whistles/${whistle.id}/responses`, {})).statusCode).toBe(409);

    // the deadline passes: the job marks who has not answered overdue and tells the whistler and the centre
    clock.advance(600_000);
    await t.services.jobs.runDue();
    const afterDeadline = (
      await t.app.inject({ url: `/api/whistles/${whistle.id}`, headers: as.leader11! })
    ).json<{ parties: Party[] }>();
    expect(partyOf(afterDeadline, departments.a!).status).toBe('overdue');
    expect(partyOf(afterDeadline, departments.c!).status).toBe('overdue');
    expect(partyOf(afterDeadline, departments.b!).status).toBe('accepted');
    expect(await notices(ids.leader11!, 'whistle.overdue')).toBe(1);
    expect(await notices(ids.centre1!, 'whistle.overdue')).toBe(1);

    const late = await post('dept1', `/api/whistles/${whistle.id}/responses`, { handlerUserId: ids.dept1 });
    expect(late.statusCode, late.body).toBe(201);
    expect(partyOf(late.json(), departments.a!)).toMatchObject({ status: 'accepted', late: true });

    const note = await post('deptB', `/api/whistles/${whistle.id}/notes`, { note: '现场已清理一半' });
    expect(note.statusCode).toBe(201);
    expect(note.json<{ notes: { note: string }[] }>().notes.map((n) => n.note)).toEqual([
      '已派人前往',
      '现场已清理一半',
    ]);

    // listing: the whistler's grids and the summoned department see it; the unsummoned one does not
    const listed = (url: string, who: string) =>
      t.app
        .inject({ url, headers: as[who]! })
        .then((r) => r.json<{ items: { id: number }[] }>().items.map((w) => w.id));
    expect(await listed('/api/whistles', 'leader11')).toContain(whistle.id);
    expect(await listed('/api/whistles', 'deptC')).toContain(whistle.id);
    expect(await listed('/api/whistles', 'deptD')).not.toContain(whistle.id);

    // ratings: only after closing, by the whistling side, each responding party once
    const rateBody = {
      ratings: [{ partyId: partyOf(late.json(), departments.b!).id, score: 5, comment: '响应迅速' }],
    };
    expect((await post('leader11', `/api/whistles/${whistle.id}/ratings`, rateBody)).statusCode).toBe(409);
    expect((await post('deptB', `/api/whistles/${whistle.id}/close`)).statusCode).toBe(403);
    const closed = await post('leader11', `/api/whistles/${whistle.id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<{ state: string }>().state).toBe('closed');
    // the overdue party did not respond: it is not rated
    const overdueParty = partyOf(closed.json(), departments.c!);
    expect(
      (
        await post('leader11', `/api/whistles/${whistle.id}/ratings`, {
          ratings: [{ partyId: overdueParty.id, score: 1 }],
        })
      ).statusCode,
    ).toBe(422);
    expect((await post('deptB', `/api/whistles/${whistle.id}/ratings`, rateBody)).statusCode).toBe(403);
    const rated = await post('leader11', `/api/whistles/${whistle.id}/ratings`, rateBody);
    expect(rated.statusCode, rated.body).toBe(201);
    expect((await post('leader11', `/api/whistles/${whistle.id}/ratings`, rateBody)).statusCode).toBe(409);
    const [count] = await query<{ n: number }>(sql`select count(*)::int as n from whistle_rating_ballots`);
    expect(count!.n).toBe(1);
    const detail = (await t.app.inject({ url: `/api/whistles/${whistle.id}`, headers: as.leader11! })).json<{
      parties: Party[];
    }>();
    expect(partyOf(detail, departments.b!).rated).toBe(true);
    expect(partyOf(detail, departments.a!).rated).toBe(false);
  });

  it('refuses a grid worker, bad bodies and unknown parties, writing nothing', async () => {
    const eventId = await newEvent();
    const [before] = await query<{ n: number }>(sql`select count(*)::int as n from whistles`);
    expect(
      (await blow('worker111', eventId, { reason: 'x', departmentIds: [departments.a] })).statusCode,
    ).toBe(403);
    expect((await blow('leader11', eventId, { departmentIds: [departments.a] })).statusCode).toBe(400);
    expect(
      (await blow('leader11', eventId, { reason: '   ', departmentIds: [departments.a] })).statusCode,
    ).toBe(400);
    expect(
      (await blow('leader11', eventId, { reason: 'x', responseSeconds: 5, departmentIds: [departments.a] }))
        .statusCode,
    ).toBe(400);
    expect((await blow('leader11', eventId, { reason: 'x' })).statusCode).toBe(422);
    const unknown = await blow('leader11', eventId, {
      reason: 'x',
      departmentIds: [99999],
      gridCodes: ['310113009'],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual([
      '/body/departmentIds/0',
      '/body/gridCodes/0',
    ]);
    // an event out of reach is not found
    expect(
      (await blow('leader21', eventId, { reason: 'x', departmentIds: [departments.a] })).statusCode,
    ).toBe(404);
    const [after] = await query<{ n: number }>(sql`select count(*)::int as n from whistles`);
    expect(after!.n).toBe(before!.n);
  });

  it('summons a grid of another street (三跨), whose leader answers; closes when its event closes', async () => {
    const eventId = await newEvent();
    const response = await blow('area11', eventId, { reason: '跨街道协同', gridCodes: [M21], urgent: true });
    expect(response.statusCode, response.body).toBe(201);
    const whistle = response.json<{
      id: number;
      respondBy: string;
      parties: { id: number; gridCode: string }[];
    }>();
    expect(whistle.parties.map((p) => p.gridCode)).toEqual([M21]);
    // urgent: 30 minutes by the default policy
    expect(new Date(whistle.respondBy).getTime() - clock.now().getTime()).toBe(30 * 60_000);
    expect(await notices(ids.leader21!, 'whistle.summoned')).toBe(1);
    expect((await post('dept1', `/api/whistles/${whistle.id}/responses`, {})).statusCode).toBe(404);
    const answered = await post('leader21', `/api/whistles/${whistle.id}/responses`, {});
    expect(answered.statusCode, answered.body).toBe(201);
    // the events module closes the event; the whistle follows
    await t.database.db.execute(
      sql`update events set state = 'closed', closed_at = now() where id = ${eventId}`,
    );
    const detail = (await t.app.inject({ url: `/api/whistles/${whistle.id}`, headers: as.area11! })).json<{
      state: string;
    }>();
    expect(detail.state).toBe('closed');
    expect((await post('leader21', `/api/whistles/${whistle.id}/notes`, { note: 'late' })).statusCode).toBe(
      409,
    );
  });

  it('keeps ratings anonymous and shows them only as aggregates of at least five', async () => {
    async function ratedWhistle(score: number, comment?: string) {
      const eventId = await newEvent();
      const whistle = (
        await blow('leader11', eventId, { reason: '复查', departmentIds: [departments.d] })
      ).json<{
        id: number;
        parties: Party[];
      }>();
      expect((await post('deptD', `/api/whistles/${whistle.id}/responses`, {})).statusCode).toBe(201);
      expect((await post('leader11', `/api/whistles/${whistle.id}/close`)).statusCode).toBe(200);
      const rated = await post('leader11', `/api/whistles/${whistle.id}/ratings`, {
        ratings: [{ partyId: whistle.parties[0]!.id, score, ...(comment ? { comment } : {}) }],
      });
      expect(rated.statusCode, rated.body).toBe(201);
      return whistle.id;
    }
    const aggregate = (who: string) =>
      t.app.inject({ url: `/api/departments/${departments.d}/whistle-ratings`, headers: as[who]! });
    const whistleIds: number[] = [];
    for (const score of [5, 4, 3, 5]) whistleIds.push(await ratedWhistle(score, `意见${score}`));
    let answer = await aggregate('deptD');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({
      enough: false,
      count: null,
      average: null,
      distribution: null,
      comments: null,
    });
    const rollup = (await t.app.inject({ url: '/api/whistle-ratings', headers: as.admin! })).json<{
      items: { departmentId: number; average: number | null; enough: boolean }[];
    }>();
    expect(rollup.items.find((i) => i.departmentId === departments.d)).toMatchObject({
      enough: false,
      average: null,
    });

    whistleIds.push(await ratedWhistle(2, '意见2'));
    // ballots wait for the daily count: nothing shows yet
    expect((await aggregate('deptD')).json<{ enough: boolean }>().enough).toBe(false);
    const waiting = async (table: string) =>
      (await query<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n;
    expect(await waiting('whistle_rating_ballots')).toBe(6);
    expect(await waiting('whistle_ratings')).toBe(0);
    clock.advance(26 * 3600_000);
    await t.services.jobs.runDue();
    expect(await waiting('whistle_rating_ballots')).toBe(0);
    expect(await waiting('whistle_ratings')).toBe(6);
    answer = await aggregate('deptD');
    expect(answer.json()).toMatchObject({
      enough: true,
      count: 5,
      average: 3.8,
      distribution: { '1': 0, '2': 1, '3': 1, '4': 1, '5': 2 },
    });
    expect([...answer.json<{ comments: string[] }>().comments].sort()).toEqual(
      ['意见2', '意见3', '意见4', '意见5', '意见5'].sort(),
    );
    expect((await aggregate('admin')).json<{ average: number }>().average).toBe(3.8);
    // another department's figures are not for deptD
    expect(
      (await t.app.inject({ url: `/api/departments/${departments.b}/whistle-ratings`, headers: as.deptD! }))
        .statusCode,
    ).toBe(404);
    expect((await aggregate('leader11')).statusCode).toBe(403);
    const period = (
      await t.app.inject({ url: '/api/whistle-ratings?from=2026-11-01&to=2026-11-30', headers: as.admin! })
    ).json<{
      items: { departmentId: number; average: number | null; count: number | null }[];
    }>();
    expect(period.items.find((i) => i.departmentId === departments.d)).toMatchObject({
      count: 5,
      average: 3.8,
    });
    const before = (
      await t.app.inject({ url: '/api/whistle-ratings?to=2026-11-24', headers: as.admin! })
    ).json<{
      items: { departmentId: number; count: number | null }[];
    }>();
    expect(before.items.find((i) => i.departmentId === departments.d)!.count).toBeNull();

    // the tables: no rater, no whistle, no time finer than a day; the token holds no score
    const columns = await query<{ table_name: string; column_name: string; data_type: string }>(sql`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and table_name in ('whistle_ratings', 'whistle_rating_ballots', 'whistle_rating_tokens')
      order by table_name, column_name`);
    const ofTable = (name: string) => columns.filter((c) => c.table_name === name);
    expect(ofTable('whistle_ratings').map((c) => c.column_name)).toEqual([
      'comment',
      'department_id',
      'grid_id',
      'id',
      'rated_on',
      'score',
    ]);
    expect(ofTable('whistle_rating_ballots').map((c) => c.column_name)).toEqual(
      ofTable('whistle_ratings').map((c) => c.column_name),
    );
    expect(ofTable('whistle_ratings').find((c) => c.column_name === 'id')!.data_type).toBe('uuid');
    expect(ofTable('whistle_ratings').find((c) => c.column_name === 'rated_on')!.data_type).toBe('date');
    expect(columns.filter((c) => c.data_type.startsWith('timestamp'))).toEqual([]);
    expect(ofTable('whistle_rating_tokens').map((c) => c.column_name)).toEqual(['party_id', 'whistle_id']);
    const ratings = await query<Record<string, unknown>>(sql`select * from whistle_ratings`);
    // what each row holds is who was rated, the score, the comment and the day — nothing of the rater
    for (const row of ratings) {
      expect([departments.b, departments.d]).toContain(row.department_id);
      expect(row.grid_id).toBeNull();
      expect(String(row.rated_on instanceof Date ? chinaDateOf(row.rated_on) : row.rated_on)).toBe(
        '2026-11-25',
      );
      expect(String(row.id)).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(whistleIds.length).toBe(5);
    // the audit says only that a rating was given for the whistle
    const audit = await query<{
      actor_user_id: number | null;
      actor: string;
      entity_key: string;
      detail: unknown;
      at: Date | string;
    }>(
      sql`select actor_user_id, actor, entity_key, detail, at from audit_log where action = 'whistle.rated'`,
    );
    expect(audit.length).toBe(6);
    for (const entry of audit) {
      expect(entry.actor_user_id).toBeNull();
      expect(entry.actor).toBe('anonymous');
      expect(typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail).toEqual({});
      expect(new Date(entry.at).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    }
    const writes = await query<{ detail: unknown }>(
      sql`select detail from audit_log where entity = 'whistle' and detail::text ~ 'score'`,
    );
    expect(writes).toEqual([]);
  });
});
