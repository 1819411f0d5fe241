import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import {
  A11,
  A12,
  M111,
  M112,
  M21,
  PASSWORD,
  S1,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';

type Headers = { authorization: string };
interface Category {
  key: string;
  count: number;
  members: { id: number; name: string; phone: string | null; gridCode: string; until: string | null }[];
}
interface Forces {
  preset: string;
  total: number;
  categories: Category[];
}

describe('grid forces: presets, members with history, the dispatchable list', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  /** What the test added, to count from: [grid, category, ended] */
  const added: { grid: string; category: string; id: number; ended?: boolean }[] = [];

  async function add(who: string, grid: string, body: Record<string, unknown>, status = 201) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${grid}/forces`,
      headers: as[who],
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(status);
    return response.json<{ id: number; name: string; phone: string | null; category: string }>();
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'leader11', 'area11', 'worker111', 'dept1', 'centre1']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
  });
  afterAll(async () => t.close());

  it('ships the "1+4+X" and "1+6" presets, "1+4+X" active by default', async () => {
    const response = await t.app.inject({ url: '/api/force-categories', headers: as.leader11 });
    const body = response.json<{
      activePreset: string;
      presets: string[];
      items: { key: string; preset: string }[];
    }>();
    expect(body.activePreset).toBe('1+4+X');
    expect(body.presets).toEqual(['1+4+X', '1+6']);
    expect(body.items.map((item) => item.key)).toEqual([
      'grid_lead',
      'administrative',
      'organisational',
      'auxiliary',
      'co_governance',
      'other_forces',
    ]);
    const six = await t.app.inject({ url: '/api/force-categories?preset=1%2B6', headers: as.leader11 });
    expect(six.json<{ items: unknown[] }>().items).toHaveLength(7);
  });

  it('adds members to grids with masked phones, refuses out-of-scope grids and bad references', async () => {
    const person = await buildPerson(t.services, { gridCode: M111, name: '李网格', phone: '13812345678' });
    const worker = await add('leader11', M111, {
      category: 'auxiliary',
      personId: person.id,
      since: '2025-01-01',
      duty: '专职网格员',
    });
    expect(worker).toMatchObject({ name: '李网格', phone: '138****5678', category: 'auxiliary' });
    added.push({ grid: M111, category: 'auxiliary', id: worker.id });
    const users = rowsOf<{ id: number; username: string }>(
      await t.database.db.execute(sql`select id, username from users`),
    );
    const cadre = await add('leader11', A11, {
      category: 'administrative',
      userId: users.find((user) => user.username === 'dept1')!.id,
      since: '2025-01-01',
    });
    expect(cadre.name).toBe('dept1');
    added.push({ grid: A11, category: 'administrative', id: cadre.id });
    const volunteer = await buildPerson(t.services, { gridCode: M112, name: '志愿者' });
    const x = await add('admin', M112, {
      category: 'other_forces',
      personId: volunteer.id,
      since: '2025-06-01',
    });
    added.push({ grid: M112, category: 'other_forces', id: x.id });
    const elsewhere = await add('admin', A12, {
      category: 'auxiliary',
      personId: volunteer.id,
      since: '2025-06-01',
    });
    added.push({ grid: A12, category: 'auxiliary', id: elsewhere.id });

    await add('leader11', M21, { category: 'auxiliary', personId: person.id, since: '2025-01-01' }, 404);
    await add('worker111', M111, { category: 'auxiliary', personId: person.id, since: '2025-01-01' }, 403);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${M111}/forces`,
      headers: as.leader11,
      payload: { category: 'no_such', personId: 999999, since: '2025-01-01', until: '2024-01-01' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: { field: string }[] }>()
        .errors.map((error) => error.field)
        .sort(),
    ).toEqual(['/body/category', '/body/personId', '/body/until']);
  });

  it('lists the forces of a grid by category, rolled up over its descendants, with history', async () => {
    const end = await t.app.inject({
      method: 'POST',
      url: `/api/forces/${added[2]!.id}/end`,
      headers: as.admin,
      payload: { until: '2026-01-01' },
    });
    expect(end.statusCode, end.body).toBe(200);
    added[2]!.ended = true;
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/forces/${added[2]!.id}/end`,
      headers: as.admin,
      payload: { until: '2026-02-01' },
    });
    expect(again.statusCode).toBe(409);

    for (const grid of [S1, A11, M111]) {
      const body = (
        await t.app.inject({ url: `/api/grids/${grid}/forces`, headers: as.leader11 })
      ).json<Forces>();
      if (grid === S1) {
        // leader11 is bound to A11: the street is out of his scope
        expect(body).not.toHaveProperty('categories');
        continue;
      }
      const inside = added.filter(
        (row) => !row.ended && (grid === A11 ? [A11, M111, M112].includes(row.grid) : row.grid === grid),
      );
      expect(body.total).toBe(inside.length);
      for (const category of body.categories) {
        expect(category.count, `${grid} ${category.key}`).toBe(
          inside.filter((row) => row.category === category.key).length,
        );
      }
      expect(body.categories.map((category) => category.key)).toContain('grid_lead');
    }
    const street = (
      await t.app.inject({ url: `/api/grids/${S1}/forces`, headers: as.centre1 })
    ).json<Forces>();
    expect(street.total).toBe(added.filter((row) => !row.ended).length);
    const history = (
      await t.app.inject({ url: `/api/grids/${S1}/forces?history=true`, headers: as.centre1 })
    ).json<Forces>();
    expect(history.total).toBe(added.length);
    const past = (
      await t.app.inject({ url: `/api/grids/${S1}/forces?at=2025-03-01`, headers: as.centre1 })
    ).json<Forces>();
    expect(past.total).toBe(2); // the June members had not started
    // departments see names masked
    const department = (
      await t.app.inject({ url: `/api/grids/${M111}/forces`, headers: as.dept1 })
    ).json<Forces>();
    expect(department.categories.find((category) => category.key === 'auxiliary')!.members[0]!.name).toBe(
      '李**',
    );
  });

  it('gives the area leader the dispatchable forces of the area and its sub-grids plus sunk staff', async () => {
    const officer = await buildPerson(t.services, { gridCode: M112, name: '执法队员', phone: '13700001111' });
    const position = await t.app.inject({
      method: 'POST',
      url: `/api/grids/${M112}/positions`,
      headers: as.admin,
      payload: { kind: 'law_enforcement', personId: officer.id, duty: '城管执法', from: '2025-01-01' },
    });
    expect(position.statusCode, position.body).toBe(201);
    // the street's sunk staff serve its areas; another area's do not
    for (const [grid, name] of [
      [S1, '街道包保干部'],
      [A12, '东片区执法'],
    ] as const) {
      const holder = await buildPerson(t.services, { gridCode: M112, name, phone: null });
      const appointed = await t.app.inject({
        method: 'POST',
        url: `/api/grids/${grid}/positions`,
        headers: as.admin,
        payload: { kind: 'department_staff', personId: holder.id, from: '2025-01-01' },
      });
      expect(appointed.statusCode, appointed.body).toBe(201);
    }
    const response = await t.app.inject({
      url: `/api/grids/${M111}/forces/dispatchable`,
      headers: as.area11,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      area: { code: string };
      categories: Category[];
      sunkStaff: { name: string; phone: string; kind: string; gridCode: string }[];
      total: number;
    }>();
    expect(body.area.code).toBe(A11);
    const inArea = added.filter((row) => !row.ended && [A11, M111, M112].includes(row.grid));
    expect(body.categories.reduce((sum, category) => sum + category.count, 0)).toBe(inArea.length);
    expect(body.sunkStaff).toEqual([
      {
        positionId: expect.any(Number),
        kind: 'department_staff',
        duty: null,
        gridCode: S1,
        name: '街道包保干部',
        phone: null,
      },
      {
        positionId: expect.any(Number),
        kind: 'law_enforcement',
        duty: '城管执法',
        gridCode: M112,
        name: '执法队员',
        phone: '137****1111',
      },
    ]);
    expect(body.total).toBe(inArea.length + 2);
    // A12's member is not the A11 area's force
    expect(
      body.categories.flatMap((category) => category.members.map((member) => member.gridCode)),
    ).not.toContain(A12);
  });

  it('lets the administrator switch the preset and add categories; others may not', async () => {
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/api/force-preset',
      headers: as.leader11,
      payload: { preset: '1+6' },
    });
    expect(refused.statusCode).toBe(403);
    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/api/force-preset',
      headers: as.admin,
      payload: { preset: '9+9' },
    });
    expect(unknown.statusCode).toBe(422);
    const switched = await t.app.inject({
      method: 'PUT',
      url: '/api/force-preset',
      headers: as.admin,
      payload: { preset: '1+6' },
    });
    expect(switched.json()).toEqual({ activePreset: '1+6' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/force-categories',
      headers: as.admin,
      payload: {
        key: 'retired_teacher',
        nameZh: '退休教师',
        nameEn: 'Retired teacher',
        dispatchGroup: 'social_mobilisation',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<{ preset: string }>().preset).toBe('1+6');
    const forces = (
      await t.app.inject({ url: `/api/grids/${M111}/forces`, headers: as.leader11 })
    ).json<Forces>();
    expect(forces.preset).toBe('1+6');
    const keys = forces.categories.map((category) => category.key);
    // the 1+6 categories first, with zero counts; the old preset's category still shows its member
    expect(keys.slice(0, 8)).toEqual([
      'dedicated_grid_worker',
      'cadre',
      'veteran',
      'social_volunteer',
      'property_building_leader',
      'resident_unit_leader',
      'party_member_force',
      'retired_teacher',
    ]);
    expect(forces.categories.find((category) => category.key === 'auxiliary')!.count).toBe(1);
    const portrait = (await t.app.inject({ url: `/api/grids/${M111}/portrait`, headers: as.leader11 })).json<{
      forces: {
        preset: string;
        categoriesWithoutMembers: string[];
        byCategory: { key: string; count: number }[];
      };
    }>();
    expect(portrait.forces.preset).toBe('1+6');
    expect(portrait.forces.categoriesWithoutMembers).toHaveLength(8);
    expect(portrait.forces.byCategory.find((row) => row.key === 'auxiliary')!.count).toBe(1);

    const retired = await t.app.inject({
      method: 'PATCH',
      url: '/api/force-categories/retired_teacher',
      headers: as.admin,
      payload: { retired: true },
    });
    expect(retired.json<{ retired: boolean }>().retired).toBe(true);
    const after = (await t.app.inject({ url: '/api/force-categories', headers: as.admin })).json<{
      items: { key: string }[];
    }>();
    expect(after.items.map((item) => item.key)).not.toContain('retired_teacher');
    const [audits] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from audit_log where action like 'force%'`),
    );
    expect(audits!.n).toBe(added.length + 1 + 3); // members, one end, preset + category create + update
  });
});
