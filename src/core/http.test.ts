import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, engine, type TestApp } from '../../test/helpers.js';

describe('the HTTP core', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('reports the database engine and version on /healthz', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ status: string; database: { engine: string; version: string } }>();
    expect(body.status).toBe('ok');
    expect(body.database.engine).toBe(engine);
    expect(body.database.version).toMatch(/PostgreSQL \d+/);
  });

  it('answers an unknown endpoint with a bilingual problem+json 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json<{ code: string; zh: string; en: string; status: number }>();
    expect(problem).toMatchObject({ status: 404, code: 'route_not_found' });
    expect(problem.zh).toContain('接口不存在');
    expect(problem.en).toContain('No such endpoint');
  });

  it('publishes an OpenAPI document and a browsable page', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json<{ openapi: string; paths: Record<string, unknown> }>().paths).toHaveProperty('/healthz');
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
