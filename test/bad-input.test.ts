import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/core/db.js';
import { buildTestApp, login, type TestApp } from './helpers.js';
import { M111, PASSWORD, createRoleUsers, importSmallMap } from './grid-fixtures.js';

/** Row counts of every table: a refused request must leave all of them as they were. */
async function snapshot(t: TestApp): Promise<Record<string, number>> {
  const tables = rowsOf<{ tablename: string }>(
    await t.database.db.execute(
      sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
    ),
  ).map((row) => row.tablename);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql.raw(`select count(*)::int as n from "${table}"`)),
    );
    counts[table] = row!.n;
  }
  const [revision] = rowsOf<{ r: number }>(
    await t.database.db.execute(sql`select coalesce(max(revision), 0)::int as r from grids`),
  );
  counts['grids.revision'] = revision!.r;
  return counts;
}

const WRONG_BODIES: unknown[] = [
  { definitely: 'wrong' },
  [],
  'not an object',
  { code: 42, name: null, points: 'x' },
];

describe('bad input to every endpoint that writes', () => {
  let t: TestApp;
  let headers: { authorization: string };
  let operations: { method: string; url: string }[];

  beforeAll(async () => {
    t = await buildTestApp();
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    headers = await login(t.app, 'admin', PASSWORD);
    const document = (await t.app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>();
    operations = [];
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['post', 'put', 'patch'].includes(method) || !operation.requestBody) continue;
        const url = template.replace('{code}', M111).replace('{id}', '2').replace('{key}', 'microGrid');
        operations.push({ method: method.toUpperCase(), url });
      }
    }
  });
  afterAll(async () => t.close());

  it('finds the writing endpoints in the OpenAPI document', () => {
    const urls = operations.map((operation) => `${operation.method} ${operation.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'POST /api/grids',
        'POST /api/grids/import',
        'POST /api/users',
        'POST /api/auth/login',
        `PUT /api/grids/${M111}/boundary`,
      ]),
    );
  });

  it('answers every wrong body with a 4xx problem and changes nothing', async () => {
    const before = await snapshot(t);
    for (const operation of operations) {
      for (const body of WRONG_BODIES) {
        const response = await t.app.inject({
          method: operation.method as 'POST',
          url: operation.url,
          headers: { ...headers, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        const label = `${operation.method} ${operation.url} ${JSON.stringify(body)}`;
        expect(response.statusCode, `${label} → ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, label).toBeLessThan(500);
        expect(response.headers['content-type'], label).toContain('application/problem+json');
        const problem = response.json<{ zh: string; en: string; code: string }>();
        expect(problem.zh.length, label).toBeGreaterThan(0);
        expect(problem.en.length, label).toBeGreaterThan(0);
      }
      const broken = await t.app.inject({
        method: operation.method as 'POST',
        url: operation.url,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: '{"unterminated": ',
      });
      expect(broken.statusCode, `${operation.url} with broken JSON`).toBe(400);
    }
    expect(await snapshot(t)).toEqual(before);
  });
});
