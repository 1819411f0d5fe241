import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

type Headers = { authorization: string };
type Item = { id: number; state: string; actions?: string[]; deadlines?: unknown[] };

/** Inside micro-grid M111. */
const HERE = { lng: 121.42, lat: 31.32 };

describe('events list: actionable=true (a grid worker’s tasks in the phone app)', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, {
      code: '0101',
      closingStandards: [{ zh: '现场已清理', en: 'Site cleared' }],
    });
    for (const name of ['centre1', 'worker111', 'resident111']) as[name] = await login(t.app, name, PASSWORD);
    const { rows } = (await t.database.db.execute(sql`select id, username from users`)) as unknown as {
      rows: { id: number; username: string }[];
    };
    for (const row of rows) ids[row.username] = row.id;
  });
  afterAll(async () => t.close());

  async function report(who: string, source: string): Promise<number> {
    clock.advance(25 * 3600_000);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as[who]!,
      payload: { source, categoryCode: '0101', title: '垃圾堆放', location: HERE },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number }>().id;
  }
  async function list(who: string, query: string): Promise<{ items: Item[]; total: number }> {
    const response = await t.app.inject({ url: `/api/events?${query}`, headers: as[who]! });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }
  async function detailActions(who: string, id: number): Promise<string[]> {
    return (await t.app.inject({ url: `/api/events/${id}`, headers: as[who]! })).json<{ actions: string[] }>()
      .actions;
  }

  it('lists only the events the worker may act on, with the same actions as the detail', async () => {
    const residents = await report('resident111', 'resident');
    const own = await report('worker111', 'patrol');
    const checked = await report('resident111', 'resident');
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/events/${checked}/actions/request_field_check`,
      headers: as.centre1!,
      payload: { assigneeUserId: ids.worker111 },
    });
    expect(sent.statusCode, sent.body).toBe(200);

    const all = await list('worker111', 'pageSize=200');
    const tasks = await list('worker111', 'actionable=true&pageSize=200');
    expect(tasks.total).toBe(tasks.items.length);
    expect(tasks.total).toBeLessThanOrEqual(all.total);
    for (const item of tasks.items) {
      expect(item.actions).toEqual(await detailActions('worker111', item.id));
      expect(item.actions!.length).toBeGreaterThan(0);
      expect(Array.isArray(item.deadlines)).toBe(true);
    }
    const byId = new Map(tasks.items.map((item) => [item.id, item]));
    expect(byId.get(checked)?.actions).toContain('report_field_check');
    expect(byId.get(own)?.actions).toContain('self_handle');
    // every event left out really offers him nothing
    for (const item of all.items.filter((entry) => !byId.has(entry.id))) {
      expect(await detailActions('worker111', item.id)).toEqual([]);
    }
    // the plain list carries no actions
    expect(all.items.every((item) => item.actions === undefined)).toBe(true);

    // once the field check is reported back, it leaves his tasks unless something else is open to him
    await t.app.inject({
      method: 'POST',
      url: `/api/events/${checked}/actions/report_field_check`,
      headers: as.worker111!,
      payload: { confirmed: true },
    });
    const after = await list('worker111', 'actionable=true&pageSize=200');
    const left = after.items.find((item) => item.id === checked);
    expect(left?.actions ?? []).not.toContain('report_field_check');
    expect(residents).toBeGreaterThan(0);
  });

  it('pages the actionable list and combines it with mine=true', async () => {
    const first = await list('worker111', 'actionable=true&pageSize=1&page=1');
    const second = await list('worker111', 'actionable=true&pageSize=1&page=2');
    expect(first.items).toHaveLength(1);
    expect(second.total).toBe(first.total);
    if (first.total > 1) expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    const mine = await list('worker111', 'actionable=true&mine=true&pageSize=200');
    const reported = await list('worker111', 'mine=true&pageSize=200');
    const reportedIds = new Set(reported.items.map((item) => item.id));
    expect(mine.items.every((item) => reportedIds.has(item.id))).toBe(true);
    expect(mine.total).toBeGreaterThan(0);
    // a resident is offered nothing on an open report of his, so his task list is empty
    const resident = await list('resident111', 'actionable=true');
    for (const item of resident.items) expect(item.actions!.length).toBeGreaterThan(0);
  });
});
