import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { Scope } from '../accounts/scope.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { M111, M112, M21, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import type { NotificationMessage } from './service.js';

type Headers = { authorization: string };

const DISPATCHED: NotificationMessage = {
  kind: 'event.dispatched',
  title: { zh: '新派遣事件', en: 'New event dispatched' },
  body: { zh: '请在时限内处置', en: 'Please handle it within the deadline' },
  link: '/events/42',
  data: { eventId: 42 },
};

interface ListBody {
  items: {
    id: number;
    kind: string;
    data: Record<string, unknown>;
    title: { zh: string; en: string };
    readAt: string | null;
    link: string | null;
  }[];
  total: number;
  unread: number;
}

describe('the in-app inbox', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const userIds: Record<string, number> = {};
  const as: Record<string, Headers> = {};

  async function pathOf(code: string): Promise<string> {
    return (await t.services.grids.get(code, Scope.everything())).path;
  }

  async function inbox(username: string, query = ''): Promise<ListBody> {
    const response = await t.app.inject({ url: `/api/notifications${query}`, headers: as[username] });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ListBody>();
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const row of rowsOf<{ id: number; username: string }>(
      await t.database.db.execute(sql`select id, username from users`),
    )) {
      userIds[row.username] = row.id;
    }
    for (const username of ['admin', 'worker111', 'leader11', 'centre1', 'dept1', 'district']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
  });
  afterAll(async () => t.close());

  it('finds the users of the asked roles bound to the grid or to one of its ancestors', async () => {
    const { notifications } = t.services;
    const db = t.database.db;
    const m111 = await pathOf(M111);
    const byRole = (
      roles: Parameters<typeof notifications.recipientsByRoleInGrids>[1]['roles'],
      paths: string[],
    ) => notifications.recipientsByRoleInGrids(db, { roles, gridPaths: paths });

    // worker bound to M111 itself, leader to its area, command centre to its street
    expect(await byRole(['grid_worker', 'grid_leader', 'command_centre'], [m111])).toEqual(
      [userIds.worker111, userIds.leader11, userIds.centre1].sort((a, b) => a! - b!),
    );
    // a sibling micro-grid: the area's leader covers it, the worker of M111 does not
    expect(await byRole(['grid_worker', 'grid_leader'], [await pathOf(M112)])).toEqual([userIds.leader11]);
    // the other street: nobody of street 1
    expect(
      await byRole(['grid_worker', 'grid_leader', 'command_centre', 'department'], [await pathOf(M21)]),
    ).toEqual([]);
    // the district user is bound above everything
    expect(await byRole(['district'], [await pathOf(M21)])).toEqual([userIds.district]);
    // administrators are bound to nothing and responsible everywhere, when asked for
    expect(await byRole(['admin'], [m111])).toEqual([userIds.admin]);
    // grid ids work as well as paths, and the actor can be left out
    const m111Id = (await t.services.grids.get(M111, Scope.everything())).id;
    expect(
      await notifications.recipientsByRoleInGrids(db, {
        roles: ['grid_worker', 'grid_leader'],
        gridIds: [m111Id],
        exceptUserIds: [userIds.leader11!],
      }),
    ).toEqual([userIds.worker111]);
  });

  it('writes notifications in the caller’s transaction: a rolled-back change notifies nobody', async () => {
    const m111 = await pathOf(M111);
    await expect(
      t.database.db.transaction(async (tx) => {
        await t.services.notifications.notifyRoleInGrids(tx, {
          roles: ['grid_worker'],
          gridPaths: [m111],
          message: DISPATCHED,
        });
        throw new Error('dispatch failed');
      }),
    ).rejects.toThrow('dispatch failed');
    expect((await inbox('worker111')).total).toBe(0);

    const recipients = await t.database.db.transaction((tx) =>
      t.services.notifications.notifyRoleInGrids(tx, {
        roles: ['grid_worker', 'grid_leader'],
        gridPaths: [m111],
        message: DISPATCHED,
      }),
    );
    expect(recipients).toHaveLength(2);
  });

  it('shows each user only his own notifications, with the unread count', async () => {
    const worker = await inbox('worker111');
    expect(worker).toMatchObject({ total: 1, unread: 1 });
    expect(worker.items[0]).toMatchObject({
      kind: 'event.dispatched',
      title: DISPATCHED.title,
      link: '/events/42',
      data: { eventId: 42 },
      readAt: null,
    });
    expect((await inbox('leader11')).total).toBe(1);
    expect((await inbox('centre1')).total).toBe(0);
    expect((await inbox('dept1')).total).toBe(0);
    expect((await t.app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
  });

  it('marks one read for its owner only; another user’s id answers 404 and changes nothing', async () => {
    const [mine] = (await inbox('worker111')).items;
    const [leaders] = (await inbox('leader11')).items;

    const stolen = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${leaders!.id}/read`,
      headers: as.worker111,
    });
    expect(stolen.statusCode).toBe(404);
    expect(stolen.headers['content-type']).toContain('application/problem+json');
    expect((await inbox('leader11')).unread).toBe(1);

    clock.advance(60_000);
    const read = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${mine!.id}/read`,
      headers: as.worker111,
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ readAt: string }>().readAt).toBe(clock.now().toISOString());
    const after = await inbox('worker111');
    expect(after).toMatchObject({ total: 1, unread: 0 });
    expect((await inbox('worker111', '?unread=true')).items).toEqual([]);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/notifications/999999/read', headers: as.worker111 }))
        .statusCode,
    ).toBe(404);
  });

  it('marks all of the reader’s notifications read, and pages newest first', async () => {
    await t.database.db.transaction(async (tx) => {
      for (let i = 1; i <= 3; i++) {
        clock.advance(1000);
        await t.services.notifications.notify(tx, [userIds.centre1!], {
          ...DISPATCHED,
          title: { zh: `通知${i}`, en: `Notice ${i}` },
        });
      }
    });
    const page = await inbox('centre1', '?pageSize=2');
    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.title.en)).toEqual(['Notice 3', 'Notice 2']);
    const all = await t.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: as.centre1,
    });
    expect(all.json()).toEqual({ updated: 3 });
    expect((await inbox('centre1')).unread).toBe(0);
    expect((await inbox('leader11')).unread).toBe(1); // someone else's stay unread
  });
});
