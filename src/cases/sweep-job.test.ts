/**
 * 案例库归集 the case sweep as a durable job: closed events become cases without anyone reading the library, the job
 * reschedules itself, and a restart keeps exactly one pending sweep.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { ManualClock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { policyWith } from '../core/policy.js';
import { engine, freshDatabase, login, testConfig } from '../../test/helpers.js';
import { buildCategory } from '../../test/factories.js';
import { createRoleUsers, importSmallMap, PASSWORD } from '../../test/grid-fixtures.js';
import { CASE_SWEEP_JOB } from './service.js';

describe(`case library: the sweep job (${engine})`, () => {
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const policy = policyWith({ caseLibrary: { sweepSeconds: 60 } });
  const config = testConfig({ tokenTtlSeconds: 10 * 365 * 24 * 3600 });
  let database: Database;
  let built: Awaited<ReturnType<typeof buildApp>>;
  let worker: Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase();
    built = await buildApp({ config, database, clock, policy });
    await built.app.ready();
    await importSmallMap(built.services);
    await createRoleUsers(built.services);
    await buildCategory(built.services, { code: '0101', filingStandards: [], closingStandards: [] });
    worker = await login(built.app, 'worker111', PASSWORD);
  });
  afterAll(async () => {
    await built.app.close();
    await database.close();
  });

  async function pendingSweeps(): Promise<{ run_at: string }[]> {
    return rowsOf(
      await database.db.execute(sql`select run_at::text from jobs
        where kind = ${CASE_SWEEP_JOB} and state = 'pending'`),
    );
  }
  async function caseCount(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from cases`));
    return row!.n;
  }
  async function closedEvent(title: string, note: string): Promise<number> {
    clock.advance(25 * 3600_000);
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: worker,
      payload: { source: 'patrol', categoryCode: '0101', title, location: { lng: 121.42, lat: 31.32 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    for (const [action, body] of [
      ['self_handle', { note }],
      ['close', { closingStandards: [] }],
    ] as const) {
      const response = await built.app.inject({
        method: 'POST',
        url: `/api/events/${id}/actions/${action}`,
        headers: worker,
        payload: body,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    return id;
  }

  it('makes cases of closed events by itself and reschedules', async () => {
    expect(await pendingSweeps()).toHaveLength(1);
    const id = await closedEvent('楼道堆放杂物', '已清理楼道杂物');
    expect(await caseCount()).toBe(0);
    clock.advance(61_000);
    await built.services.jobs.runDue();
    const [made] = rowsOf<{ event_id: number; solution: string }>(
      await database.db.execute(sql`select event_id, solution from cases`),
    );
    expect(made).toEqual({ event_id: id, solution: '已清理楼道杂物' });
    const next = await pendingSweeps();
    expect(next).toHaveLength(1);
    expect(Date.parse(next[0]!.run_at)).toBe(clock.now().getTime() + 60_000);
    // a second run finds nothing new and writes nothing twice
    clock.advance(61_000);
    await built.services.jobs.runDue();
    expect(await caseCount()).toBe(1);
  });

  it('survives a restart with one pending sweep, which the new server runs', async () => {
    const before = await pendingSweeps();
    await built.app.close();
    built = await buildApp({ config, database, clock, policy });
    await built.app.ready();
    worker = await login(built.app, 'worker111', PASSWORD);
    expect(await pendingSweeps()).toEqual(before);
    await closedEvent('路灯不亮', '已更换灯泡');
    clock.advance(61_000);
    await built.services.jobs.runDue();
    expect(await caseCount()).toBe(2);
    expect(await pendingSweeps()).toHaveLength(1);
  });
});
