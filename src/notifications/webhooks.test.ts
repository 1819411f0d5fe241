import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody, verifySignature, wantsType } from './webhooks.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers with the statuses it is given, in turn (then 200), and keeps what it got. */
async function receiver(
  statuses: number[],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses.shift() ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/gezhi`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhook signatures', () => {
  it('verifies the HMAC-SHA256 of the raw body and nothing else', () => {
    const body = '{"id":1,"type":"event.created","timestamp":1790000000}';
    const header = signBody('s3cret-s3cret-s3cret', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret-s3cret-s3cret', body, header)).toBe(true);
    expect(verifySignature('s3cret-s3cret-s3cret', body.replace('1790000000', '1790000001'), header)).toBe(
      false,
    );
    expect(verifySignature('another-secret-value', body, header)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', body, undefined)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', body, 'sha256=00')).toBe(false);
  });

  it('matches message types exactly, by prefix wildcard or all', () => {
    expect(wantsType(['event.created'], 'event.created')).toBe(true);
    expect(wantsType(['event.created'], 'event.closed')).toBe(false);
    expect(wantsType(['event.*'], 'event.closed')).toBe(true);
    expect(wantsType(['event.*'], 'eventual.thing')).toBe(false);
    expect(wantsType(['*'], 'anything')).toBe(true);
  });
});

describe('outbound webhooks', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  let admin: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    admin = await login(t.app, 'admin', PASSWORD);
  });
  afterAll(async () => t.close());

  async function createWebhook(payload: Record<string, unknown>) {
    const response = await t.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; secret: string; eventTypes: string[] }>();
  }

  async function deliveryRows() {
    return rowsOf<{
      id: number;
      webhook_id: number;
      status: string;
      attempts: number;
      last_status_code: number | null;
    }>(
      await t.database.db.execute(
        sql`select id::int as id, webhook_id, status, attempts, last_status_code from webhook_deliveries order by id`,
      ),
    );
  }

  it('is administered by administrators only, and shows the secret once', async () => {
    const worker = await login(t.app, 'worker111', PASSWORD);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: worker,
      payload: { url: 'http://example.invalid/x', eventTypes: ['*'] },
    });
    expect(refused.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/webhooks', headers: worker })).statusCode).toBe(403);

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: admin,
      payload: { url: 'ftp://example.invalid/x', eventTypes: ['not a type'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['/body/url', '/body/eventTypes/0']),
    );

    const created = await createWebhook({
      url: 'http://example.invalid/x',
      eventTypes: ['event.*'],
      active: false,
    });
    expect(created.secret).toMatch(/^whsec_/);
    const list = (await t.app.inject({ url: '/api/webhooks', headers: admin })).json<{ items: object[] }>();
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/webhooks/${created.id}`,
      headers: admin,
      payload: { description: '区城运平台', eventTypes: ['event.closed'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      description: '区城运平台',
      eventTypes: ['event.closed'],
      active: false,
    });
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: '/api/webhooks/9999',
          headers: admin,
          payload: { active: true },
        })
      ).statusCode,
    ).toBe(404);
    const [audit] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from audit_log where entity = 'webhook'`),
    );
    expect(audit!.n).toBe(2);
  });

  it('delivers a signed message, retrying with backoff until the receiver accepts it', async () => {
    const target = await receiver([500, 503]);
    try {
      const hook = await createWebhook({
        url: target.url,
        eventTypes: ['event.*'],
        secret: 'a-long-enough-secret-1',
      });
      await createWebhook({
        url: target.url,
        eventTypes: ['grid.changed'],
        secret: 'a-long-enough-secret-2',
      });

      const ids = await t.database.db.transaction((tx) =>
        t.services.webhooks.dispatch(tx, 'event.created', { eventId: 42, gridCode: '310113001001001' }),
      );
      expect(ids).toHaveLength(1); // the inactive one and the one for grid changes are not sent this type

      expect(await t.services.jobs.runDue()).toMatchObject({ retried: 1 });
      let [delivery] = (await deliveryRows()).filter((row) => row.id === ids[0]);
      expect(delivery).toMatchObject({
        webhook_id: hook.id,
        status: 'pending',
        attempts: 1,
        last_status_code: 500,
      });

      clock.advance(29_000);
      expect(await t.services.jobs.runDue()).toMatchObject({ claimed: 0 });
      clock.advance(1_000);
      expect(await t.services.jobs.runDue()).toMatchObject({ retried: 1 });
      clock.advance(60_000);
      expect(await t.services.jobs.runDue()).toMatchObject({ done: 1 });

      [delivery] = (await deliveryRows()).filter((row) => row.id === ids[0]);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
      expect(target.received).toHaveLength(3);
      for (const [i, request] of target.received.entries()) {
        expect(
          verifySignature(
            'a-long-enough-secret-1',
            request.body,
            request.headers[SIGNATURE_HEADER] as string,
          ),
        ).toBe(true);
        const body = JSON.parse(request.body) as {
          id: number;
          type: string;
          timestamp: number;
          attempt: number;
          data: unknown;
        };
        expect(body).toMatchObject({
          id: ids[0],
          type: 'event.created',
          attempt: i + 1,
          data: { eventId: 42 },
        });
        expect(request.headers[TIMESTAMP_HEADER]).toBe(String(body.timestamp));
        expect(request.headers['content-type']).toBe('application/json');
      }
      // a receiver checking with the wrong secret refuses it
      expect(
        verifySignature(
          'a-long-enough-secret-2',
          target.received[0]!.body,
          target.received[0]!.headers[SIGNATURE_HEADER] as string,
        ),
      ).toBe(false);

      const listed = await t.app.inject({ url: `/api/webhooks/${hook.id}/deliveries`, headers: admin });
      expect(listed.json()).toMatchObject({ total: 1, items: [{ status: 'delivered', attempts: 3 }] });
    } finally {
      await target.close();
    }
  });

  it('gives up after the last attempt and records the delivery as failed', async () => {
    const target = await receiver(Array.from({ length: 20 }, () => 500));
    try {
      const hook = await createWebhook({ url: target.url, eventTypes: ['ping'] });
      const ping = await t.app.inject({
        method: 'POST',
        url: `/api/webhooks/${hook.id}/ping`,
        headers: admin,
      });
      expect(ping.statusCode, ping.body).toBe(202);
      const deliveryId = ping.json<{ id: number }>().id;
      for (let i = 0; i < 10; i++) {
        await t.services.jobs.runDue();
        clock.advance(3_600_000);
      }
      const delivery = (await deliveryRows()).find((row) => row.id === deliveryId);
      expect(delivery).toMatchObject({ status: 'failed', attempts: 8, last_status_code: 500 });
      expect(target.received).toHaveLength(8);
    } finally {
      await target.close();
    }
  });
});
