import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../core/audit.js';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import {
  A11,
  M111,
  M112,
  M21,
  PASSWORD,
  S1,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';

type Headers = { authorization: string };
interface Organisation {
  id: number;
  path: string;
  depth: number;
  gridCode: string;
  parentId: number | null;
  kind: string;
  members: number;
  retiredOn: string | null;
}

describe('party organisations, members, registrations, co-building units and alliances through the API', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  let buildingCode: string;
  let householdId: number;

  async function auditCount(prefix: string): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from audit_log where action like ${`${prefix}%`}`,
      ),
    );
    return row!.n;
  }

  async function post<T>(who: string, url: string, payload: unknown, status = 201): Promise<T> {
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers: as[who],
      payload: payload as object,
    });
    expect(response.statusCode, response.body).toBe(status);
    return response.json<T>();
  }

  async function createOrganisation(body: Record<string, unknown>, who = 'admin'): Promise<Organisation> {
    return post<Organisation>(who, '/api/party/organisations', body);
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await t.services.accounts.createUser(
      {
        username: 'leader21',
        displayName: 'leader21',
        password: PASSWORD,
        roles: ['grid_leader'],
        grids: [M21],
      },
      systemActor,
    );
    for (const username of ['admin', 'leader11', 'leader21', 'worker111', 'dept1', 'centre1']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
    const [grid] = rowsOf<{ id: number }>(
      await t.database.db.execute(sql`select id from grids where code = ${M111}`),
    );
    buildingCode = 'B-M111-1';
    await t.database.db.execute(
      sql`insert into buildings (grid_id, code, name) values (${grid!.id}, ${buildingCode}, '1号楼')`,
    );
    const [household] = rowsOf<{ id: number }>(
      await t.database.db.execute(
        sql`insert into households (grid_id, number) values (${grid!.id}, 'H-1') returning id`,
      ),
    );
    householdId = household!.id;
  });
  afterAll(async () => t.close());

  it('builds the vertical line committee → branch → building group → household, linked to grids', async () => {
    const committee = await createOrganisation({
      name: '一号社区大党委',
      kind: 'community_committee',
      gridCode: S1,
    });
    expect(committee).toMatchObject({ path: `/${committee.id}/`, depth: 0, gridCode: S1, parentId: null });
    const branch = await createOrganisation({
      name: '西片区网格党支部',
      kind: 'grid_branch',
      parentId: committee.id,
      gridCode: A11,
    });
    expect(branch).toMatchObject({ path: `/${committee.id}/${branch.id}/`, depth: 1, gridCode: A11 });
    const group = await createOrganisation({
      name: '1号楼党小组',
      kind: 'building_group',
      parentId: branch.id,
      gridCode: M111,
      buildingCode,
    });
    expect(group.path).toBe(`${branch.path}${group.id}/`);
    const household = await createOrganisation({
      name: '党员中心户',
      kind: 'member_household',
      parentId: group.id,
      gridCode: M111,
      householdId,
    });
    expect(household.depth).toBe(3);

    const tree = await t.app.inject({ url: `/api/party/organisations?grid=${S1}`, headers: as.admin });
    expect(tree.json<{ items: Organisation[] }>().items.map((item) => item.id)).toEqual([
      committee.id,
      branch.id,
      group.id,
      household.id,
    ]);
  });

  it('refuses organisations that break the kind rule or lie outside their parent grid, and writes nothing', async () => {
    const committee = await createOrganisation({
      name: '二号大党委',
      kind: 'community_committee',
      gridCode: S1,
    });
    const before = await auditCount('party_organisation.');
    const cases = [
      { name: 'x', kind: 'grid_branch', parentId: committee.id, gridCode: M21 }, // S2's grid under S1's committee
      { name: 'x', kind: 'building_group', parentId: committee.id, gridCode: M111, buildingCode }, // skips a level
      { name: 'x', kind: 'grid_branch', gridCode: A11 }, // a branch needs a committee
      { name: 'x', kind: 'member_household', parentId: committee.id, gridCode: M111 }, // no household
    ];
    for (const body of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/party/organisations',
        headers: as.admin,
        payload: body,
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json<{ errors: unknown[] }>().errors.length).toBeGreaterThan(0);
    }
    expect(await auditCount('party_organisation.')).toBe(before);
  });

  it('moves a branch with its subtree, refuses a move into its own subtree, and retires only empty organisations', async () => {
    const first = await createOrganisation({ name: '甲大党委', kind: 'community_committee', gridCode: S1 });
    const second = await createOrganisation({ name: '乙大党委', kind: 'community_committee', gridCode: S1 });
    const branch = await createOrganisation({
      name: '甲支部',
      kind: 'grid_branch',
      parentId: first.id,
      gridCode: A11,
    });
    const group = await createOrganisation({
      name: '甲党小组',
      kind: 'building_group',
      parentId: branch.id,
      gridCode: M111,
      buildingCode,
    });

    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/party/organisations/${branch.id}`,
      headers: as.admin,
      payload: { parentId: second.id },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<Organisation>()).toMatchObject({
      parentId: second.id,
      path: `/${second.id}/${branch.id}/`,
    });
    const child = await t.app.inject({ url: `/api/party/organisations/${group.id}`, headers: as.admin });
    expect(child.json<Organisation>().path).toBe(`/${second.id}/${branch.id}/${group.id}/`);

    // committees may nest; a committee cannot go under its own descendant
    const nest = await t.app.inject({
      method: 'PATCH',
      url: `/api/party/organisations/${first.id}`,
      headers: as.admin,
      payload: { parentId: second.id },
    });
    expect(nest.statusCode, nest.body).toBe(200);
    expect(nest.json<Organisation>()).toMatchObject({ depth: 1, path: `/${second.id}/${first.id}/` });
    const loop = await t.app.inject({
      method: 'PATCH',
      url: `/api/party/organisations/${second.id}`,
      headers: as.admin,
      payload: { parentId: first.id },
    });
    expect(loop.statusCode).toBe(400);

    // a grid that would leave the building group outside it
    const regrid = await t.app.inject({
      method: 'PATCH',
      url: `/api/party/organisations/${branch.id}`,
      headers: as.admin,
      payload: { gridCode: M112 },
    });
    expect(regrid.statusCode).toBe(400);

    const busy = await post<{ code: string }>(
      'admin',
      `/api/party/organisations/${branch.id}/retire`,
      { on: '2026-11-25' },
      409,
    );
    expect(busy.code).toBe('organisation_has_children');
    await post('admin', `/api/party/organisations/${group.id}/retire`, { on: '2026-11-25' }, 200);
    const retired = await post<Organisation>(
      'admin',
      `/api/party/organisations/${branch.id}/retire`,
      { on: '2026-11-25' },
      200,
    );
    expect(retired.retiredOn).toBe('2026-11-25');
    const active = await t.app.inject({ url: `/api/party/organisations?grid=${A11}`, headers: as.admin });
    expect(active.json<{ items: Organisation[] }>().items.map((item) => item.id)).not.toContain(branch.id);
  });

  it("a grid leader sees his grids' organisations only; others answer 404", async () => {
    const committee = await createOrganisation({
      name: '丙大党委',
      kind: 'community_committee',
      gridCode: S1,
    });
    const branch = await createOrganisation(
      { name: '丙支部', kind: 'grid_branch', parentId: committee.id, gridCode: A11 },
      'admin',
    );
    const own = await t.app.inject({ url: `/api/party/organisations/${branch.id}`, headers: as.leader11 });
    expect(own.statusCode).toBe(200);
    const tree = await t.app.inject({ url: '/api/party/organisations', headers: as.leader11 });
    const ids = tree.json<{ items: Organisation[] }>().items.map((item) => item.id);
    expect(ids).toContain(branch.id);
    expect(ids).not.toContain(committee.id);
    for (const url of [
      `/api/party/organisations/${branch.id}`,
      `/api/party/organisations/${branch.id}/members`,
    ]) {
      expect((await t.app.inject({ url, headers: as.leader21 })).statusCode).toBe(404);
    }
    expect(
      (await t.app.inject({ url: `/api/party/organisations/${committee.id}`, headers: as.leader11 }))
        .statusCode,
    ).toBe(404);
    const foreign = await t.app.inject({
      method: 'PATCH',
      url: `/api/party/organisations/${branch.id}`,
      headers: as.leader21,
      payload: { name: '改名' },
    });
    expect(foreign.statusCode).toBe(404);
    // the grid leader writes inside his grids; a grid worker may not write at all
    const mine = await t.app.inject({
      method: 'POST',
      url: '/api/party/organisations',
      headers: as.leader11,
      payload: {
        name: '丙党小组',
        kind: 'building_group',
        parentId: branch.id,
        gridCode: M111,
        buildingCode,
      },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const worker = await t.app.inject({
      method: 'POST',
      url: '/api/party/organisations',
      headers: as.worker111,
      payload: { name: '丁', kind: 'community_committee', gridCode: M111 },
    });
    expect(worker.statusCode).toBe(403);
  });

  it('keeps members with history: add, refuse non-members and duplicates, end', async () => {
    const committee = await createOrganisation({
      name: '丁大党委',
      kind: 'community_committee',
      gridCode: S1,
    });
    const branch = await createOrganisation({
      name: '丁支部',
      kind: 'grid_branch',
      parentId: committee.id,
      gridCode: A11,
    });
    const secretary = await buildPerson(t.services, {
      gridCode: M111,
      name: '王书记',
      politicalStatus: 'cpc_member',
    });
    const masses = await buildPerson(t.services, { gridCode: M111, name: '群众甲' });
    const url = `/api/party/organisations/${branch.id}/members`;
    const added = await post<{ id: number; role: string; name: string }>('leader11', url, {
      personId: secretary.id,
      role: 'secretary',
      since: '2024-01-01',
      joinedPartyOn: '1999-07-01',
    });
    expect(added).toMatchObject({ role: 'secretary', name: '王书记' });
    await post('leader11', url, { personId: masses.id, role: 'member', since: '2024-01-01' }, 400);
    await post('leader11', url, { personId: secretary.id, role: 'member', since: '2025-01-01' }, 409);
    await post('leader11', `/api/party/members/${added.id}/end`, { until: '2023-01-01' }, 422);
    await post('leader11', `/api/party/members/${added.id}/end`, { until: '2026-01-01' }, 200);
    await post('leader11', `/api/party/members/${added.id}/end`, { until: '2026-02-01' }, 409);
    await post('leader11', url, { personId: secretary.id, role: 'member', since: '2026-01-01' });

    const current = (await t.app.inject({ url, headers: as.leader11 })).json<{ items: { role: string }[] }>();
    expect(current.items.map((item) => item.role)).toEqual(['member']);
    const history = (await t.app.inject({ url: `${url}?history=true`, headers: as.leader11 })).json<{
      items: { role: string; until: string | null }[];
    }>();
    expect(history.items.map((item) => [item.role, item.until])).toEqual([
      ['secretary', '2026-01-01'],
      ['member', null],
    ]);
    // departments see member names masked, as they see the roster
    const department = (await t.app.inject({ url, headers: as.dept1 })).json<{ items: { name: string }[] }>();
    expect(department.items[0]!.name).toBe('王**');
    expect(await auditCount('party_member.')).toBe(3);
    const retire = await post<{ code: string }>(
      'admin',
      `/api/party/organisations/${branch.id}/retire`,
      { on: '2026-11-25' },
      409,
    );
    expect(retire.code).toBe('organisation_has_members');
  });

  it('registers in-service members and their service records', async () => {
    const member = await buildPerson(t.services, {
      gridCode: M111,
      name: '在职党员',
      politicalStatus: 'cpc_member',
    });
    const registration = await post<{ id: number }>('leader11', '/api/party/registrations', {
      personId: member.id,
      workUnit: '区财政局',
      gridCode: A11,
      registeredOn: '2025-03-01',
    });
    await post(
      'leader11',
      '/api/party/registrations',
      {
        personId: member.id,
        workUnit: '区财政局',
        gridCode: A11,
        registeredOn: '2025-03-02',
      },
      409,
    );
    const recordsUrl = `/api/party/registrations/${registration.id}/service-records`;
    await post('leader11', recordsUrl, { servedOn: '2025-04-01', hours: 2.5, description: '楼道清洁' });
    await post('leader11', recordsUrl, {
      servedOn: '2025-05-01',
      hours: 3,
      description: '微心愿',
      gridCode: M112,
    });
    await post('leader11', recordsUrl, { servedOn: '2025-01-01', hours: 1, description: '报到前' }, 400);
    const list = (
      await t.app.inject({ url: `/api/party/registrations?grid=${A11}`, headers: as.leader11 })
    ).json<{
      items: { id: number; serviceCount: number; serviceHours: number }[];
    }>();
    expect(list.items.find((item) => item.id === registration.id)).toMatchObject({
      serviceCount: 2,
      serviceHours: 5.5,
    });
    const records = (await t.app.inject({ url: recordsUrl, headers: as.leader11 })).json<{
      items: { gridCode: string }[];
    }>();
    expect(records.items.map((item) => item.gridCode)).toEqual([A11, M112]);
    expect((await t.app.inject({ url: recordsUrl, headers: as.leader21 })).statusCode).toBe(404);
  });

  it('records co-building units with contacts (phones masked) and strengths, and alliances of units', async () => {
    const contact = await buildPerson(t.services, { gridCode: M111, name: '联络员', phone: '13912345678' });
    const unit = await post<{
      id: number;
      contacts: { name: string; phone: string }[];
      strengths: { id: number; type: string; quantity: number | null }[];
    }>('leader11', '/api/co-building-units', {
      name: '区图书馆',
      kind: 'public_institution',
      gridCode: M111,
      agreementSignedOn: '2024-06-01',
      contacts: [{ personId: contact.id, role: '党支部书记' }],
      strengths: [
        { type: 'venues', description: '阅览室', quantity: 200, measure: '平方米' },
        { type: 'volunteers', description: '读书会志愿者', quantity: 12, measure: '人' },
      ],
    });
    expect(unit.contacts).toEqual([
      { personId: contact.id, name: '联络员', phone: '139****5678', role: '党支部书记' },
    ]);
    expect(unit.strengths.map((strength) => [strength.type, strength.quantity])).toEqual([
      ['venues', 200],
      ['volunteers', 12],
    ]);
    const more = await post<{ strengths: unknown[] }>(
      'leader11',
      `/api/co-building-units/${unit.id}/strengths`,
      {
        type: 'expertise',
        description: '古籍修复讲座',
      },
      200,
    );
    expect(more.strengths).toHaveLength(3);
    const removeUrl = `/api/co-building-units/${unit.id}/strengths/${unit.strengths[1]!.id}`;
    const removed = await t.app.inject({ method: 'DELETE', url: removeUrl, headers: as.leader11 });
    expect(
      removed.json<{ strengths: { type: string }[] }>().strengths.map((strength) => strength.type),
    ).toEqual(['venues', 'expertise']);
    expect((await t.app.inject({ method: 'DELETE', url: removeUrl, headers: as.leader11 })).statusCode).toBe(
      404,
    );
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/co-building-units/${unit.id}`,
      headers: as.leader11,
      payload: { address: '友谊路1号', contacts: [] },
    });
    expect(patched.json()).toMatchObject({ address: '友谊路1号', contacts: [] });
    const filtered = (
      await t.app.inject({ url: `/api/co-building-units?strength=expertise`, headers: as.leader11 })
    ).json<{
      items: { id: number }[];
      total: number;
    }>();
    expect(filtered.items.map((item) => item.id)).toEqual([unit.id]);
    expect(
      (await t.app.inject({ url: `/api/co-building-units/${unit.id}`, headers: as.leader21 })).statusCode,
    ).toBe(404);
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/co-building-units',
      headers: as.leader11,
      payload: { name: '区图书馆', kind: 'other', gridCode: M111 },
    });
    expect(duplicate.statusCode).toBe(409);

    const alliance = await post<{ id: number }>('leader11', '/api/party/alliances', {
      name: '友谊红色党建联盟',
      gridCode: A11,
      foundedOn: '2025-07-01',
    });
    const joined = await post<{ members: { unitId: number; name: string }[] }>(
      'leader11',
      `/api/party/alliances/${alliance.id}/members`,
      { unitId: unit.id, joinedOn: '2025-07-01' },
      200,
    );
    expect(joined.members).toMatchObject([{ unitId: unit.id, name: '区图书馆' }]);
  });

  it('gives portrait numbers for party, forces and co-building equal to a count of the inserted rows', async () => {
    // a street of its own for this test: S2 and its community M21, nothing else written there before
    const committee = await createOrganisation({
      name: '二号社区大党委',
      kind: 'community_committee',
      gridCode: M21,
    });
    const branches = [
      await createOrganisation({
        name: '支部一',
        kind: 'grid_branch',
        parentId: committee.id,
        gridCode: M21,
      }),
      await createOrganisation({
        name: '支部二',
        kind: 'special_branch',
        parentId: committee.id,
        gridCode: M21,
      }),
    ];
    const people = [];
    for (let i = 0; i < 5; i += 1) {
      people.push(await buildPerson(t.services, { gridCode: M21, politicalStatus: 'cpc_member' }));
    }
    // person 0 in both branches (counted once), person 4 ended before today (not counted)
    const memberships = [
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 0],
    ] as const;
    const ids: number[] = [];
    for (const [person, branch] of memberships) {
      const row = await post<{ id: number }>(
        'admin',
        `/api/party/organisations/${branches[branch]!.id}/members`,
        {
          personId: people[person]!.id,
          role: 'member',
          since: '2024-01-01',
        },
      );
      ids.push(row.id);
    }
    await post('admin', `/api/party/members/${ids[5]}/end`, { until: '2025-01-01' }, 200);
    const expectedMembers = new Set(memberships.filter((_, i) => i !== 5).map(([person]) => person)).size;

    const units = [
      {
        name: '单位甲',
        strengths: [
          { type: 'funds', description: '资金', quantity: 5 },
          { type: 'venues', description: '场地', quantity: 100 },
        ],
      },
      { name: '单位乙', strengths: [{ type: 'funds', description: '资金', quantity: 3 }] },
      { name: '单位丙', strengths: [] },
    ];
    for (const unit of units) {
      await post('admin', '/api/co-building-units', {
        name: unit.name,
        kind: 'other',
        gridCode: M21,
        strengths: unit.strengths,
      });
    }
    const forces = [
      { category: 'auxiliary', person: 0 },
      { category: 'auxiliary', person: 1 },
      { category: 'co_governance', person: 2 },
    ];
    for (const force of forces) {
      await post('admin', `/api/grids/${M21}/forces`, {
        category: force.category,
        personId: people[force.person]!.id,
        since: '2025-01-01',
      });
    }
    await post('admin', '/api/party/registrations', {
      personId: people[3]!.id,
      workUnit: '区教育局',
      gridCode: M21,
      registeredOn: '2025-01-01',
    });

    const portrait = (await t.app.inject({ url: `/api/grids/${M21}/portrait`, headers: as.admin })).json<{
      party: {
        members: number;
        organisations: number;
        organisationsByKind: { kind: string; count: number }[];
        inServiceMembers: number;
      };
      forces: {
        preset: string;
        total: number;
        byCategory: { key: string; count: number }[];
        categoriesWithoutMembers: string[];
      };
      coBuilding: { units: number; strengthsByType: { type: string; count: number; quantity: number }[] };
    }>();
    expect(portrait.party).toEqual({
      members: expectedMembers,
      organisations: 3,
      organisationsByKind: [
        { kind: 'community_committee', count: 1 },
        { kind: 'grid_branch', count: 1 },
        { kind: 'special_branch', count: 1 },
      ],
      inServiceMembers: 1,
    });
    const countOf = (key: string) => forces.filter((force) => force.category === key).length;
    expect(portrait.forces.total).toBe(forces.length);
    expect(portrait.forces.byCategory.find((row) => row.key === 'auxiliary')!.count).toBe(
      countOf('auxiliary'),
    );
    expect(portrait.forces.byCategory.find((row) => row.key === 'co_governance')!.count).toBe(
      countOf('co_governance'),
    );
    expect(portrait.forces.categoriesWithoutMembers.sort()).toEqual(
      ['grid_lead', 'administrative', 'organisational', 'other_forces'].sort(),
    );
    const strengths = units.flatMap((unit) => unit.strengths);
    expect(portrait.coBuilding).toEqual({
      units: units.length,
      strengthsByType: [...new Set(strengths.map((strength) => strength.type))].sort().map((type) => ({
        type,
        count: strengths.filter((strength) => strength.type === type).length,
        quantity: strengths
          .filter((strength) => strength.type === type)
          .reduce((sum, s) => sum + s.quantity, 0),
      })),
    });
  });
});
