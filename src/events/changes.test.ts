import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../core/db.js';
import type { ChangeMessage } from '../notifications/stream.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { createRoleUsers, importSmallMap, PASSWORD } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

/** A point inside micro-grid M111 of the small test map. */
const HERE = { lng: 121.42, lat: 31.32 };

/**
 * Committed event changes reach the live stream of those whose grids cover the event (and nobody else), and the
 * outbound webhooks that asked for them.
 */
describe('event changes on the live stream and webhooks', () => {
  let t: TestApp;
  const as: Record<string, { authorization: string }> = {};

  beforeAll(async () => {
    t = await buildTestApp({});
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0101' });
    for (const name of ['admin', 'worker111', 'centre1', 'district'])
      as[name] = await login(t.app, name, PASSWORD);
  });
  afterAll(async () => t.close());

  async function listen(username: string): Promise<ChangeMessage[]> {
    const user = await t.services.accounts.authenticate(as[username]!.authorization.slice('Bearer '.length));
    const received: ChangeMessage[] = [];
    t.services.stream.subscribe({
      userId: user!.id,
      scope: user!.scope,
      send: (message) => received.push(message),
      close: () => undefined,
    });
    return received;
  }

  it('publishes a report and each action to the stream, scoped by grid, and queues webhook deliveries', async () => {
    const worker = await listen('worker111');
    const centre = await listen('centre1');
    const webhook = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: as.admin,
      payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['event.*'] },
    });
    expect(webhook.statusCode, webhook.body).toBe(201);

    const reported = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111,
      payload: { source: 'patrol', categoryCode: '0101', title: '垃圾堆放', location: HERE },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const { id } = reported.json<{ id: number }>();
    const claimed = await t.app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/claim`,
      headers: as.centre1,
      payload: {},
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    await t.services.eventChanges.settled();

    // through NOTIFY on PostgreSQL: the message comes back a moment after the statement
    await expect.poll(() => centre.map((message) => message.type)).toEqual(['event.reported', 'event.claim']);
    expect(centre.every((message) => message.id === id)).toBe(true);
    expect(centre[1]!.state).toBe(claimed.json<{ state: string }>().state);
    // the worker's micro-grid holds the event: he sees it too
    await expect.poll(() => worker.map((message) => message.type)).toEqual(['event.reported', 'event.claim']);

    const deliveries = rowsOf<{ event_type: string }>(
      await t.database.db.execute(sql`select event_type from webhook_deliveries order by id`),
    );
    expect(deliveries.map((row) => row.event_type)).toEqual(['event.reported', 'event.claim']);
  });

  it('does not send a change to a subscriber whose grids do not cover the event', async () => {
    const outsider = await t.services.accounts.createUser(
      {
        username: 'worker21',
        displayName: '其他网格员',
        password: PASSWORD,
        roles: ['grid_worker'],
        grids: ['310113002001'],
      },
      { userId: null, name: 'test' },
    );
    expect(outsider.id).toBeGreaterThan(0);
    as.worker21 = await login(t.app, 'worker21', PASSWORD);
    const other = await listen('worker21');
    const everyone = await listen('district');
    const reported = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: '又见垃圾',
        location: { lng: 121.4205, lat: 31.3205 },
      },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    await t.services.eventChanges.settled();
    await expect.poll(() => everyone.length).toBe(1);
    expect(other).toEqual([]);
  });
});
