import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { M111, M112, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

type Headers = { authorization: string };
/** Inside micro-grid M111. */
const HERE = { lng: 121.42, lat: 31.32 };

describe('patrols (民情日志): log, scope, a finding becomes one event', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  let personId: number;

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0701' });
    for (const name of ['admin', 'worker111', 'leader11', 'dept1', 'resident111', 'district']) {
      as[name] = await login(t.app, name, PASSWORD);
    }
    const [person] = rowsOf<{ id: number }>(
      await t.database.db.execute(sql`insert into persons (name, grid_id, created_at, updated_at)
        values ('张三丰', (select id from grids where code = ${M111}), now(), now()) returning id`),
    );
    personId = person!.id;
  });
  afterAll(async () => t.close());

  function patrol(overrides: Record<string, unknown> = {}) {
    return {
      gridCode: M111,
      startedAt: '2026-11-25T09:00:00+08:00',
      endedAt: '2026-11-25T10:00:00+08:00',
      route: [HERE, { lng: 121.421, lat: 31.321 }],
      places: ['3号楼'],
      visitedPersonIds: [personId],
      findings: [
        { text: '3号楼消防通道被电动车堵塞', categoryCode: '0701', point: HERE },
        { text: '无位置的发现' },
      ],
      ...overrides,
    };
  }

  async function events(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from events where source = 'patrol'`),
    );
    return row!.n;
  }

  it('records a patrol and shows visited people by name to the worker', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.worker111!,
      payload: patrol(),
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body.gridCode).toBe(M111);
    expect(body.visited).toEqual([{ personId, name: '张三丰' }]);
    expect(body.findings[0]).toMatchObject({ text: '3号楼消防通道被电动车堵塞', eventId: null });
    // the district reads it with the name masked
    const seen = await t.app.inject({ url: `/api/patrols/${body.id}`, headers: as.district! });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().visited[0].name).toBe('张**');
  });

  it("refuses a grid outside the scope, an unknown person, a resident, and hides others' patrols", async () => {
    const outside = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.worker111!,
      payload: patrol({ gridCode: M112 }),
    });
    expect(outside.statusCode).toBe(404);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.worker111!,
      payload: patrol({ visitedPersonIds: [999999] }),
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('/body/visitedPersonIds/0');
    const resident = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.resident111!,
      payload: patrol(),
    });
    expect(resident.statusCode).toBe(403);
    // the leader's patrol of M112 is out of the worker's scope (bound to M111)
    const leaders = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.leader11!,
      payload: patrol({ gridCode: M112, visitedPersonIds: [], findings: [] }),
    });
    expect(leaders.statusCode, leaders.body).toBe(201);
    const id = leaders.json().id;
    expect((await t.app.inject({ url: `/api/patrols/${id}`, headers: as.worker111! })).statusCode).toBe(404);
    const list = (await t.app.inject({ url: '/api/patrols', headers: as.worker111! })).json();
    expect(list.items.map((p: { gridCode: string }) => p.gridCode)).toEqual([M111]);
    const leaderList = (
      await t.app.inject({ url: `/api/patrols?grid=${M112}`, headers: as.leader11! })
    ).json();
    expect(leaderList.total).toBe(1);
    const byWorker = await t.app.inject({
      url: '/api/patrols?from=2026-11-26T00:00:00Z',
      headers: as.leader11!,
    });
    expect(byWorker.json().total).toBe(0);
  });

  it('turns a finding into exactly one event, linked back; a second call answers the same event', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: as.worker111!,
      payload: patrol(),
    });
    const id = created.json().id;
    const before = await events();
    const first = await t.app.inject({
      method: 'POST',
      url: `/api/patrols/${id}/findings/0/report`,
      headers: as.worker111!,
      payload: {},
    });
    expect(first.statusCode, first.body).toBe(201);
    const { eventId } = first.json();
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/patrols/${id}/findings/0/report`,
      headers: as.leader11!,
      payload: {},
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ eventId, created: false });
    expect(await events()).toBe(before + 1);
    const event = (await t.app.inject({ url: `/api/events/${eventId}`, headers: as.worker111! })).json();
    expect(event).toMatchObject({
      source: 'patrol',
      categoryCode: '0701',
      description: '3号楼消防通道被电动车堵塞',
    });
    const shown = (await t.app.inject({ url: `/api/patrols/${id}`, headers: as.worker111! })).json();
    expect(shown.findings[0].eventId).toBe(eventId);
    // a finding without a point cannot be reported; one that does not exist is 404
    const noPoint = await t.app.inject({
      method: 'POST',
      url: `/api/patrols/${id}/findings/1/report`,
      headers: as.worker111!,
      payload: { categoryCode: '0701' },
    });
    expect(noPoint.statusCode).toBe(422);
    const missing = await t.app.inject({
      method: 'POST',
      url: `/api/patrols/${id}/findings/7/report`,
      headers: as.worker111!,
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    expect(await events()).toBe(before + 1);
  });
});
