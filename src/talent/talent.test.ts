import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import { M111, M112, M21, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';

type Headers = { authorization: string };

interface Detail {
  personId: number;
  name: string;
  talent: {
    tier: string;
    skills: string[];
    tiers: { tier: string; since: string; until: string | null; reason: string | null }[];
  } | null;
  pools: { poolKey: string; leftOn: string | null; leaveReason: string | null; reason: string }[];
  training: { course: string; hours: number }[];
  trainingHours: number;
  certificates: { name: string; expired: boolean }[];
}

describe('talent pool: tiers with history, reserve pools, training and certificates', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  let wang: number;
  let li: number;
  let zhao: number; // other street

  async function call(who: string, method: 'POST' | 'PATCH' | 'PUT' | 'GET', url: string, payload?: unknown) {
    return t.app.inject({
      method,
      url,
      headers: as[who],
      ...(payload ? { payload: payload as object } : {}),
    });
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { dataKey: Buffer.alloc(32, 6).toString('base64') } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'centre1', 'leader11', 'worker111', 'district']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
    wang = (await buildPerson(t.services, { gridCode: M111, name: '王网格' })).id;
    li = (await buildPerson(t.services, { gridCode: M112, name: '李志愿' })).id;
    zhao = (await buildPerson(t.services, { gridCode: M21, name: '赵外街' })).id;
  });
  afterAll(async () => t.close());

  it('adds a person as 雏雁 and keeps every tier change as a period of its own', async () => {
    const created = await call('leader11', 'POST', '/api/talent', {
      personId: wang,
      tier: 'young',
      field: '社区治理',
      skills: ['调解', '电脑'],
      since: '2024-03-01',
      reason: '新任网格员',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<Detail>().talent).toMatchObject({ tier: 'young', skills: ['调解', '电脑'] });
    const twice = await call('leader11', 'POST', '/api/talent', { personId: wang, tier: 'lead' });
    expect(twice.statusCode).toBe(409);

    const strong = await call('leader11', 'POST', `/api/talent/${wang}/tier`, {
      tier: 'strong',
      since: '2025-01-01',
      reason: '年度考核优秀',
    });
    expect(strong.statusCode, strong.body).toBe(200);
    const lead = await call('leader11', 'POST', `/api/talent/${wang}/tier`, {
      tier: 'lead',
      since: '2026-07-01',
      reason: '任微网格长',
    });
    expect(lead.statusCode, lead.body).toBe(200);
    expect(lead.json<Detail>().talent!.tiers).toEqual([
      {
        tier: 'young',
        name: { zh: '雏雁', en: 'Young' },
        since: '2024-03-01',
        until: '2025-01-01',
        reason: '新任网格员',
        actor: 'leader11',
      },
      {
        tier: 'strong',
        name: { zh: '强雁', en: 'Strong' },
        since: '2025-01-01',
        until: '2026-07-01',
        reason: '年度考核优秀',
        actor: 'leader11',
      },
      {
        tier: 'lead',
        name: { zh: '头雁', en: 'Lead' },
        since: '2026-07-01',
        until: null,
        reason: '任微网格长',
        actor: 'leader11',
      },
    ]);
    const [rows] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from talent_tiers`),
    );
    expect(rows!.n).toBe(3);

    const backwards = await call('leader11', 'POST', `/api/talent/${wang}/tier`, {
      tier: 'strong',
      since: '2026-01-01',
      reason: '回退',
    });
    expect(backwards.statusCode).toBe(422);
    const same = await call('leader11', 'POST', `/api/talent/${wang}/tier`, {
      tier: 'lead',
      reason: '无变化',
    });
    expect(same.statusCode).toBe(409);
    const future = await call('leader11', 'POST', `/api/talent/${wang}/tier`, {
      tier: 'strong',
      since: '2027-01-01',
      reason: '未来',
    });
    expect(future.statusCode).toBe(422);
  });

  it('lists talent by tier and skill within the reader’s grids', async () => {
    await call('leader11', 'POST', '/api/talent', { personId: li, tier: 'young', skills: ['文艺'] });
    const leads = await call('centre1', 'GET', '/api/talent?tier=lead');
    expect(leads.json<{ items: { personId: number }[] }>().items.map((item) => item.personId)).toEqual([
      wang,
    ]);
    const bySkill = await call('centre1', 'GET', `/api/talent?skill=${encodeURIComponent('文艺')}`);
    expect(bySkill.json<{ total: number }>().total).toBe(1);
    const all = await call('leader11', 'GET', '/api/talent');
    expect(
      all.json<{ items: { personId: number; tier: string }[] }>().items.map((i) => [i.personId, i.tier]),
    ).toEqual([
      [wang, 'lead'],
      [li, 'young'],
    ]);
    // the district reads talent, with names masked
    const district = await call('district', 'GET', '/api/talent');
    expect(district.json<{ items: { name: string }[] }>().items[0]!.name).toBe('王**');
    // a grid worker does not keep the talent pool
    expect((await call('worker111', 'GET', '/api/talent')).statusCode).toBe(403);
  });

  it('nominates to the reserve secretary pool and lets a member leave with a reason, keeping the row', async () => {
    const nominated = await call('leader11', 'POST', '/api/talent/pools/community_secretary/members', {
      personId: wang,
      reason: '优秀网格长',
      on: '2026-09-01',
    });
    expect(nominated.statusCode, nominated.body).toBe(201);
    const again = await call('leader11', 'POST', '/api/talent/pools/community_secretary/members', {
      personId: wang,
      reason: '重复',
    });
    expect(again.statusCode).toBe(409);
    const pools = await call('centre1', 'GET', '/api/talent/pools');
    expect(pools.json<{ items: { key: string; members: number }[] }>().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'community_secretary', members: 1 })]),
    );
    const left = await call(
      'leader11',
      'POST',
      `/api/talent/pools/community_secretary/members/${wang}/leave`,
      {
        reason: '调任其他街道',
        on: '2026-11-01',
      },
    );
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json()).toMatchObject({ leftOn: '2026-11-01', leaveReason: '调任其他街道' });
    const current = await call('centre1', 'GET', '/api/talent/pools/community_secretary/members');
    expect(current.json<{ items: unknown[] }>().items).toEqual([]);
    const history = await call(
      'centre1',
      'GET',
      '/api/talent/pools/community_secretary/members?history=true',
    );
    expect(history.json<{ items: { reason: string }[] }>().items.map((item) => item.reason)).toEqual([
      '优秀网格长',
    ]);
    // after leaving, a new nomination is a new row
    const renominated = await call('leader11', 'POST', '/api/talent/pools/community_secretary/members', {
      personId: wang,
      reason: '回到本街道',
    });
    expect(renominated.statusCode).toBe(201);
    const created = await call('admin', 'PUT', '/api/talent/pools/party_branch_secretary', {
      name: { zh: '支部书记后备', en: 'Reserve branch secretaries' },
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ key: 'party_branch_secretary', members: 0 });
    const unknown = await call('leader11', 'POST', '/api/talent/pools/no_such_pool/members', {
      personId: wang,
      reason: '无',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('records training and certificates, with total hours and expiry', async () => {
    const training = await call('leader11', 'POST', `/api/talent/${wang}/training`, {
      course: '网格员业务培训',
      hours: 6.5,
      heldOn: '2026-10-10',
      organiser: '区城运中心',
    });
    expect(training.statusCode, training.body).toBe(201);
    await call('leader11', 'POST', `/api/talent/${wang}/training`, {
      course: '急救',
      hours: 4,
      heldOn: '2026-05-05',
    });
    const certificate = await call('leader11', 'POST', `/api/talent/${wang}/certificates`, {
      name: '人民调解员证',
      number: 'TJ-2024-001',
      issuedOn: '2024-01-01',
      expiresOn: '2026-01-01',
    });
    expect(certificate.statusCode, certificate.body).toBe(201);
    const badDates = await call('leader11', 'POST', `/api/talent/${wang}/certificates`, {
      name: '社工证',
      issuedOn: '2024-01-01',
      expiresOn: '2023-01-01',
    });
    expect(badDates.statusCode).toBe(400);
    const detail = await call('leader11', 'GET', `/api/talent/${wang}`);
    const body = detail.json<Detail>();
    expect(body.trainingHours).toBe(10.5);
    expect(body.training.map((row) => row.course)).toEqual(['网格员业务培训', '急救']);
    expect(body.certificates).toEqual([expect.objectContaining({ name: '人民调解员证', expired: true })]);
    expect(body.pools.map((pool) => [pool.poolKey, pool.leftOn])).toEqual([
      ['community_secretary', '2026-11-01'],
      ['community_secretary', null],
    ]);
  });

  it('refuses persons and grids outside the writer’s scope and audits every write', async () => {
    const outside = await call('leader11', 'POST', '/api/talent', { personId: zhao, tier: 'young' });
    expect(outside.statusCode).toBe(404);
    expect((await call('leader11', 'GET', `/api/talent/${zhao}`)).statusCode).toBe(404);
    const foreignGrid = await call('leader11', 'PATCH', `/api/talent/${wang}`, { gridCode: M21 });
    expect(foreignGrid.statusCode).toBe(422);
    const moved = await call('leader11', 'PATCH', `/api/talent/${wang}`, { gridCode: M112, field: null });
    expect(moved.statusCode, moved.body).toBe(200);
    const actions = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_log where action like 'talent.%'
        or action like 'reserve_pool.%' or action like 'training.%' or action like 'certificate.%' order by id`),
    ).map((row) => row.action);
    expect(actions).toEqual([
      'talent.create',
      'talent.tier',
      'talent.tier',
      'talent.create',
      'reserve_pool.nominate',
      'reserve_pool.leave',
      'reserve_pool.nominate',
      'reserve_pool.create',
      'training.create',
      'training.create',
      'certificate.create',
      'talent.update',
    ]);
  });
});
