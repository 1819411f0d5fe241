import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../core/audit.js';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import {
  A11,
  M111,
  M112,
  M21,
  PASSWORD,
  S1,
  S2,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';

type Headers = { authorization: string };
interface DepartmentBody {
  id: number;
  name: string;
  gridCode: string;
  users: { id: number; username: string }[];
}
interface DutyBody {
  id: number;
  kind: string;
  gridCode: string | null;
  categoryCode: string | null;
  categoryName: { zh: string; en: string } | null;
  department: { id: number; name: string } | null;
  role: string;
  from: string;
  to: string | null;
  basis: string | null;
  inherited?: boolean;
}
interface SuggestionBody {
  grids: { code: string }[];
  department?: { id: number; name: string };
  cooperating: { id: number; name: string }[];
  handlingGrid?: string;
  selfHandling: boolean;
  reasons: { zh: string; en: string }[];
}
interface KeyAreaBody {
  id: number;
  name: string;
  gridCode: string;
  person: { id: number; name: string } | null;
  department: { id: number; name: string } | null;
}

/** Points of the small map (see test/grid-fixtures.ts). */
const IN_M111 = { lng: 121.42, lat: 31.32 };
const IN_M112 = { lng: 121.42, lat: 31.37 };
const IN_A12 = { lng: 121.47, lat: 31.32 };
const IN_M21 = { lng: 121.52, lat: 31.32 };

