import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { pointsRepository } from './repository.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import { M111, M112, M21, PASSWORD, S1, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';

type Headers = { authorization: string };

describe('participation points: rules, ledger, redemptions, balance and ranking', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  let alice: number; // M111
  let bob: number; // M112
  let carol: number; // M21, outside the S1 users' grids

  async function post(who: string, url: string, payload: unknown) {
    return t.app.inject({ method: 'POST', url, headers: as[who], payload: payload as object });
  }

  async function ledgerCount(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from points_entries`),
    );
    return row!.n;
  }

  async function balanceOf(personId: number): Promise<number> {
    const response = await t.app.inject({ url: `/api/people/${personId}/points`, headers: as.admin });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ balance: number }>().balance;
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { dataKey: Buffer.alloc(32, 5).toString('base64') } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'centre1', 'worker111', 'dept1', 'leader11']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
    alice = (await buildPerson(t.services, { gridCode: M111, name: '甲一' })).id;
    bob = (await buildPerson(t.services, { gridCode: M112, name: '乙二' })).id;
    carol = (await buildPerson(t.services, { gridCode: M21, name: '丙三' })).id;
  });
  afterAll(async () => t.close());

  it('lists the default rules and lets the street change one, audited', async () => {
    const rules = await t.app.inject({ url: '/api/points/rules', headers: as.worker111 });
    expect(rules.statusCode).toBe(200);
    expect(rules.json<{ items: { key: string }[] }>().items.map((rule) => rule.key)).toContain(
      'volunteer_hour',
    );
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/api/points/rules/patrol',
      headers: as.worker111,
      payload: { name: { zh: '巡逻', en: 'Patrol' }, points: 4 },
    });
    expect(refused.statusCode).toBe(403);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/points/rules/patrol',
      headers: as.centre1,
      payload: { name: { zh: '平安巡逻', en: 'Safety patrol' }, points: 4, dailyCap: 8 },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ key: 'patrol', points: 4, dailyCap: 8, active: true });
    const badCap = await t.app.inject({
      method: 'PUT',
      url: '/api/points/rules/patrol',
      headers: as.centre1,
      payload: { name: { zh: '平安巡逻', en: 'Safety patrol' }, points: 4, dailyCap: 2 },
    });
    expect(badCap.statusCode).toBe(400);
  });

  it('awards by rule and manually; the balance is the sum of the ledger', async () => {
    const byRule = await post('worker111', '/api/points/entries', {
      personId: alice,
      ruleKey: 'volunteer_hour',
      times: 3,
      sourceRef: 'activity:1',
    });
    expect(byRule.statusCode, byRule.body).toBe(201);
    expect(byRule.json()).toMatchObject({
      entry: { points: 30, kind: 'award', actor: 'worker111' },
      balance: 30,
    });
    const manual = await post('worker111', '/api/points/entries', {
      personId: alice,
      points: 7,
      reason: '协助疏通楼道',
    });
    expect(manual.statusCode, manual.body).toBe(201);
    expect(manual.json<{ balance: number }>().balance).toBe(37);
    const noReason = await post('worker111', '/api/points/entries', { personId: alice, points: 7 });
    expect(noReason.statusCode).toBe(400);
    expect(await balanceOf(alice)).toBe(37);
    const [sum] = rowsOf<{ balance: number }>(
      await t.database.db.execute(sql`select balance from points_balances where person_id = ${alice}`),
    );
    expect(sum!.balance).toBe(37);
  });

  it('refuses what would pass a rule’s daily cap, and allows it again the next day', async () => {
    const first = await post('leader11', '/api/points/entries', { personId: bob, ruleKey: 'patrol' });
    const second = await post('leader11', '/api/points/entries', { personId: bob, ruleKey: 'patrol' });
    const third = await post('leader11', '/api/points/entries', { personId: bob, ruleKey: 'patrol' });
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([201, 201, 409]);
    expect(third.json<{ code: string }>().code).toBe('daily_cap_reached');
    clock.advance(24 * 3600_000);
    // tokens live 12 hours: sign in again on the next day
    for (const username of Object.keys(as)) as[username] = await login(t.app, username, PASSWORD);
    const nextDay = await post('leader11', '/api/points/entries', { personId: bob, ruleKey: 'patrol' });
    expect(nextDay.statusCode).toBe(201);
    expect(await balanceOf(bob)).toBe(12);
  });

  it('redeems points and refuses a redemption below zero without writing anything', async () => {
    const redeemed = await post('worker111', '/api/points/redemptions', {
      personId: alice,
      points: 30,
      reason: '兑换洗衣液',
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    expect(redeemed.json()).toMatchObject({ entry: { points: -30, kind: 'redemption' }, balance: 7 });
    const before = await ledgerCount();
    const refused = await post('worker111', '/api/points/redemptions', {
      personId: alice,
      points: 8,
      reason: '兑换大米',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'insufficient_points', balance: 7 });
    const negative = await post('worker111', '/api/points/entries', {
      personId: alice,
      points: -8,
      reason: '更正',
    });
    expect(negative.statusCode).toBe(409);
    expect(await ledgerCount()).toBe(before);
    expect(await balanceOf(alice)).toBe(7);
  });

  it('lets only one of two concurrent redemptions of the whole balance pass', async () => {
    const person = (await buildPerson(t.services, { gridCode: M111, name: '并发' })).id;
    await post('admin', '/api/points/entries', { personId: person, points: 50, reason: '开户' });
    // A first redemption holds its transaction open (lock taken, entry written, not yet committed) while a second
    // one arrives through the API: the second must wait for the first and then see the balance it left.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const first = t.database.db.transaction(async (tx) => {
      await pointsRepository.lockPerson(tx, person);
      await pointsRepository.insert(tx, {
        personId: person,
        kind: 'redemption',
        ruleKey: null,
        reason: '兑换 1',
        points: -40,
        at: clock.now(),
        day: '2026-11-26',
        actorUserId: null,
        actor: 'test',
        sourceRef: null,
      });
      locked();
      await held;
    });
    await lockTaken;
    const second = post('admin', '/api/points/redemptions', {
      personId: person,
      points: 40,
      reason: '兑换 2',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await first;
    const response = await second;
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json()).toMatchObject({ code: 'insufficient_points', balance: 10 });
    expect(await balanceOf(person)).toBe(10);
  });

  it('keeps the ledger append-only in the database: rows cannot be changed or removed', async () => {
    const before = await ledgerCount();
    await expect(t.database.db.execute(sql`update points_entries set points = 1000`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from points_entries`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`truncate points_entries`)).rejects.toThrow();
    expect(await ledgerCount()).toBe(before);
    expect(await balanceOf(alice)).toBe(7);
  });

  it('scopes entries and balances by grid: a worker cannot touch a person of another street', async () => {
    const award = await post('worker111', '/api/points/entries', { personId: carol, ruleKey: 'activity' });
    expect(award.statusCode).toBe(404);
    const read = await t.app.inject({ url: `/api/people/${carol}/points`, headers: as.worker111 });
    expect(read.statusCode).toBe(404);
    const byDepartment = await post('dept1', '/api/points/entries', { personId: alice, ruleKey: 'activity' });
    expect(byDepartment.statusCode).toBe(403);
  });

  it('ranks the persons of a grid subtree by balance, names as the role may see them', async () => {
    await post('admin', '/api/points/entries', { personId: carol, points: 100, reason: '外街道' });
    const ranking = await t.app.inject({ url: `/api/grids/${S1}/points/ranking`, headers: as.centre1 });
    expect(ranking.statusCode, ranking.body).toBe(200);
    const items = ranking.json<{
      items: { personId: number; balance: number; rank: number; name: string }[];
    }>().items;
    expect(items.map((item) => [item.personId, item.balance, item.rank])).toEqual([
      [bob, 12, 1],
      [items[1]!.personId, 10, 2],
      [alice, 7, 3],
    ]);
    expect(items.some((item) => item.personId === carol)).toBe(false);
    const outside = await t.app.inject({ url: `/api/grids/${M21}/points/ranking`, headers: as.centre1 });
    expect(outside.statusCode).toBe(404);
  });

  it('shows a person’s entries newest first with the balance', async () => {
    const response = await t.app.inject({
      url: `/api/people/${alice}/points?pageSize=2`,
      headers: as.leader11,
    });
    const body = response.json<{ balance: number; total: number; entries: { points: number }[] }>();
    expect(body.balance).toBe(7);
    expect(body.total).toBe(3);
    expect(body.entries.map((entry) => entry.points)).toEqual([-30, 7]);
  });
});
