import { afterEach, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { auditLog } from '../core/audit.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildGrid, buildUser, TEST_PASSWORD } from '../../test/factories.js';
import { ROLES } from './roles.js';
import { users } from './tables.js';

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; zh: string; en: string; grids?: string[] }[];
}

describe('the users API', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function asAdmin(): Promise<{ authorization: string }> {
    await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    return login(t.app, 'root.admin', TEST_PASSWORD);
  }

  async function userCount(): Promise<number> {
    const [row] = await t.database.db.select({ n: count() }).from(users);
    return Number(row!.n);
  }

  async function auditCount(action: string): Promise<number> {
    const [row] = await t.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(eq(auditLog.action, action));
    return Number(row!.n);
  }

  it('lets an administrator create a grid worker bound to a grid, answering the user without the password hash', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const street = await buildGrid(t.services, { code: '310104011' });

    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: {
        username: 'grid.worker-01',
        password: 'long-enough-1',
        roles: ['grid_worker'],
        grids: ['310104011'],
        displayName: '张伟',
      },
    });
    expect(response.statusCode).toBe(201);
    const created = response.json<Record<string, unknown>>();
    expect(created).toMatchObject({
      username: 'grid.worker-01',
      displayName: '张伟',
      roles: ['grid_worker'],
      grids: ['310104011'],
      disabled: false,
      lockedUntil: null,
    });
    expect(response.body).not.toMatch(/hash|argon2|long-enough-1/i);

    const [audit] = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'user.create'))
      .orderBy(auditLog.id)
      .offset(1);
    expect(audit).toMatchObject({
      actor: 'root.admin',
      entity: 'user',
      entityKey: 'grid.worker-01',
      gridId: street.id,
    });
    expect(audit!.detail).toMatchObject({ roles: ['grid_worker'], grids: ['310104011'] });

    // the new user can sign in and sees the grid as its scope
    const own = await login(t.app, 'grid.worker-01', 'long-enough-1');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: own });
    expect(me.json()).toMatchObject({ grids: ['310104011'] });

    const one = await t.app.inject({ method: 'GET', url: `/api/users/${String(created.id)}`, headers });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(created);
  });

  it('creates an administrator without grids', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: { username: 'second_admin', password: 'long-enough-1', roles: ['admin'], grids: [] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ roles: ['admin'], grids: [] });
  });

  it.each(ROLES.filter((role) => role !== 'admin'))(
    'answers 403 when a %s tries to create or list users',
    async (role) => {
      t = await buildTestApp();
      const grid = await buildGrid(t.services);
      await buildUser(t.services, { username: `someone.${role}`, roles: [role], grids: [grid.code] });
      const headers = await login(t.app, `someone.${role}`, TEST_PASSWORD);
      const before = await userCount();

      const create = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers,
        payload: { username: 'sneaky', password: 'long-enough-1', roles: ['admin'], grids: [] },
      });
      expect(create.statusCode).toBe(403);
      expect(create.json<Problem>().code).toBe('forbidden');
      expect((await t.app.inject({ method: 'GET', url: '/api/users', headers })).statusCode).toBe(403);
      expect(await userCount()).toBe(before);
    },
  );

  it('answers 401 to a request without a token', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'sneaky', password: 'long-enough-1', roles: ['admin'], grids: [] },
    });
    expect(response.statusCode).toBe(401);
  });

  describe('refuses bad input and writes nothing', () => {
    const cases: {
      name: string;
      payload: Record<string, unknown>;
      status: number;
      code: string;
      fields: string[];
    }[] = [
      {
        name: 'missing fields, each named',
        payload: {},
        status: 400,
        code: 'invalid',
        fields: ['/body/username', '/body/password', '/body/roles', '/body/grids'],
      },
      {
        name: 'a short password',
        payload: { username: 'li.si', password: 'short', roles: ['grid_worker'], grids: ['G1'] },
        status: 400,
        code: 'invalid',
        fields: ['/body/password'],
      },
      {
        name: 'an unknown role',
        payload: { username: 'li.si', password: 'long-enough-1', roles: ['superuser'], grids: ['G1'] },
        status: 400,
        code: 'invalid',
        fields: ['/body/roles/0'],
      },
      {
        name: 'a username with spaces',
        payload: { username: 'li si', password: 'long-enough-1', roles: ['grid_worker'], grids: ['G1'] },
        status: 400,
        code: 'invalid',
        fields: ['/body/username'],
      },
      {
        name: 'unknown grid codes, each named',
        payload: {
          username: 'li.si',
          password: 'long-enough-1',
          roles: ['grid_worker'],
          grids: ['G1', 'NOPE1', 'NOPE2'],
        },
        status: 400,
        code: 'invalid',
        fields: ['/body/grids/1', '/body/grids/2'],
      },
      {
        name: 'a non-admin role without grids',
        payload: { username: 'li.si', password: 'long-enough-1', roles: ['command_centre'], grids: [] },
        status: 400,
        code: 'invalid',
        fields: ['/body/grids'],
      },
      {
        name: 'a duplicate username',
        payload: { username: 'root.admin', password: 'long-enough-1', roles: ['admin'], grids: [] },
        status: 409,
        code: 'duplicate_username',
        fields: [],
      },
    ];

    it.each(cases)('$name', async ({ payload, status, code, fields }) => {
      t = await buildTestApp();
      const headers = await asAdmin();
      await buildGrid(t.services, { code: 'G1' });
      const usersBefore = await userCount();
      const auditsBefore = await auditCount('user.create');

      const response = await t.app.inject({ method: 'POST', url: '/api/users', headers, payload });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json<Problem>();
      expect(problem.code).toBe(code);
      expect((problem.errors ?? []).map((error) => error.field)).toEqual(fields);
      if (fields.includes('/body/grids/1')) {
        expect(problem.errors!.map((error) => error.grids)).toEqual([['NOPE1'], ['NOPE2']]);
      }
      expect(await userCount()).toBe(usersBefore);
      expect(await auditCount('user.create')).toBe(auditsBefore);
    });
  });

  it('lists users a page at a time and refuses a page size over 500', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const grid = await buildGrid(t.services);
    for (let i = 0; i < 3; i++) await buildUser(t.services, { username: `worker.${i}`, grids: [grid.code] });

    const all = await t.app.inject({ method: 'GET', url: '/api/users', headers });
    expect(all.statusCode).toBe(200);
    expect(all.json<{ total: number; items: unknown[] }>()).toMatchObject({ total: 4 });

    const second = await t.app.inject({ method: 'GET', url: '/api/users?page=2&pageSize=2', headers });
    const page = second.json<{ total: number; items: { username: string }[] }>();
    expect(page.total).toBe(4);
    expect(page.items.map((item) => item.username)).toEqual(['worker.1', 'worker.2']);

    const tooBig = await t.app.inject({ method: 'GET', url: '/api/users?pageSize=501', headers });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json<Problem>().errors?.[0]?.field).toBe('/querystring/pageSize');
  });

  it('answers 404 for a user that does not exist', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const response = await t.app.inject({ method: 'GET', url: '/api/users/999999', headers });
    expect(response.statusCode).toBe(404);
    expect(response.json<Problem>().code).toBe('not_found');
  });

  it('changes roles and grids, and the change reaches a signed-in user at once', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const streetA = await buildGrid(t.services, { code: 'STREET-A' });
    const streetB = await buildGrid(t.services, { code: 'STREET-B' });
    const worker = await buildUser(t.services, { username: 'qian.yu', grids: [streetA.code] });
    const own = await login(t.app, 'qian.yu', TEST_PASSWORD);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: own })).json()).toMatchObject({
      grids: ['STREET-A'],
    });

    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers,
      payload: { roles: ['command_centre'], grids: [streetB.code] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ roles: ['command_centre'], grids: ['STREET-B'] });

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: own });
    expect(me.json()).toMatchObject({
      roles: ['command_centre'],
      grids: ['STREET-B'],
      permissions: expect.arrayContaining(['audit.read']),
    });
  });

  it('refuses to take the admin role from the last administrator, and changes nothing', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const grid = await buildGrid(t.services);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    const id = me.json<{ id: number }>().id;

    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers,
      payload: { roles: ['command_centre'], grids: [grid.code] },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json<Problem>().code).toBe('last_admin');
    const after = await t.app.inject({ method: 'GET', url: `/api/users/${id}`, headers });
    expect(after.json()).toMatchObject({ roles: ['admin'], grids: [] });
    expect(await auditCount('user.update')).toBe(0);
  });

  it('refuses an empty change and an unknown field', async () => {
    t = await buildTestApp();
    const headers = await asAdmin();
    const worker = await buildUser(t.services);
    const empty = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const unknown = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers,
      payload: { passwordHash: 'x' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<Problem>().errors?.map((error) => error.field)).toContain('/body/passwordHash');
  });

  it('documents every account endpoint with its answers in the OpenAPI document', async () => {
    t = await buildTestApp();
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          { tags: string[]; summary: string; responses: Record<string, unknown>; security?: unknown[] }
        >
      >;
    }>();
    const expected: [string, string, string[]][] = [
      ['/api/auth/login', 'post', ['200', '400', '401', '423']],
      ['/api/auth/logout', 'post', ['204', '401']],
      ['/api/auth/me', 'get', ['200', '401']],
      ['/api/users', 'post', ['201', '400', '401', '403', '409']],
      ['/api/users', 'get', ['200', '400', '401', '403']],
      ['/api/users/{id}', 'get', ['200', '401', '403', '404']],
      ['/api/users/{id}', 'patch', ['200', '400', '401', '403', '404', '409']],
      ['/api/users/{id}/unlock', 'post', ['200', '401', '403', '404']],
      ['/api/audit', 'get', ['200', '400', '401', '403']],
    ];
    for (const [path, method, statuses] of expected) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation!.tags.length).toBeGreaterThan(0);
      expect(operation!.summary).toMatch(/[\u4e00-\u9fff].*[A-Za-z]/);
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(statuses));
    }
    expect(doc.paths['/api/auth/login']!.post!.security).toEqual([]);
  });

  it('names every role in order for any signed-in user, and answers 401 without a session', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'a.resident', roles: ['resident'] });
    const headers = await login(t.app, 'a.resident', TEST_PASSWORD);
    const response = await t.app.inject({ method: 'GET', url: '/api/roles', headers });
    expect(response.statusCode).toBe(200);
    const roles = response.json<{ key: string; zh: string; en: string }[]>();
    expect(roles.map((role) => role.key)).toEqual([...ROLES]);
    expect(roles.find((role) => role.key === 'grid_worker')).toEqual({
      key: 'grid_worker',
      zh: '网格员',
      en: 'Grid worker',
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/roles' })).statusCode).toBe(401);
  });
});
