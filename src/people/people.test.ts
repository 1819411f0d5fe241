import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import {
  A11,
  D,
  M111,
  M112,
  M21,
  PASSWORD,
  S1,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';
import { makeIdNumber } from './identity.js';

type Headers = { authorization: string };

interface PersonBody {
  id: number;
  name: string;
  idNumber: string | null;
  phone: string | null;
  birthDate: string | null;
  masked: boolean;
  gridCode: string;
  specialGroups?: { group: string }[];
}

/** The fixture residents; the portrait test counts from this list, not from the database. */
const RESIDENTS = [
  {
    name: '张三丰',
    gridCode: M111,
    idNumber: makeIdNumber('310113', '1940-04-09', 11),
    phone: '13812345678',
    householdNumber: 'H-1',
    householdHead: true,
    specialGroups: [{ group: 'elderly_alone', since: '2024-01-01' }],
  },
  {
    name: '李四',
    gridCode: M111,
    idNumber: makeIdNumber('310113', '1985-06-01', 22),
    phone: '13900000002',
    householdNumber: 'H-1',
  },
  {
    name: '王五',
    gridCode: M112,
    idNumber: makeIdNumber('310113', '2012-02-02', 33),
    householdNumber: 'H-2',
    specialGroups: [{ group: 'disabled' }, { group: 'child_in_difficulty' }],
  },
  { name: '赵六', gridCode: M21, idNumber: makeIdNumber('310113', '1970-07-07', 44), householdNumber: 'H-9' },
  { name: '钱七', gridCode: M21, phone: '13700000007' },
] as const;

const ORGANISATIONS = [
  { name: '友谊便利店', kind: 'shop', gridCode: M111 },
  { name: '宝林科技有限公司', kind: 'firm', gridCode: M112 },
  { name: '宝林面馆', kind: 'shop', gridCode: M112 },
  { name: '二号小学', kind: 'school', gridCode: M21 },
] as const;

describe('people, masking, special groups, positions and the portrait through the API', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  const ids: number[] = [];

  async function auditCount(action: string): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from audit_log where action = ${action}`),
    );
    return row!.n;
  }

  async function counts() {
    const [row] = rowsOf<{ persons: number; households: number; audit: number; members: number }>(
      await t.database.db.execute(sql`select (select count(*)::int from persons) as persons,
        (select count(*)::int from households) as households, (select count(*)::int from audit_log) as audit,
        (select count(*)::int from special_group_members) as members`),
    );
    return row!;
  }

  async function get<T>(who: string, url: string): Promise<{ status: number; body: T }> {
    const response = await t.app.inject({ url, headers: as[who] });
    return { status: response.statusCode, body: response.json<T>() };
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { dataKey: Buffer.alloc(32, 3).toString('base64') } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of [
      'admin',
      'district',
      'centre1',
      'area11',
      'leader11',
      'worker111',
      'dept1',
      'resident111',
    ]) {
      as[username] = await login(t.app, username, PASSWORD);
    }
    for (const resident of RESIDENTS) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/people',
        headers: as.admin,
        payload: resident,
      });
      expect(response.statusCode, response.body).toBe(201);
      ids.push(response.json<PersonBody>().id);
    }
    for (const organisation of ORGANISATIONS) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/organisations',
        headers: as.admin,
        payload: organisation,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  });
  afterAll(async () => t.close());

  it('stores ID numbers and phones only encrypted: the raw row holds neither', async () => {
    const rows = rowsOf<{ row: string }>(
      await t.database.db.execute(sql`select row_to_json(p)::text as row from persons p`),
    );
    const all = rows.map((row) => row.row).join('\n');
    for (const resident of RESIDENTS) {
      if ('idNumber' in resident) {
        expect(all).not.toContain(resident.idNumber);
        expect(all).not.toContain(resident.idNumber.slice(6, 14));
      }
      if ('phone' in resident) expect(all).not.toContain(resident.phone);
    }
    // nor does the audit log
    const audit = rowsOf<{ detail: string }>(
      await t.database.db.execute(sql`select detail::text from audit_log`),
    );
    expect(audit.map((row) => row.detail).join('\n')).not.toContain(RESIDENTS[0].idNumber);
  });

  it('finds a person by exact ID number through the keyed hash, and by phone', async () => {
    const lower = RESIDENTS[0].idNumber.toLowerCase();
    const byId = await get<{ items: PersonBody[]; total: number }>('admin', `/api/people?idNumber=${lower}`);
    expect(byId.status).toBe(200);
    expect(byId.body.total).toBe(1);
    expect(byId.body.items[0]!.id).toBe(ids[0]);
    const byPhone = await get<{ total: number; items: PersonBody[] }>(
      'worker111',
      '/api/people?phone=13900000002',
    );
    expect(byPhone.body.items.map((person) => person.name)).toEqual(['李四']);
    const none = await get<{ total: number }>(
      'admin',
      `/api/people?idNumber=${makeIdNumber('310113', '1999-01-01', 1)}`,
    );
    expect(none.body.total).toBe(0);
  });

  it('lists a grid with its descendants, filtered by name prefix and tag', async () => {
    const s1 = await get<{ items: PersonBody[]; total: number }>('admin', `/api/people?grid=${S1}`);
    expect(s1.body.items.map((person) => person.name)).toEqual(['张三丰', '李四', '王五']);
    const named = await get<{ total: number }>(
      'admin',
      `/api/people?grid=${S1}&name=${encodeURIComponent('张')}`,
    );
    expect(named.body.total).toBe(1);
    const page = await get<{ items: PersonBody[]; total: number }>(
      'admin',
      `/api/people?grid=${D}&pageSize=2&page=2`,
    );
    expect(page.body.total).toBe(5);
    expect(page.body.items.map((person) => person.name)).toEqual(['王五', '赵六']);
  });

  it('shows ID numbers and phones masked to a grid worker, who may not unmask', async () => {
    const { body } = await get<PersonBody>('worker111', `/api/people/${ids[0]}`);
    expect(body.idNumber).toBe(`310113********${RESIDENTS[0].idNumber.slice(-4)}`);
    expect(body.phone).toBe('138****5678');
    expect(body.name).toBe('张三丰');
    expect(body.masked).toBe(true);
    const refused = await get<{ code: string }>('worker111', `/api/people/${ids[0]}?unmask=true`);
    expect(refused.status).toBe(403);
  });

  it('unmasks for the grid leader, and writes one audit row per unmasked person, in lists too', async () => {
    const before = await auditCount('person.unmask');
    const { status, body } = await get<PersonBody>('leader11', `/api/people/${ids[0]}?unmask=true`);
    expect(status).toBe(200);
    expect(body.idNumber).toBe(RESIDENTS[0].idNumber);
    expect(body.phone).toBe(RESIDENTS[0].phone);
    expect(body.masked).toBe(false);
    expect(await auditCount('person.unmask')).toBe(before + 1);
    const [row] = rowsOf<{ actor: string; entityKey: string; at: string }>(
      await t.database.db.execute(sql`select actor, entity_key as "entityKey", at::text from audit_log
        where action = 'person.unmask' order by id desc limit 1`),
    );
    expect(row).toMatchObject({ actor: 'leader11', entityKey: String(ids[0]) });

    // a masked read is not audited
    await get('leader11', `/api/people/${ids[0]}`);
    expect(await auditCount('person.unmask')).toBe(before + 1);

    const list = await get<{ items: PersonBody[] }>('leader11', `/api/people?grid=${A11}&unmask=true`);
    expect(list.body.items).toHaveLength(3);
    expect(await auditCount('person.unmask')).toBe(before + 1 + 3);
  });

  it('shows special groups only to the roles that serve them, and their names in full', async () => {
    const serving = ['admin', 'centre1', 'leader11', 'worker111'];
    for (const who of serving) {
      const { body } = await get<PersonBody>(who, `/api/people/${ids[0]}`);
      expect(
        body.specialGroups?.map((group) => group.group),
        who,
      ).toEqual(['elderly_alone']);
      expect(body.name, who).toBe('张三丰');
    }
    for (const who of ['district', 'dept1', 'area11']) {
      const { status, body } = await get<PersonBody>(who, `/api/people/${ids[0]}`);
      expect(status, who).toBe(200);
      expect(body, who).not.toHaveProperty('specialGroups');
    }
    // count-only roles see every name masked, not only the vulnerable ones' (that would give them away)
    const district = await get<{ items: PersonBody[] }>('district', `/api/people?grid=${S1}`);
    expect(district.body.items.map((person) => person.name)).toEqual(['张**', '李*', '王*']);
    expect(district.body.items[0]!.birthDate).toBe('1940');
    // and may not filter by special group either: the filter would answer the question
    expect((await get('district', `/api/people?specialGroup=elderly_alone`)).status).toBe(403);
    const filtered = await get<{ items: PersonBody[] }>(
      'worker111',
      `/api/people?specialGroup=elderly_alone`,
    );
    expect(filtered.body.items.map((person) => person.id)).toEqual([ids[0]]);
  });

  it('refuses grids outside the scope for a worker, a grid leader and a department', async () => {
    const cases: [string, string][] = [
      ['worker111', M112],
      ['worker111', A11 /* the parent of his own micro-grid */],
      ['leader11', M21],
      ['dept1', M21],
      ['centre1', M21],
    ];
    for (const [who, grid] of cases) {
      const response = await get<{ code: string }>(who, `/api/people?grid=${grid}`);
      expect(response.status, `${who} → ${grid}`).toBe(404);
    }
    expect((await get('resident111', `/api/people?grid=${M111}`)).status).toBe(403);
    expect((await t.app.inject({ url: `/api/people?grid=${M111}` })).statusCode).toBe(401);
    // one person outside the scope looks like a missing one
    expect((await get('worker111', `/api/people/${ids[2]}`)).status).toBe(404);
    // without a grid, a worker gets his own grids only
    const own = await get<{ items: PersonBody[] }>('worker111', '/api/people');
    expect(own.body.items.map((person) => person.gridCode)).toEqual([M111, M111]);
  });

  it('refuses bad input with every bad field named, and writes nothing', async () => {
    const before = await counts();
    const badCheck = `${RESIDENTS[0].idNumber.slice(0, 17)}${RESIDENTS[0].idNumber.endsWith('1') ? '2' : '1'}`;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: '甲', gridCode: M111, idNumber: badCheck }, 400, '/body/idNumber'],
      [{ name: '乙', gridCode: M111, phone: '12345678901' }, 400, '/body/phone'],
      [{ name: '丙', gridCode: '310113009' }, 422, '/body/gridCode'],
      [
        { name: '丁', gridCode: M111, specialGroups: [{ group: 'no_such_group' }] },
        400,
        '/body/specialGroups/0/group',
      ],
      [
        {
          name: '戊',
          gridCode: M111,
          idNumber: makeIdNumber('310113', '1990-01-01', 12),
          birthDate: '1991-01-01',
        },
        400,
        '/body/birthDate',
      ],
    ];
    for (const [payload, status, field] of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/api/people', headers: as.admin, payload });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toContain(
        field,
      );
    }
    // a worker cannot write into a grid outside his scope: same answer as an unknown grid
    const outside = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: as.worker111,
      payload: { name: '己', gridCode: M112 },
    });
    expect(outside.statusCode).toBe(422);
    // one record per ID number
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: as.admin,
      payload: { name: '庚', gridCode: M111, idNumber: RESIDENTS[0].idNumber },
    });
    expect(twice.statusCode).toBe(409);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/people/${ids[1]}`,
      headers: as.admin,
      payload: { phone: '1380000' },
    });
    expect(patch.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('changes a person: fields, household and special groups, with the old membership ended', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/people/${ids[2]}`,
      headers: as.leader11,
      payload: { tags: ['重点关注'], specialGroups: [{ group: 'disabled' }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<PersonBody>().specialGroups?.map((group) => group.group)).toEqual(['disabled']);
    const ended = rowsOf<{ until: string | null }>(
      await t.database.db.execute(sql`select until::text from special_group_members
        where person_id = ${ids[2]} and group_key = 'child_in_difficulty'`),
    );
    expect(ended).toEqual([{ until: '2026-11-25' }]);
    const tagged = await get<{ total: number }>(
      'leader11',
      `/api/people?tag=${encodeURIComponent('重点关注')}`,
    );
    expect(tagged.body.total).toBe(1);
    // a department may not change the roster at all; an area leader may not record special groups
    const dept = await t.app.inject({
      method: 'PATCH',
      url: `/api/people/${ids[2]}`,
      headers: as.dept1,
      payload: { tags: [] },
    });
    expect(dept.statusCode).toBe(403);
    const area = await t.app.inject({
      method: 'PATCH',
      url: `/api/people/${ids[2]}`,
      headers: as.area11,
      payload: { specialGroups: [] },
    });
    expect(area.statusCode).toBe(403);
    // put back for the portrait
    await t.app.inject({
      method: 'PATCH',
      url: `/api/people/${ids[2]}`,
      headers: as.admin,
      payload: { tags: [], specialGroups: [{ group: 'disabled' }, { group: 'child_in_difficulty' }] },
    });
  });

  it('keeps positions with history: who held what before and after a change', async () => {
    const appoint = async (payload: Record<string, unknown>, grid = M111) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/grids/${grid}/positions`,
        headers: as.leader11,
        payload,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: number; to: string | null }>();
    };
    const first = await appoint({ kind: 'grid_leader', personId: ids[0], from: '2024-01-01' });
    await appoint({ kind: 'grid_worker_dedicated', personId: ids[1], from: '2024-01-01' });
    const ended = await t.app.inject({
      method: 'POST',
      url: `/api/positions/${first.id}/end`,
      headers: as.leader11,
      payload: { to: '2026-06-01' },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json<{ to: string }>().to).toBe('2026-06-01');
    await appoint({ kind: 'grid_leader', personId: ids[1], from: '2026-06-01' });

    const leaderOn = async (at: string) => {
      const { body } = await get<{ items: { kind: string; holder: { name: string } }[] }>(
        'worker111',
        `/api/grids/${M111}/positions?at=${at}`,
      );
      return body.items.filter((item) => item.kind === 'grid_leader').map((item) => item.holder.name);
    };
    expect(await leaderOn('2025-12-31')).toEqual(['张三丰']);
    expect(await leaderOn('2026-05-31')).toEqual(['张三丰']);
    expect(await leaderOn('2026-06-01')).toEqual(['李四']);
    expect(await leaderOn('2023-12-31')).toEqual([]);
    // 李四 holds two positions at once
    const today = await get<{ items: { kind: string; holder: { name: string } }[] }>(
      'worker111',
      `/api/grids/${M111}/positions`,
    );
    expect(
      today.body.items
        .filter((item) => item.holder.name === '李四')
        .map((item) => item.kind)
        .sort(),
    ).toEqual(['grid_leader', 'grid_worker_dedicated']);
    const history = await get<{ items: unknown[] }>('admin', `/api/grids/${M111}/positions?history=true`);
    expect(history.body.items).toHaveLength(3);
    // ending twice is a conflict; a worker may not appoint; outside the scope is 404
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/positions/${first.id}/end`,
      headers: as.admin,
      payload: { to: '2026-07-01' },
    });
    expect(again.statusCode).toBe(409);
    const byWorker = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${M111}/positions`,
      headers: as.worker111,
      payload: { kind: 'grid_leader', personId: ids[1], from: '2026-01-01' },
    });
    expect(byWorker.statusCode).toBe(403);
    const outside = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${M21}/positions`,
      headers: as.leader11,
      payload: { kind: 'grid_leader', personId: ids[3], from: '2026-01-01' },
    });
    expect(outside.statusCode).toBe(404);
    const noHolder = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${M112}/positions`,
      headers: as.admin,
      payload: { kind: 'building_leader', from: '2026-01-01' },
    });
    expect(noHolder.statusCode).toBe(400);
    expect(noHolder.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([
      '/body/personId',
      '/body/buildingCode',
    ]);
  });

  it('links a user account to a person', async () => {
    const [worker] = rowsOf<{ id: number }>(
      await t.database.db.execute(sql`select id from users where username = 'worker111'`),
    );
    const response = await t.app.inject({
      method: 'PUT',
      url: `/api/people/${ids[1]}/user`,
      headers: as.admin,
      payload: { userId: worker!.id },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ personId: ids[1], userId: worker!.id });
    const byLeader = await t.app.inject({
      method: 'PUT',
      url: `/api/people/${ids[1]}/user`,
      headers: as.leader11,
      payload: { userId: null },
    });
    expect(byLeader.statusCode).toBe(403);
  });

  it('gives portrait numbers equal to a count made from the fixtures, at every level', async () => {
    const subtrees: Record<string, string[]> = {
      [D]: [M111, M112, M21],
      [S1]: [M111, M112],
      [A11]: [M111, M112],
      [M111]: [M111],
      [M21]: [M21],
    };
    for (const [code, grids] of Object.entries(subtrees)) {
      const residents = RESIDENTS.filter((resident) => grids.includes(resident.gridCode));
      const organisations = ORGANISATIONS.filter((organisation) => grids.includes(organisation.gridCode));
      const groupCount = (key: string) =>
        residents.filter((resident) =>
          'specialGroups' in resident
            ? resident.specialGroups.some((group: { group: string }) => group.group === key)
            : false,
        ).length;
      const kinds = [...new Set(organisations.map((organisation) => organisation.kind))].sort();
      const { status, body } = await get<{
        population: number;
        households: number;
        specialGroups: { key: string; count: number }[];
        organisations: { total: number; byKind: { kind: string; count: number }[] };
        positions: {
          byKind: { kind: string; count: number }[];
          microGridsWithoutLeader: number;
          vacantMicroGrids: string[];
        };
      }>('district', `/api/grids/${code}/portrait`);
      expect(status, code).toBe(200);
      expect(body.population, code).toBe(residents.length);
      expect(body.households, code).toBe(
        new Set(
          residents
            .filter((resident) => 'householdNumber' in resident)
            .map((resident) => `${resident.gridCode}/${resident.householdNumber}`),
        ).size,
      );
      expect(Object.fromEntries(body.specialGroups.map((group) => [group.key, group.count])), code).toEqual({
        elderly_alone: groupCount('elderly_alone'),
        child_in_difficulty: groupCount('child_in_difficulty'),
        bereaved_family: 0,
        disabled: groupCount('disabled'),
      });
      expect(body.organisations.total, code).toBe(organisations.length);
      expect(body.organisations.byKind, code).toEqual(
        kinds.map((kind) => ({
          kind,
          count: organisations.filter((organisation) => organisation.kind === kind).length,
        })),
      );
      // only M111 has a micro-grid leader (and a worker) today; M112 is vacant
      const microGrids = grids.filter((grid) => grid !== M21);
      expect(body.positions.vacantMicroGrids, code).toEqual(microGrids.filter((grid) => grid !== M111));
      expect(body.positions.byKind, code).toEqual(
        grids.includes(M111)
          ? [
              { kind: 'grid_leader', count: 1 },
              { kind: 'grid_worker_dedicated', count: 1 },
            ]
          : [],
      );
    }
    // counts are not personal data, but the grid must still be in the reader's scope
    expect((await get('worker111', `/api/grids/${M112}/portrait`)).status).toBe(404);
    expect((await get('worker111', `/api/grids/${M111}/portrait`)).status).toBe(200);
  });

  it('lists organisations of a subtree', async () => {
    const { body } = await get<{ items: { name: string }[]; total: number }>(
      'dept1',
      `/api/organisations?grid=${A11}&kind=shop`,
    );
    expect(body.items.map((organisation) => organisation.name)).toEqual(['友谊便利店', '宝林面馆']);
    expect((await get('dept1', `/api/organisations?grid=${M21}`)).status).toBe(404);
  });
});
