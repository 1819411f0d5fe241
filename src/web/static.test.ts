import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type App } from '../core/http.js';
import { webRoutes } from './static.js';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/index-abc123.js"></script></body></html>';

function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("gezhi")');
  fs.writeFileSync(
    path.join(dir, 'assets', 'index-abc123.js.br'),
    zlib.brotliCompressSync('console.log("gezhi")'),
  );
  return dir;
}

describe('the web console is served by the API server', () => {
  let app: App;
  let dist: string;

  beforeAll(async () => {
    dist = fakeBuild();
    app = await createHttpServer({ logLevel: 'silent' });
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/api/grids', async () => ({ items: [], total: 0 }));
    await webRoutes(app, { distDir: dist });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('answers / with the app, to be checked again on every load', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets for a year', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('console.log("gezhi")');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each([
    '/console',
    '/console/grids',
    '/console/grids/310113002',
    '/console/login?next=1',
    '/app',
    '/app/events/12',
    '/r',
    '/resident',
  ])('answers the client-side address %s with index.html', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API and the health check alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/grids' })).json()).toEqual({ items: [], total: 0 });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it.each([
    '/api/no-such-endpoint',
    '/api/grids/x/y/z',
    '/healthz/extra',
    '/no-such-page',
    '/assets/missing.js',
  ])('answers the unknown address %s with a problem+json 404, not with the app', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('does not let a path climb out of the build folder', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/..%2f..%2fpackage.json' });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('"name"');
  });
});

describe('without a build of the web console', () => {
  it('serves the API only and warns once', async () => {
    const missing = path.join(os.tmpdir(), `gezhi-no-web-${process.pid}`);
    const warnings: unknown[] = [];
    const apps: App[] = [];
    for (let i = 0; i < 2; i++) {
      const app = await createHttpServer({ logLevel: 'silent' });
      app.log.warn = ((...args: unknown[]) => void warnings.push(args)) as App['log']['warn'];
      await webRoutes(app, { distDir: missing });
      await app.ready();
      apps.push(app);
    }
    const response = await apps[0]!.inject({ method: 'GET', url: '/console/grids' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'route_not_found' });
    expect(warnings).toHaveLength(1);
    for (const app of apps) await app.close();
  });
});

describe('the grid worker’s phone app is served beside the console', () => {
  const APP_INDEX = '<!doctype html><html><body><div id="root"></div><!-- app --></body></html>';
  let app: App;
  let dist: string;

  beforeAll(async () => {
    dist = fakeBuild();
    fs.mkdirSync(path.join(dist, 'app', 'icons'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'app', 'index.html'), APP_INDEX);
    fs.writeFileSync(path.join(dist, 'app', 'sw.js'), 'self.addEventListener("fetch", () => {})');
    fs.writeFileSync(
      path.join(dist, 'app', 'manifest.webmanifest'),
      '{"name":"格治·网格员","scope":"/app/"}',
    );
    fs.writeFileSync(path.join(dist, 'app', 'icons', 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    app = await createHttpServer({ logLevel: 'silent' });
    await webRoutes(app, { distDir: dist });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it.each(['/app', '/app/', '/app/report', '/app/tasks/12', '/app/index.html'])(
    'answers %s with the app’s own page',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.body).toBe(APP_INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
    },
  );

  it('keeps the console on its own page', async () => {
    expect((await app.inject({ method: 'GET', url: '/console/events' })).body).toBe(INDEX);
  });

  it('serves the service worker from /app/ as JavaScript, checked on every load, scoped to /app/', async () => {
    const response = await app.inject({ method: 'GET', url: '/app/sw.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['service-worker-allowed']).toBe('/app/');
    expect(response.body).toContain('addEventListener');
  });

  it('serves the web manifest and the icons with their types', async () => {
    const manifest = await app.inject({ method: 'GET', url: '/app/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/application\/manifest\+json/);
    expect(manifest.json()).toMatchObject({ scope: '/app/' });
    const icon = await app.inject({ method: 'GET', url: '/app/icons/icon-192.png' });
    expect(icon.headers['content-type']).toBe('image/png');
  });

  it('answers a missing file or a folder under /app/ with the page, never a listing or another file', async () => {
    for (const url of ['/app/missing.js', '/app/icons', '/app/icons/', '/app/assets/index-abc123.js']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body, url).toBe(APP_INDEX);
    }
  });
});
