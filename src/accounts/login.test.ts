import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ManualClock } from '../core/clock.js';
import { auditLog } from '../core/audit.js';
import { buildTestApp, type TestApp } from '../../test/helpers.js';
import { buildUser, TEST_PASSWORD } from '../../test/factories.js';
import { sessions } from './tables.js';

interface Problem {
  status: number;
  code: string;
  zh: string;
  en: string;
  lockedUntil?: string;
}

describe('login, lockout and sessions', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function attempt(username: string, password: string) {
    return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  }

  async function auditActions(username: string): Promise<string[]> {
    const rows = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityKey, username))
      .orderBy(auditLog.id);
    return rows.map((row) => row.action);
  }

  it('signs in with the right password and answers a token, its expiry and the user with grids', async () => {
    t = await buildTestApp();
    const user = await buildUser(t.services, { username: 'wang.wei', roles: ['grid_worker'] });

    const response = await attempt('wang.wei', TEST_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ token: string; expiresAt: string; user: Record<string, unknown> }>();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(body.user).toEqual({
      id: user.id,
      username: 'wang.wei',
      displayName: 'wang.wei',
      roles: ['grid_worker'],
      grids: user.gridCodes,
      // the worker's only grid, where the first screen starts
      startGrid: { code: user.gridCodes[0], name: expect.any(String), level: expect.any(String) },
    });
    expect(JSON.stringify(body)).not.toContain('argon2');

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      username: 'wang.wei',
      grids: user.gridCodes,
      permissions: [
        'grid.read',
        'people.read',
        'people.write',
        'special_group.read',
        'duty.read',
        'points.read',
        'points.write',
        'event.report',
        'patrol.read',
        'patrol.write',
        'case.read',
      ],
    });
    expect(await auditActions('wang.wei')).toEqual(['user.create', 'user.login']);
  });

  it('stores only a hash of the token, never the token itself', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'li.na' });
    const { token } = (await attempt('li.na', TEST_PASSWORD)).json<{ token: string }>();
    const rows = await t.database.db.select().from(sessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toBe(token);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a wrong password and an unknown username with the same 401 problem', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'zhao.lei' });

    const wrong = await attempt('zhao.lei', 'not-the-password');
    const unknown = await attempt('nobody.here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json<Problem>()).toMatchObject({ code: 'invalid_credentials', zh: '用户名或密码错误' });

    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.login_failed'));
    expect(rows.map((row) => [row.entityKey, row.detail.reason])).toEqual([
      ['zhao.lei', 'wrong_password'],
      [null, 'unknown_user'],
    ]);
    // neither the attempted password nor a name that might be one is in the log
    expect(JSON.stringify(rows)).not.toContain('not-the-password');
    expect(JSON.stringify(rows)).not.toContain('nobody.here');
  });

  it('locks the account after 5 failures in a row, refuses even the right password, and opens after 15 minutes', async () => {
    const clock = new ManualClock('2026-11-25T08:00:00+08:00');
    t = await buildTestApp({ clock });
    await buildUser(t.services, { username: 'chen.jing' });

    for (let i = 1; i <= 4; i++)
      expect((await attempt('chen.jing', `wrong-${i}-password`)).statusCode).toBe(401);
    const fifth = await attempt('chen.jing', 'wrong-5-password');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json<Problem>()).toMatchObject({ code: 'locked', lockedUntil: '2026-11-25T00:15:00.000Z' });

    const locked = await attempt('chen.jing', TEST_PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json<Problem>().code).toBe('locked');
    expect(locked.json<Problem>().lockedUntil).toBe('2026-11-25T00:15:00.000Z');

    clock.advance(14 * 60_000);
    expect((await attempt('chen.jing', TEST_PASSWORD)).statusCode).toBe(423);
    clock.advance(60_000 + 1);
    expect((await attempt('chen.jing', TEST_PASSWORD)).statusCode).toBe(200);

    expect(await auditActions('chen.jing')).toEqual([
      'user.create',
      ...Array<string>(5).fill('user.login_failed'),
      'user.locked',
      'user.login_failed', // tried during the lock
      'user.login_failed',
      'user.login',
    ]);
  });

  it('starts the failure count again after a successful login', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'sun.li' });
    for (let i = 0; i < 4; i++) await attempt('sun.li', 'wrong-password');
    expect((await attempt('sun.li', TEST_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await attempt('sun.li', 'wrong-password')).statusCode).toBe(401);
    expect((await attempt('sun.li', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('lets an administrator unlock an account before its time', async () => {
    t = await buildTestApp();
    const admin = await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    const worker = await buildUser(t.services, { username: 'zhou.min' });
    const adminAuth = {
      authorization: `Bearer ${(await attempt(admin.username, TEST_PASSWORD)).json<{ token: string }>().token}`,
    };
    for (let i = 0; i < 5; i++) await attempt('zhou.min', 'wrong-password');

    const shown = await t.app.inject({ method: 'GET', url: `/api/users/${worker.id}`, headers: adminAuth });
    expect(shown.json<{ lockedUntil: string | null }>().lockedUntil).not.toBeNull();

    const unlocked = await t.app.inject({
      method: 'POST',
      url: `/api/users/${worker.id}/unlock`,
      headers: adminAuth,
    });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ lockedUntil: null, failedAttempts: 0 });
    expect((await attempt('zhou.min', TEST_PASSWORD)).statusCode).toBe(200);
    expect(await auditActions('zhou.min')).toContain('user.unlock');
  });

  it('refuses a token after it expires', async () => {
    const clock = new ManualClock();
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 3600 } });
    await buildUser(t.services, { username: 'wu.gang' });
    const { token, expiresAt } = (await attempt('wu.gang', TEST_PASSWORD)).json<{
      token: string;
      expiresAt: string;
    }>();
    expect(expiresAt).toBe(new Date(clock.now().getTime() + 3600_000).toISOString());
    const headers = { authorization: `Bearer ${token}` };

    clock.advance(3599_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(200);
    clock.advance(1_000);
    const expired = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(expired.statusCode).toBe(401);
    expect(expired.json<Problem>().code).toBe('unauthenticated');
  });

  it('stops a token at once on logout, even though resolved tokens are cached', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'zheng.hao' });
    const { token } = (await attempt('zheng.hao', TEST_PASSWORD)).json<{ token: string }>();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(200);

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
    expect(await auditActions('zheng.hao')).toEqual(['user.create', 'user.login', 'user.logout']);
  });

  it('answers /api/auth/me without a token with 401', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json<Problem>().code).toBe('unauthenticated');
  });

  it('does not let a disabled user sign in, and ends the sessions the user had', async () => {
    t = await buildTestApp();
    const admin = await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    const worker = await buildUser(t.services, { username: 'he.yun' });
    const adminAuth = {
      authorization: `Bearer ${(await attempt(admin.username, TEST_PASSWORD)).json<{ token: string }>().token}`,
    };
    const workerAuth = {
      authorization: `Bearer ${(await attempt('he.yun', TEST_PASSWORD)).json<{ token: string }>().token}`,
    };
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: workerAuth })).statusCode).toBe(
      200,
    );

    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers: adminAuth,
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json<{ disabled: boolean }>().disabled).toBe(true);

    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: workerAuth })).statusCode).toBe(
      401,
    );
    const rightPassword = await attempt('he.yun', TEST_PASSWORD);
    expect(rightPassword.statusCode).toBe(403);
    expect(rightPassword.json<Problem>().code).toBe('account_disabled');
    // without the password nothing is revealed about the account
    expect((await attempt('he.yun', 'wrong-password')).json<Problem>().code).toBe('invalid_credentials');
  });

  it('ends the old sessions when an administrator sets a new password', async () => {
    t = await buildTestApp();
    const admin = await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    const worker = await buildUser(t.services, { username: 'ma.li' });
    const adminAuth = {
      authorization: `Bearer ${(await attempt(admin.username, TEST_PASSWORD)).json<{ token: string }>().token}`,
    };
    const workerAuth = {
      authorization: `Bearer ${(await attempt('ma.li', TEST_PASSWORD)).json<{ token: string }>().token}`,
    };

    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${worker.id}`,
      headers: adminAuth,
      payload: { password: 'a-brand-new-secret' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: workerAuth })).statusCode).toBe(
      401,
    );
    expect((await attempt('ma.li', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await attempt('ma.li', 'a-brand-new-secret')).statusCode).toBe(200);
    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.update'));
    expect(rows[0]!.detail).toMatchObject({ changed: { password: true } });
    expect(JSON.stringify(rows)).not.toContain('a-brand-new-secret');
  });
});
