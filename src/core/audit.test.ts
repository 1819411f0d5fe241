import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { ManualClock } from './clock.js';
import { auditLog, recordAudit } from './audit.js';
import { pgErrorCode } from './errors.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildGrid, buildUser, TEST_PASSWORD } from '../../test/factories.js';

interface AuditPage {
  total: number;
  items: {
    action: string;
    entity: string;
    entityKey: string | null;
    actor: string;
    gridCode: string | null;
    at: string;
  }[];
}

describe('the audit log', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('refuses UPDATE and DELETE at the database, whoever asks', async () => {
    t = await buildTestApp();
    const { db } = t.database;
    await recordAudit(db, { userId: null, name: 'system' }, new Date(), [
      { action: 'test.write', entity: 'test' },
    ]);

    const update = db
      .update(auditLog)
      .set({ action: 'test.rewritten' })
      .where(eq(auditLog.action, 'test.write'));
    const failure = await update.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeDefined();
    expect(pgErrorCode(failure)).toBe('42501');
    await expect(db.delete(auditLog)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_log`)).rejects.toThrow();

    const rows = await db.select().from(auditLog).where(eq(auditLog.entity, 'test'));
    expect(rows.map((row) => row.action)).toEqual(['test.write']);
  });

  it('shows a command-centre user of street A the rows of street A and not those of street B', async () => {
    t = await buildTestApp();
    const streetA = await buildGrid(t.services, { code: 'STREET-A' });
    const microA = await buildGrid(t.services, { code: 'STREET-A-01', parentCode: streetA.code });
    const streetB = await buildGrid(t.services, { code: 'STREET-B' });
    await buildUser(t.services, { username: 'centre.a', roles: ['command_centre'], grids: [streetA.code] });
    await buildUser(t.services, { username: 'worker.a', roles: ['grid_worker'], grids: [microA.code] });
    await buildUser(t.services, { username: 'worker.b', roles: ['grid_worker'], grids: [streetB.code] });
    await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    // a failed login of a street-B worker is filed under street B as well
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'worker.b', password: 'wrong-password' },
    });

    const centre = await login(t.app, 'centre.a', TEST_PASSWORD);
    const seen = (
      await t.app.inject({ method: 'GET', url: '/api/audit', headers: centre })
    ).json<AuditPage>();
    const keys = seen.items.map((item) => item.entityKey);
    expect(keys).toContain('worker.a'); // bound to a micro-grid inside street A
    expect(keys).toContain('centre.a');
    expect(keys).not.toContain('worker.b');
    expect(keys).not.toContain('root.admin'); // filed under no grid: administrators only
    expect(seen.items.every((item) => item.gridCode === 'STREET-A' || item.gridCode === 'STREET-A-01')).toBe(
      true,
    );
    expect(seen.total).toBe(seen.items.length);

    const admin = await login(t.app, 'root.admin', TEST_PASSWORD);
    const all = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json<AuditPage>();
    expect(all.items.map((item) => item.entityKey)).toEqual(
      expect.arrayContaining(['worker.b', 'root.admin']),
    );
    expect(all.items.find((item) => item.action === 'user.login_failed')).toMatchObject({
      entityKey: 'worker.b',
      gridCode: 'STREET-B',
      detail: { reason: 'wrong_password', failures: 1 },
    });
  });

  it('is closed to roles without audit.read', async () => {
    t = await buildTestApp();
    await buildUser(t.services, { username: 'worker', roles: ['grid_worker'] });
    const headers = await login(t.app, 'worker', TEST_PASSWORD);
    const response = await t.app.inject({ method: 'GET', url: '/api/audit', headers });
    expect(response.statusCode).toBe(403);
  });

  it('filters by action, entity, key, actor and time, newest first, a page at a time', async () => {
    const clock = new ManualClock('2026-11-25T08:00:00+08:00');
    t = await buildTestApp({ clock });
    await buildUser(t.services, { username: 'root.admin', roles: ['admin'] });
    clock.advance(60_000);
    const headers = await login(t.app, 'root.admin', TEST_PASSWORD); // 00:01Z
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'root.admin', password: `wrong-${i}` },
      });
    }

    const get = async (query: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/audit?${query}`, headers })).json<AuditPage>();

    const failures = await get('action=user.login_failed');
    expect(failures.total).toBe(3);
    expect(failures.items.map((item) => item.at)).toEqual([
      '2026-11-25T00:04:00.000Z',
      '2026-11-25T00:03:00.000Z',
      '2026-11-25T00:02:00.000Z',
    ]);
    expect((await get('entity=user&entityKey=root.admin')).total).toBe(5);
    expect((await get('actor=root.admin')).items.map((item) => item.action)).toEqual(['user.login']);
    expect((await get('actor=system')).items.map((item) => item.action)).toEqual(['user.create']);
    const window = await get('from=2026-11-25T00:02:00Z&to=2026-11-25T00:04:00Z');
    expect(window.items.map((item) => item.at)).toEqual([
      '2026-11-25T00:03:00.000Z',
      '2026-11-25T00:02:00.000Z',
    ]);
    const page = await get('pageSize=2&page=2');
    expect(page.total).toBe(5);
    expect(page.items.map((item) => item.at)).toEqual([
      '2026-11-25T00:02:00.000Z',
      '2026-11-25T00:01:00.000Z',
    ]);

    const bad = await t.app.inject({ method: 'GET', url: '/api/audit?from=yesterday&pageSize=0', headers });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: { field: string }[] }>()
        .errors.map((error) => error.field)
        .sort(),
    ).toEqual(['/querystring/from', '/querystring/pageSize']);
  });
});