describe('departments, responsibility lists, key areas and routing through the API', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};
  const departments: Record<string, number> = {};
  const duties: Record<string, number> = {};
  const userIds: Record<string, number> = {};

  async function count(table: string, where = sql`true`): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`),
    );
    return row!.n;
  }
  async function auditCount(action: string): Promise<number> {
    return count('audit_log', sql`action = ${action}`);
  }
  async function call<T>(
    who: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await t.app.inject({
      method,
      url,
      headers: who ? as[who] : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: response.statusCode, body: response.body ? response.json<T>() : (undefined as T) };
  }
  async function createDuty(who: string, body: Record<string, unknown>): Promise<number> {
    const response = await call<DutyBody>(who, 'POST', '/api/duties', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }
  const suggest = (who: string, query: string) =>
    call<SuggestionBody>(who, 'GET', `/api/routing/suggest?${query}`);

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const [username, grid] of [
      ['dept2', S1],
      ['dept3', S2],
    ] as const) {
      await t.services.accounts.createUser(
        { username, displayName: username, password: PASSWORD, roles: ['department'], grids: [grid] },
        systemActor,
      );
    }
    for (const row of rowsOf<{ id: number; username: string }>(
      await t.database.db.execute(sql`select id, username from users`),
    )) {
      userIds[row.username] = row.id;
    }
    for (const username of ['admin', 'centre1', 'worker111', 'dept1', 'resident111', 'district']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
    // the catalogue module owns these rows; the agreed codes are enough for routing
    await t.database.db.execute(sql`
      insert into event_categories (code, parent_code, level, name_zh, name_en) values
        ('07', null, 1, '消防安全', 'Fire safety'),
        ('0701', '07', 2, '消防通道堵塞', 'Blocked fire lane'),
        ('0702', '07', 2, '消火栓', 'Fire hydrant'),
        ('09', null, 1, '矛盾纠纷', 'Disputes'),
        ('0901', '09', 2, '邻里纠纷', 'Neighbour dispute')
      on conflict (code) do nothing`);
  });
  afterAll(async () => t.close());

  describe('departments', () => {
    it('are recorded by the command centre in its street and by the administrator anywhere', async () => {
      const fire = await call<DepartmentBody>('centre1', 'POST', '/api/departments', {
        name: '消防救援站',
        nameEn: 'Fire rescue station',
        gridCode: S1,
        rank: 1,
      });
      expect(fire.status).toBe(201);
      expect(fire.body).toMatchObject({ name: '消防救援站', gridCode: S1, users: [] });
      departments.fire = fire.body.id;
      for (const [key, name, grid] of [
        ['city', '城管执法中队', S1],
        ['police', '派出所', S1],
        ['east', '二号街道城管', S2],
      ] as const) {
        const response = await call<DepartmentBody>('admin', 'POST', '/api/departments', {
          name,
          gridCode: grid,
        });
        expect(response.status).toBe(201);
        departments[key] = response.body.id;
      }
      expect(await auditCount('department.create')).toBe(4);
      const [organisation] = rowsOf<{ kind: string }>(
        await t.database.db.execute(sql`select kind from organisations where id = ${departments.fire}`),
      );
      expect(organisation!.kind).toBe('department');
    });

    it('refuses writers without the permission or outside their grids, and bad bodies, writing nothing', async () => {
      const before = await count('organisations');
      expect(
        (await call('worker111', 'POST', '/api/departments', { name: '某部门', gridCode: M111 })).status,
      ).toBe(403);
      expect(
        (await call('centre1', 'POST', '/api/departments', { name: '越界部门', gridCode: S2 })).status,
      ).toBe(422);
      expect((await call('centre1', 'POST', '/api/departments', { name: '', gridCode: S1 })).status).toBe(
        400,
      );
      expect((await call(null, 'POST', '/api/departments', { name: '匿名', gridCode: S1 })).status).toBe(401);
      expect(await count('organisations')).toBe(before);
    });

    it('are listed with their users for the readers of the street, not for other streets', async () => {
      const linked = await call<DepartmentBody>(
        'centre1',
        'PUT',
        `/api/departments/${departments.fire}/users`,
        {
          userIds: [userIds.dept1, userIds.dept2],
        },
      );
      expect(linked.status, JSON.stringify(linked.body)).toBe(200);
      expect(linked.body.users.map((user) => user.username)).toEqual(['dept1', 'dept2']);

      const seen = await call<{ items: DepartmentBody[] }>('worker111', 'GET', '/api/departments');
      expect(seen.status).toBe(200);
      expect(seen.body.items.map((department) => department.name)).toEqual([
        '消防救援站',
        '城管执法中队',
        '派出所',
      ]);
      expect(seen.body.items[0]!.users.map((user) => user.username)).toEqual(['dept1', 'dept2']);
      const all = await call<{ items: DepartmentBody[] }>('admin', 'GET', '/api/departments');
      expect(all.body.items.map((department) => department.name)).toContain('二号街道城管');
      expect((await call('resident111', 'GET', '/api/departments')).status).toBe(403);
    });

    it('link only users of the department role, each to one department, and the service answers both ways', async () => {
      const before = await auditCount('department.users');
      const wrongRole = await call<{ errors: { field: string }[] }>(
        'centre1',
        'PUT',
        `/api/departments/${departments.city}/users`,
        { userIds: [userIds.worker111, 999_999] },
      );
      expect(wrongRole.status).toBe(400);
      expect(wrongRole.body.errors.map((problem) => problem.field)).toEqual([
        '/body/userIds/0',
        '/body/userIds/1',
      ]);
      expect(await auditCount('department.users')).toBe(before);

      // dept2 moves from the fire station to the urban management squad
      const moved = await call<DepartmentBody>(
        'centre1',
        'PUT',
        `/api/departments/${departments.city}/users`,
        {
          userIds: [userIds.dept2],
        },
      );
      expect(moved.status).toBe(200);
      expect(await t.services.duties.departmentOf(userIds.dept2!)).toEqual({
        id: departments.city,
        name: '城管执法中队',
      });
      expect(await t.services.duties.departmentOf(userIds.dept1!)).toEqual({
        id: departments.fire,
        name: '消防救援站',
      });
      expect(await t.services.duties.departmentOf(userIds.worker111!)).toBeNull();
      expect((await t.services.duties.usersOf(departments.fire!)).map((user) => user.username)).toEqual([
        'dept1',
      ]);
      expect(await auditCount('department.users')).toBe(before + 1);

      // the command centre of street 1 cannot staff street 2's department; a shop is no department
      expect(
        (
          await call('centre1', 'PUT', `/api/departments/${departments.east}/users`, {
            userIds: [userIds.dept3],
          })
        ).status,
      ).toBe(404);
      expect(
        (await call('worker111', 'PUT', `/api/departments/${departments.fire}/users`, { userIds: [] }))
          .status,
      ).toBe(403);
      const shop = await call<{ id: number }>('admin', 'POST', '/api/organisations', {
        name: '友谊便利店',
        kind: 'shop',
        gridCode: M111,
      });
      expect(
        (await call('admin', 'PUT', `/api/departments/${shop.body.id}/users`, { userIds: [] })).status,
      ).toBe(404);
    });
  });

  describe('responsibility lists', () => {
    it('record matters of department lists and of grid lists, with the catalogue names', async () => {
      duties.everywhere = await createDuty('admin', {
        kind: 'department',
        gridCode: null,
        categoryCode: '07',
        departmentId: departments.police,
        name: '消防安全兜底',
        from: '2026-01-01',
      });
      duties.streetFireLane = await createDuty('centre1', {
        kind: 'department',
        gridCode: S1,
        categoryCode: '0701',
        departmentId: departments.fire,
        handlingLevel: 'street',
        name: '消防通道占用清理',
        basis: '《中华人民共和国消防法》第二十八条',
        from: '2026-01-01',
      });
      duties.streetFireLaneHelp = await createDuty('centre1', {
        kind: 'department',
        gridCode: S1,
        categoryCode: '0701',
        departmentId: departments.city,
        role: 'cooperate',
        name: '占道堆物配合清理',
        from: '2026-01-01',
      });
      duties.microOverride = await createDuty('centre1', {
        kind: 'department',
        gridCode: M111,
        categoryCode: '0701',
        departmentId: departments.city,
        name: '西南微网格沿街消防通道',
        from: '2026-01-01',
      });
      duties.disputes = await createDuty('centre1', {
        kind: 'grid',
        gridCode: S1,
        categoryCode: '09',
        handlingLevel: 'area',
        name: '邻里纠纷片区调解',
        from: '2026-01-01',
      });
      duties.east = await createDuty('admin', {
        kind: 'department',
        gridCode: S2,
        categoryCode: '0701',
        departmentId: departments.east,
        name: '二号街道消防通道',
        from: '2026-01-01',
      });
      const detail = await call<DutyBody>('worker111', 'GET', `/api/duties/${duties.streetFireLane}`);
      expect(detail.body).toMatchObject({
        kind: 'department',
        gridCode: S1,
        categoryCode: '0701',
        categoryName: { zh: '消防通道堵塞', en: 'Blocked fire lane' },
        department: { id: departments.fire, name: '消防救援站' },
        role: 'lead',
        from: '2026-01-01',
        to: null,
      });
      expect(await auditCount('duty.create')).toBe(6);
    });

    it('refuse bad matters with every problem named, and write nothing', async () => {
      const before = await count('duty_matters');
      const audit = await count('audit_log');
      const cases: [Record<string, unknown>, string[]][] = [
        [
          {
            kind: 'department',
            gridCode: S1,
            categoryCode: '0799',
            departmentId: departments.fire,
            name: 'x',
          },
          ['/body/categoryCode'],
        ],
        [{ kind: 'department', gridCode: S1, name: 'no department' }, ['/body/departmentId']],
        [
          { kind: 'grid', gridCode: S1, name: 'x', departmentId: departments.fire, role: 'cooperate' },
          ['/body/departmentId', '/body/role', '/body/handlingLevel'],
        ],
        [
          {
            kind: 'department',
            gridCode: S1,
            departmentId: departments.fire,
            handlingLevel: 'galaxy',
            name: 'x',
          },
          ['/body/handlingLevel'],
        ],
        [
          {
            kind: 'department',
            gridCode: S1,
            departmentId: departments.fire,
            name: 'x',
            from: '2026-02-01',
            to: '2026-01-01',
          },
          ['/body/to'],
        ],
        [
          { kind: 'department', gridCode: S1, departmentId: departments.east, name: 'other street' },
          ['/body/departmentId'],
        ],
      ];
      for (const [body, fields] of cases) {
        const response = await call<{ code: string; errors: { field: string }[] }>(
          'centre1',
          'POST',
          '/api/duties',
          body,
        );
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.errors.map((problem) => problem.field)).toEqual(fields);
      }
      expect((await call('centre1', 'POST', '/api/duties', { kind: 'department', name: 'x' })).status).toBe(
        400,
      );
      expect(
        (await call('centre1', 'POST', '/api/duties', { kind: 'nobody', gridCode: S1, name: 'x' })).status,
      ).toBe(400);
      expect(
        (
          await call('centre1', 'POST', '/api/duties', {
            kind: 'department',
            gridCode: S1,
            categoryCode: '7',
            departmentId: departments.fire,
            name: 'x',
          })
        ).status,
      ).toBe(400);
      // for every grid: only an account for every grid; outside the writer's grids: unknown
      const everywhere = await call<{ code: string }>('centre1', 'POST', '/api/duties', {
        kind: 'department',
        gridCode: null,
        departmentId: departments.fire,
        name: 'x',
      });
      expect(everywhere.status).toBe(403);
      expect(
        (
          await call('centre1', 'POST', '/api/duties', {
            kind: 'department',
            gridCode: M21,
            departmentId: departments.fire,
            name: 'x',
          })
        ).status,
      ).toBe(422);
      // a grid worker reads the lists but cannot write them
      expect(
        (
          await call('worker111', 'POST', '/api/duties', {
            kind: 'department',
            gridCode: M111,
            departmentId: departments.fire,
            name: 'x',
          })
        ).status,
      ).toBe(403);
      expect(await count('duty_matters')).toBe(before);
      expect(await count('audit_log')).toBe(audit);
    });

    it("are listed by grid, department and category, within the reader's grids", async () => {
      const ids = async (who: string, query = '') =>
        (await call<{ items: DutyBody[] }>(who, 'GET', `/api/duties${query}`)).body.items
          .map((item) => item.id)
          .sort((a, b) => a - b);
      const related = [
        duties.everywhere,
        duties.streetFireLane,
        duties.streetFireLaneHelp,
        duties.microOverride,
        duties.disputes,
      ];
      expect(await ids('worker111')).toEqual(related);
      expect(await ids('admin')).toEqual([...related, duties.east].sort((a, b) => a! - b!));
      expect(await ids('worker111', `?grid=${M111}`)).toEqual([duties.microOverride]);
      expect(await ids('worker111', `?department=${departments.city}`)).toEqual([
        duties.streetFireLaneHelp,
        duties.microOverride,
      ]);
      expect(await ids('worker111', '?category=09')).toEqual([duties.disputes]);
      // a minor class lists itself and the major class that covers it
      expect(await ids('worker111', '?category=0701')).toEqual([
        duties.everywhere,
        duties.streetFireLane,
        duties.streetFireLaneHelp,
        duties.microOverride,
      ]);
      expect(await ids('worker111', '?kind=grid')).toEqual([duties.disputes]);
      expect((await call('worker111', 'GET', `/api/duties?grid=${M21}`)).status).toBe(404);
      expect((await call('worker111', 'GET', `/api/duties/${duties.east}`)).status).toBe(404);
      expect((await call('worker111', 'GET', '/api/duties?category=abc')).status).toBe(400);
      expect((await call('resident111', 'GET', '/api/duties')).status).toBe(403);
    });

    it("give a grid's effective list: its own matters, its ancestors' and those for every grid", async () => {
      const response = await call<{ grid: string; items: DutyBody[] }>(
        'worker111',
        'GET',
        `/api/grids/${M111}/duties`,
      );
      expect(response.status).toBe(200);
      const byId = new Map(response.body.items.map((item) => [item.id, item]));
      expect([...byId.keys()].sort((a, b) => a - b)).toEqual(
        [
          duties.everywhere,
          duties.streetFireLane,
          duties.streetFireLaneHelp,
          duties.microOverride,
          duties.disputes,
        ].sort((a, b) => a! - b!),
      );
      expect(byId.get(duties.microOverride!)!.inherited).toBe(false);
      expect(byId.get(duties.streetFireLane!)!.inherited).toBe(true);
      expect(byId.get(duties.everywhere!)!.inherited).toBe(true);
      const sibling = await call<{ items: DutyBody[] }>('admin', 'GET', `/api/grids/${M112}/duties`);
      expect(sibling.body.items.map((item) => item.id)).not.toContain(duties.microOverride);
      expect((await call('worker111', 'GET', `/api/grids/${M112}/duties`)).status).toBe(404);
    });

    it("are changed by their grid's keepers only; an inherited matter is not theirs to change", async () => {
      const changed = await call<DutyBody>('centre1', 'PATCH', `/api/duties/${duties.streetFireLaneHelp}`, {
        basis: '《上海市消防条例》',
      });
      expect(changed.status).toBe(200);
      expect(changed.body.basis).toBe('《上海市消防条例》');
      expect(changed.body.role).toBe('cooperate');
      expect(await auditCount('duty.update')).toBe(1);
      expect(
        (await call('centre1', 'PATCH', `/api/duties/${duties.everywhere}`, { name: '改' })).status,
      ).toBe(403);
      expect((await call('centre1', 'PATCH', `/api/duties/${duties.east}`, { name: '改' })).status).toBe(404);
      expect((await call('centre1', 'PATCH', `/api/duties/${duties.streetFireLane}`, {})).status).toBe(400);
      expect(
        (await call('centre1', 'PATCH', `/api/duties/${duties.disputes}`, { role: 'cooperate' })).status,
      ).toBe(400);
      expect(
        (await call('worker111', 'PATCH', `/api/duties/${duties.streetFireLane}`, { name: '改' })).status,
      ).toBe(403);
      expect(await auditCount('duty.update')).toBe(1);
    });
  });

  describe('routing suggestions', () => {
    it('name the department of the most specific matter at a point, with reasons', async () => {
      const street = await suggest('centre1', `category=0701&lng=${IN_M112.lng}&lat=${IN_M112.lat}`);
      expect(street.status).toBe(200);
      expect(street.body.grids.map((grid) => grid.code)).toEqual([M112, A11, S1, '310113']);
      expect(street.body.department).toEqual({ id: departments.fire, name: '消防救援站' });
      expect(street.body.cooperating.map((party) => party.name)).toEqual(['城管执法中队']);
      expect(street.body.handlingGrid).toBe(S1);
      expect(street.body.reasons[0]!.zh).toContain('消防通道堵塞 (0701) → 牵头：消防救援站');
      expect(street.body.reasons[0]!.zh).toContain('《中华人民共和国消防法》第二十八条');
      expect(street.body.reasons[0]!.en).toContain('Blocked fire lane (0701) → lead: Fire rescue station');

      // the micro-grid's own matter overrides the street's
      const micro = await suggest('centre1', `category=0701&lng=${IN_M111.lng}&lat=${IN_M111.lat}`);
      expect(micro.body.department).toEqual({ id: departments.city, name: '城管执法中队' });
      expect(
        micro.body.reasons.some(
          (reason) => reason.zh.includes('更具体的事项优先') && reason.zh.includes('消防救援站'),
        ),
      ).toBe(true);

      // a hydrant: no minor-class matter, so the major class for every grid applies
      const hydrant = await suggest('worker111', `category=0702&lng=${IN_A12.lng}&lat=${IN_A12.lat}`);
      expect(hydrant.body.department).toEqual({ id: departments.police, name: '派出所' });
      expect(hydrant.body.reasons[0]!.zh).toContain('按大类匹配');

      // the other street has its own list
      const east = await suggest('worker111', `category=0701&lng=${IN_M21.lng}&lat=${IN_M21.lat}`);
      expect(east.body.department?.id).toBe(departments.east);
    });

    it("hand a matter of the grid's own list to the grid of its level, and say why when nothing applies", async () => {
      const dispute = await suggest('centre1', `category=0901&lng=${IN_M112.lng}&lat=${IN_M112.lat}`);
      expect(dispute.body.selfHandling).toBe(true);
      expect(dispute.body.department).toBeUndefined();
      expect(dispute.body.handlingGrid).toBe(A11);
      expect(dispute.body.reasons[0]!.zh).toContain('邻里纠纷 (0901) → 网格自处置');

      const nothing = await suggest('centre1', `category=0901&lng=${IN_M21.lng}&lat=${IN_M21.lat}`);
      expect(nothing.body.department).toBeUndefined();
      expect(nothing.body.selfHandling).toBe(false);
      expect(nothing.body.reasons[0]!.en).toContain('dispatch by hand');

      const nowhere = await suggest('centre1', 'category=0701&lng=100&lat=10');
      expect(nowhere.body.grids).toEqual([]);
      expect(nowhere.body.department?.id).toBe(departments.police);
      expect(nowhere.body.reasons[0]!.zh).toContain('不在任何网格内');

      const unknown = await suggest('centre1', `category=0799&lng=${IN_M112.lng}&lat=${IN_M112.lat}`);
      expect(unknown.body.reasons[0]!.en).toContain('no category "0799"');
      expect(unknown.body.department?.id).toBe(departments.police);
    });

    it('answer for a grid as well as for a point, and refuse what is not a question', async () => {
      const byGrid = await suggest('centre1', `category=0701&grid=${M111}`);
      expect(byGrid.status).toBe(200);
      expect(byGrid.body.department?.id).toBe(departments.city);
      expect(byGrid.body.grids.map((grid) => grid.code)).toEqual([M111, A11, S1, '310113']);
      expect((await suggest('centre1', 'category=0701')).status).toBe(400);
      expect((await suggest('centre1', `category=0701&lng=121.42`)).status).toBe(400);
      expect((await suggest('centre1', `category=x&lng=121.42&lat=31.32`)).status).toBe(400);
      expect((await suggest('centre1', `category=0701&grid=${M21}`)).status).toBe(404);
      expect((await suggest('resident111', `category=0701&lng=121.42&lat=31.32`)).status).toBe(403);
      expect(
        (await call(null, 'GET', `/api/routing/suggest?category=0701&lng=121.42&lat=31.32`)).status,
      ).toBe(401);
    });

    it('stop using a matter once it has ended, which stays in the history', async () => {
      const ended = await call<DutyBody>('centre1', 'POST', `/api/duties/${duties.microOverride}/end`, {
        to: '2026-12-01',
      });
      expect(ended.status).toBe(200);
      expect(ended.body.to).toBe('2026-12-01');
      expect(
        (await call('centre1', 'POST', `/api/duties/${duties.microOverride}/end`, { to: '2026-12-02' }))
          .status,
      ).toBe(409);
      expect(
        (await call('centre1', 'POST', `/api/duties/${duties.streetFireLane}/end`, { to: '2025-12-01' }))
          .status,
      ).toBe(422);
      expect(
        (await call('worker111', 'POST', `/api/duties/${duties.streetFireLane}/end`, { to: '2027-01-01' }))
          .status,
      ).toBe(403);
      expect(await auditCount('duty.end')).toBe(1);

      // still valid today (25 November); from 1 December the street's matter applies again
      expect((await suggest('centre1', `category=0701&grid=${M111}`)).body.department?.id).toBe(
        departments.city,
      );
      const december = await suggest('centre1', `category=0701&grid=${M111}&at=2026-12-01`);
      expect(december.body.department?.id).toBe(departments.fire);
      const later = await call<{ items: DutyBody[] }>(
        'centre1',
        'GET',
        `/api/duties?grid=${M111}&at=2026-12-01`,
      );
      expect(later.body.items).toEqual([]);
      const history = await call<{ items: DutyBody[] }>(
        'centre1',
        'GET',
        `/api/duties?grid=${M111}&history=true`,
      );
      expect(history.body.items.map((item) => item.id)).toEqual([duties.microOverride]);
    });
  });

  describe('key areas', () => {
    let areaId = 0;

    it('are recorded with their grid found from a point, a department and a responsible person', async () => {
      const person = await call<{ id: number }>('admin', 'POST', '/api/people', {
        name: '王建华',
        gridCode: M111,
      });
      expect(person.status).toBe(201);
      const created = await call<KeyAreaBody>('centre1', 'POST', '/api/key-areas', {
        name: '宝林路下立交',
        kind: 'flood_prone',
        geometry: { type: 'Point', coordinates: [IN_M111.lng, IN_M111.lat] },
        departmentId: departments.police,
        personId: person.body.id,
        notes: '暴雨时易积水，配备移动泵车',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        name: '宝林路下立交',
        gridCode: M111,
        department: { id: departments.police, name: '派出所' },
        person: { id: person.body.id, name: '王建华' },
      });
      areaId = created.body.id;
      const polygon = await call<KeyAreaBody>('centre1', 'POST', '/api/key-areas', {
        name: '东片区工地',
        kind: 'construction_site',
        gridCode: A11,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [121.41, 31.31],
              [121.43, 31.31],
              [121.43, 31.33],
              [121.41, 31.31],
            ],
          ],
        },
      });
      expect(polygon.status, JSON.stringify(polygon.body)).toBe(201);
      expect(await auditCount('key_area.create')).toBe(2);
    });

    it('refuse a point outside the named grid, a broken polygon, and writers without the permission', async () => {
      const before = await count('key_areas');
      const outside = await call<{ errors: { field: string }[] }>('centre1', 'POST', '/api/key-areas', {
        name: 'x',
        kind: 'market',
        gridCode: M112,
        geometry: { type: 'Point', coordinates: [IN_M111.lng, IN_M111.lat] },
      });
      expect(outside.status).toBe(400);
      expect(outside.body.errors[0]!.field).toBe('/body/geometry');
      const bowtie = await call('centre1', 'POST', '/api/key-areas', {
        name: 'x',
        kind: 'market',
        gridCode: M111,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [121.41, 31.31],
              [121.43, 31.33],
              [121.43, 31.31],
              [121.41, 31.33],
              [121.41, 31.31],
            ],
          ],
        },
      });
      expect(bowtie.status).toBe(400);
      expect((await call('centre1', 'POST', '/api/key-areas', { name: 'x', kind: 'market' })).status).toBe(
        400,
      );
      expect(
        (await call('centre1', 'POST', '/api/key-areas', { name: 'x', kind: 'volcano', gridCode: M111 }))
          .status,
      ).toBe(400);
      expect(
        (await call('centre1', 'POST', '/api/key-areas', { name: 'x', kind: 'market', gridCode: M21 }))
          .status,
      ).toBe(422);
      expect(
        (
          await call('centre1', 'POST', '/api/key-areas', {
            name: 'x',
            kind: 'market',
            gridCode: M111,
            personId: 999999,
          })
        ).status,
      ).toBe(400);
      expect(
        (await call('worker111', 'POST', '/api/key-areas', { name: 'x', kind: 'market', gridCode: M111 }))
          .status,
      ).toBe(403);
      expect(await count('key_areas')).toBe(before);
    });

    it("are read within the reader's grids, the person's name masked for departments", async () => {
      const worker = await call<{ items: KeyAreaBody[]; total: number }>(
        'worker111',
        'GET',
        '/api/key-areas',
      );
      expect(worker.body.items.map((area) => area.name)).toEqual(['宝林路下立交']);
      expect(worker.body.items[0]!.person?.name).toBe('王建华');
      const department = await call<KeyAreaBody>('dept1', 'GET', `/api/key-areas/${areaId}`);
      expect(department.body.person?.name).toBe('王**');
      const centre = await call<{ total: number }>('centre1', 'GET', '/api/key-areas?kind=construction_site');
      expect(centre.body.total).toBe(1);
    });

    it('are changed and removed by their keepers, each step audited', async () => {
      const changed = await call<KeyAreaBody>('centre1', 'PATCH', `/api/key-areas/${areaId}`, {
        notes: null,
        departmentId: departments.city,
      });
      expect(changed.status).toBe(200);
      expect(changed.body.department?.name).toBe('城管执法中队');
      expect((await call('worker111', 'DELETE', `/api/key-areas/${areaId}`)).status).toBe(403);
      expect((await call('centre1', 'DELETE', `/api/key-areas/${areaId}`)).status).toBe(204);
      expect((await call('centre1', 'GET', `/api/key-areas/${areaId}`)).status).toBe(404);
      expect(await auditCount('key_area.update')).toBe(1);
      expect(await auditCount('key_area.delete')).toBe(1);
    });
  });
});
