import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../core/db.js';
import { buildTestApp, type TestApp } from '../../test/helpers.js';
import { createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { buildCategory } from '../../test/factories.js';

const SECRET = 'test-hotline-secret';

describe('12345 hotline webhook', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ config: { hotlineSecret: SECRET } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    await buildCategory(t.services, { code: '0701' });
    await buildCategory(t.services, { code: '0101' });
  });
  afterAll(async () => {
    await t.close();
  });

  const ticket = {
    ticket: '2026112500123',
    content: '3号楼消防通道被车辆堵塞，请尽快处理',
    location: { lng: 121.42, lat: 31.32 },
  };
  async function count(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from events where source = 'hotline'`),
    );
    return row!.n;
  }

  it('refuses a missing or wrong secret and writes nothing', async () => {
    for (const headers of [{}, { 'x-hotline-secret': 'wrong' }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/hotline/tickets',
        headers,
        payload: ticket,
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('bad_hotline_secret');
    }
    expect(await count()).toBe(0);
  });

  it('files a ticket once, keeping its number and mapping the category by keyword; a repeat changes nothing', async () => {
    const headers = { 'x-hotline-secret': SECRET };
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/hotline/tickets',
      headers,
      payload: ticket,
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/hotline/tickets',
      headers,
      payload: ticket,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ eventId: first.json().eventId, created: false });
    expect(await count()).toBe(1);
    const [row] = rowsOf<{ hotline_ticket: string; category_code: string }>(
      await t.database.db.execute(
        sql`select hotline_ticket, category_code from events where id = ${first.json().eventId}`,
      ),
    );
    expect(row).toEqual({ hotline_ticket: '2026112500123', category_code: '0701' });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/hotline/tickets',
      headers,
      payload: { ...ticket, ticket: 'X2', location: { lng: 100, lat: 10 } },
    });
    expect(bad.statusCode).toBe(422);
    expect(await count()).toBe(1);
  });
});
