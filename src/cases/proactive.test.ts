import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { M111, M112, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

type Headers = { authorization: string };

describe('未诉先办: hotspots of recurring problems and proactive tasks', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    await buildCategory(t.services, { code: '0109' });
    for (const name of ['worker111', 'centre1', 'leader11']) as[name] = await login(t.app, name, PASSWORD);
    const reports: [string, number, number][] = [
      ['0101', 121.42, 31.32],
      ['0101', 121.42, 31.32002],
      ['0101', 121.42, 31.32004],
      ['0109', 121.42, 31.32],
      ['0109', 121.42, 31.32001],
      ['0101', 121.43, 31.33],
    ];
    for (const [categoryCode, lng, lat] of reports) {
      clock.advance(3600_000);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: as.worker111!,
        payload: { source: 'patrol', categoryCode, title: '问题', location: { lng, lat } },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  });
  afterAll(async () => t.close());

  it('finds the one category and cell reported three times, not the twice or once reported ones', async () => {
    const list = await t.app.inject({ url: `/api/proactive/hotspots?grid=${M111}`, headers: as.centre1! });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json<{
      items: { key: string; categoryCode: string; count: number; taskEventId: null }[];
    }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ categoryCode: '0101', count: 3, taskEventId: null });
    expect(
      (await t.app.inject({ url: `/api/proactive/hotspots?grid=${M112}`, headers: as.centre1! })).json()
        .items,
    ).toEqual([]);
    // a worker of M111 may not look into M112's grid filter outside his scope
    expect(
      (await t.app.inject({ url: `/api/proactive/hotspots?grid=${M112}`, headers: as.worker111! }))
        .statusCode,
    ).toBe(404);
  });

  it('turns a hotspot into one proactive event; the window forgets old reports', async () => {
    const key = (await t.app.inject({ url: '/api/proactive/hotspots', headers: as.centre1! })).json().items[0]
      .key;
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/proactive/hotspots/${key}/task`,
          headers: as.worker111!,
        })
      ).statusCode,
    ).toBe(403);
    const task = await t.app.inject({
      method: 'POST',
      url: `/api/proactive/hotspots/${key}/task`,
      headers: as.centre1!,
    });
    expect(task.statusCode, task.body).toBe(201);
    const event = (await t.app.inject({ url: `/api/events/${task.json().id}`, headers: as.centre1! })).json();
    expect(event).toMatchObject({ source: 'proactive', categoryCode: '0101' });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/proactive/hotspots/${key}/task`,
      headers: as.centre1!,
    });
    expect(again.statusCode).toBe(409);
    const listed = (await t.app.inject({ url: '/api/proactive/hotspots', headers: as.centre1! })).json()
      .items;
    expect(listed[0].taskEventId).toBe(task.json().id);
    clock.advance(31 * 86_400_000);
    expect(
      (await t.app.inject({ url: '/api/proactive/hotspots', headers: as.centre1! })).json().items,
    ).toEqual([]);
  });
});
