import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { M112, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

type Headers = { authorization: string };

describe('case library (案例库): closed events become cases, similar cases ranked', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  const as: Record<string, Headers> = {};
  const closed: Record<string, number> = {};

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { tokenTtlSeconds: 10 * 365 * 24 * 3600 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    await buildCategory(t.services, { code: '0109' });
    for (const name of ['admin', 'worker111', 'leader11', 'centre1', 'dept1']) {
      as[name] = await login(t.app, name, PASSWORD);
    }
  });
  afterAll(async () => t.close());

  async function act(who: string, id: number, action: string, body: Record<string, unknown>) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  /** A report by the worker that he handles and closes himself. */
  async function closedEvent(categoryCode: string, title: string, description: string, solution: string) {
    clock.advance(25 * 3600_000);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: { source: 'patrol', categoryCode, title, description, location: { lng: 121.42, lat: 31.32 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    await act('worker111', id, 'self_handle', { note: solution });
    const detail = (await t.app.inject({ url: `/api/events/${id}`, headers: as.worker111! })).json<{
      category: { closingStandards: unknown[] };
    }>();
    await act('worker111', id, 'close', {
      closingStandards: detail.category.closingStandards.map((_, i) => i),
    });
    return id;
  }

  it('makes cases of closed events with the handling notes as the solution', async () => {
    closed.noise = await closedEvent(
      '0109',
      '深夜装修噪音扰民',
      '楼上邻居深夜装修噪音很大',
      '协调邻居约定施工时间',
    );
    closed.lane = await closedEvent(
      '0101',
      '消防通道被车辆堵塞',
      '小区消防通道停满私家车',
      '物业贴单后车辆挪走',
    );
    closed.garbage = await closedEvent('0101', '垃圾堆放', '小区门口垃圾堆放', '环卫当天清运');
    const made = await t.app.inject({
      method: 'POST',
      url: `/api/cases/from-event/${closed.lane}`,
      headers: as.centre1!,
    });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({
      eventId: closed.lane,
      solution: '物业贴单后车辆挪走',
      typical: false,
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/cases/from-event/${closed.lane}`,
      headers: as.centre1!,
    });
    expect(again.json().id).toBe(made.json().id);
    // an open event is not a case yet; a grid worker may not curate
    clock.advance(25 * 3600_000);
    const open = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: '3号楼消防通道堵塞',
        location: { lng: 121.42, lat: 31.32 },
      },
    });
    closed.open = open.json().id;
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/cases/from-event/${closed.open}`,
          headers: as.centre1!,
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/cases/from-event/${closed.lane}`,
          headers: as.worker111!,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('ranks the fire-lane case first for a fire-lane query and for the open fire-lane event', async () => {
    const hits = (
      await t.app.inject({
        url: `/api/cases/similar?text=${encodeURIComponent('消防通道被电动车堵住')}`,
        headers: as.worker111!,
      })
    ).json<{ items: { eventId: number; score: number }[] }>().items;
    expect(hits[0]!.eventId).toBe(closed.lane);
    const noise = hits.findIndex((hit) => hit.eventId === closed.noise);
    expect(noise === -1 || noise > 0).toBe(true);
    const forEvent = (
      await t.app.inject({ url: `/api/events/${closed.open}/similar-cases`, headers: as.worker111! })
    ).json<{ items: { eventId: number }[] }>().items;
    expect(forEvent[0]!.eventId).toBe(closed.lane);
    expect(forEvent.map((hit) => hit.eventId)).not.toContain(closed.open);
    const noiseHits = (
      await t.app.inject({
        url: `/api/cases/similar?text=${encodeURIComponent('噪音扰民')}`,
        headers: as.worker111!,
      })
    ).json<{ items: { eventId: number }[] }>().items;
    expect(noiseHits[0]!.eventId).toBe(closed.noise);
  });

  it('lets the street curate a case and keeps cases within scope', async () => {
    const hits = (
      await t.app.inject({
        url: `/api/cases/similar?text=${encodeURIComponent('垃圾')}`,
        headers: as.centre1!,
      })
    ).json<{ items: { id: number; eventId: number }[] }>().items;
    const id = hits[0]!.id;
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/cases/${id}`,
      headers: as.centre1!,
      payload: { solution: '联系环卫所当天清运，并加装监控', typical: true },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ typical: true, solution: '联系环卫所当天清运，并加装监控' });
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/cases/${id}`,
          headers: as.worker111!,
          payload: { typical: false },
        })
      ).statusCode,
    ).toBe(403);
    // a user bound to M112 does not see the cases of M111 (nor the event's similar cases)
    await t.services.accounts.createUser(
      {
        username: 'worker112',
        displayName: 'w',
        password: PASSWORD,
        roles: ['grid_worker'],
        grids: [M112],
      },
      { userId: null, name: 'test' },
    );
    const other = await login(t.app, 'worker112', PASSWORD);
    const none = (
      await t.app.inject({ url: `/api/cases/similar?text=${encodeURIComponent('消防通道')}`, headers: other })
    ).json().items;
    expect(none).toEqual([]);
    expect(
      (await t.app.inject({ url: `/api/events/${closed.open}/similar-cases`, headers: other })).statusCode,
    ).toBe(404);
  });
});
