import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { openDatabase } from '../core/db.js';
import { Scope } from '../accounts/scope.js';
import { buildTestApp, engine, login, testConfig, type TestApp } from '../../test/helpers.js';
import { A11, M111, M112, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import type { ChangeMessage } from './stream.js';

/** A client of GET /api/stream over real HTTP: collects the messages and comment lines it receives. */
class StreamClient {
  readonly messages: ChangeMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private buffer = '';
  private done: Promise<void> = Promise.resolve();

  async open(url: string, headers: Record<string, string> = {}): Promise<this> {
    const response = await fetch(url, { headers, signal: this.abort.signal });
    this.status = response.status;
    if (response.status !== 200 || !response.body) return this;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = this.buffer.indexOf('\n\n')) >= 0) {
            const block = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            for (const line of block.split('\n')) {
              if (line.startsWith('data: ')) this.messages.push(JSON.parse(line.slice(6)) as ChangeMessage);
              else if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
            }
          }
        }
      } catch {
        /* aborted */
      }
    })();
    return this;
  }

  /** Wait until a message of this type has arrived. */
  async waitFor(predicate: (message: ChangeMessage) => boolean, what: string): Promise<void> {
    const until = Date.now() + 10_000;
    while (!this.messages.some(predicate)) {
      if (Date.now() > until) throw new Error(`no ${what} after 10 s: ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the live stream over a listening server', () => {
  let t: TestApp;
  let base: string;
  const tokens: Record<string, string> = {};
  const paths: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp({ config: { streamHeartbeatMs: 100 } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'worker111', 'leader11', 'resident111']) {
      tokens[username] = (await login(t.app, username, PASSWORD)).authorization.slice('Bearer '.length);
    }
    for (const code of [M111, M112, A11]) {
      paths[code] = (await t.services.grids.get(code, Scope.everything())).path;
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => t.close());

  it('refuses a reader without a valid token', async () => {
    expect((await new StreamClient().open(`${base}/api/stream`)).status).toBe(401);
    expect((await new StreamClient().open(`${base}/api/stream?token=not-a-token`)).status).toBe(401);
    // the query-string token is accepted by the stream only
    const me = await fetch(`${base}/api/auth/me?token=${tokens.worker111}`);
    expect(me.status).toBe(401);
  });

  it('delivers each reader only the messages within his data scope or addressed to him, with heartbeats', async () => {
    const worker = await new StreamClient().open(`${base}/api/stream`, {
      authorization: `Bearer ${tokens.worker111}`,
    });
    const leader = await new StreamClient().open(`${base}/api/stream?token=${tokens.leader11}`);
    const admin = await new StreamClient().open(`${base}/api/stream`, {
      authorization: `Bearer ${tokens.admin}`,
    });
    expect([worker.status, leader.status, admin.status]).toEqual([200, 200, 200]);
    await until(() => t.services.stream.subscriberCount() === 3, 'three subscribers');

    const { stream } = t.services;
    await stream.publish({ type: 'event.created', id: 1, gridPath: paths[M111]! });
    await stream.publish({ type: 'event.created', id: 2, gridPath: paths[M112]! });
    await stream.publish({ type: 'event.closed', id: 3, gridPath: paths[A11]! });
    await stream.publish({ type: 'notification.created', userIds: [999_999], id: 4 });
    await stream.publish({ type: 'system.notice', id: 5 });
    await stream.publish({ type: 'marker', id: 99, gridPath: paths[M111]! });
    for (const client of [worker, leader, admin]) await client.waitFor((m) => m.type === 'marker', 'marker');

    const ids = (client: StreamClient) => client.messages.map((message) => message.id);
    expect(ids(worker)).toEqual([1, 99]); // M111 only: not its sibling M112, not the area above it
    expect(ids(leader)).toEqual([1, 2, 3, 99]); // the area and everything below it
    expect(ids(admin)).toEqual([1, 2, 3, 5, 99]); // everything, except a message addressed to others
    expect(worker.messages[0]).toMatchObject({
      type: 'event.created',
      gridPath: paths[M111],
      at: expect.any(String),
    });

    await until(() => worker.comments.some((comment) => comment.startsWith('heartbeat')), 'a heartbeat');

    await Promise.all([worker.close(), leader.close(), admin.close()]);
    await until(() => t.services.stream.subscriberCount() === 0, 'subscribers cleaned up after disconnect');
  });

  it('tells a user of a new notification when, and only when, its transaction commits', async () => {
    const before = t.services.stream.subscriberCount();
    const resident = await new StreamClient().open(`${base}/api/stream?token=${tokens.resident111}`);
    const worker = await new StreamClient().open(`${base}/api/stream?token=${tokens.worker111}`);
    await until(() => t.services.stream.subscriberCount() === before + 2, 'two subscribers');
    const me = await t.app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${tokens.worker111}` },
    });
    const workerId = me.json<{ id: number }>().id;
    const message = { kind: 'event.dispatched', title: { zh: '派遣', en: 'Dispatched' } };

    await expect(
      t.database.db.transaction(async (tx) => {
        await t.services.notifications.notify(tx, [workerId], { ...message, data: { try: 'rolled back' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow();
    await t.database.db.transaction((tx) => t.services.notifications.notify(tx, [workerId], message));
    await worker.waitFor((m) => m.type === 'notification.created', 'notification.created');
    await t.services.stream.publish({ type: 'marker', gridPath: paths[M111]! });
    await resident.waitFor((m) => m.type === 'marker', 'marker');

    expect(worker.messages.filter((m) => m.type === 'notification.created')).toEqual([
      expect.objectContaining({
        type: 'notification.created',
        kind: 'event.dispatched',
        userIds: [workerId],
      }),
    ]);
    expect(resident.messages.map((m) => m.type)).toEqual(['marker']);
    await Promise.all([resident.close(), worker.close()]);
  });

  it.skipIf(engine !== 'postgres')(
    'carries a message published by another server process on the same database (LISTEN/NOTIFY)',
    async () => {
      const url = (t.database as { url?: string }).url!;
      const otherDatabase = await openDatabase({ databaseUrl: url, poolSize: 2 });
      const other = await buildApp({ config: testConfig(), database: otherDatabase });
      try {
        const worker = await new StreamClient().open(`${base}/api/stream?token=${tokens.worker111}`);
        await until(() => t.services.stream.subscriberCount() === 1, 'one subscriber');
        await other.services.stream.publish({ type: 'event.created', id: 7, gridPath: paths[M111]! });
        await other.services.stream.publish({ type: 'event.created', id: 8, gridPath: paths[M112]! });
        await other.services.stream.publish({ type: 'marker', gridPath: paths[M111]! });
        await worker.waitFor((m) => m.type === 'marker', 'marker from the other process');
        expect(worker.messages.map((m) => m.id)).toEqual([7, undefined]);
        await worker.close();
      } finally {
        await other.app.close();
        await otherDatabase.close();
      }
    },
  );
});
