import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { seedDemo } from './seed.js';

const PASSWORD = 'demo-pass-123';

describe('the demo street seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('creates 5 comprehensive grids → 9 governance units → 201 micro-grids, buildings and accounts, once', async () => {
    const first = await seedDemo(t.services, { password: PASSWORD });
    expect(first.created).toBe(true);
    const levels = rowsOf<{ level: string; n: number }>(
      await t.database.db.execute(
        sql`select level, count(*)::int as n from grids group by level order by level`,
      ),
    );
    expect(Object.fromEntries(levels.map((row) => [row.level, row.n]))).toEqual({
      district: 1,
      street: 1,
      area: 5,
      community: 9,
      microGrid: 201,
    });
    const [before] = rowsOf<{ buildings: number; users: number; revision: number }>(
      await t.database.db.execute(sql`select (select count(*)::int from buildings) as buildings,
        (select count(*)::int from users) as users, (select max(revision)::int from grids) as revision`),
    );
    expect(before!.buildings).toBeGreaterThan(200);

    const second = await seedDemo(t.services, { password: PASSWORD });
    expect(second.created).toBe(false);
    const [after] = rowsOf<typeof before>(
      await t.database.db.execute(sql`select (select count(*)::int from buildings) as buildings,
        (select count(*)::int from users) as users, (select max(revision)::int from grids) as revision`),
    );
    expect(after).toEqual(before);
  });

  it('lets every demo account sign in, and a worker sees only his micro-grid', async () => {
    const result = await seedDemo(t.services, { password: PASSWORD });
    for (const account of result.accounts) await login(t.app, account.username, PASSWORD);
    const worker = result.accounts.find((account) => account.username === 'worker1')!;
    const headers = await login(t.app, 'worker1', PASSWORD);
    const top = await t.app.inject({ url: '/api/grids', headers });
    expect(top.json()).toMatchObject({ total: 1, items: [{ code: worker.grids[0], level: 'microGrid' }] });
  });

  it('places every building of the demo street in its own micro-grid', async () => {
    const buildings = rowsOf<{ lng: number; lat: number; code: string }>(
      await t.database.db.execute(
        sql`select b.lng, b.lat, g.code from buildings b join grids g on g.id = b.grid_id`,
      ),
    );
    for (const building of buildings) {
      const chain = t.services.grids.locate(building.lng, building.lat);
      expect(chain.at(-1)?.code).toBe(building.code);
      expect(chain.map((entry) => entry.level)).toEqual([
        'district',
        'street',
        'area',
        'community',
        'microGrid',
      ]);
    }
  });
});
