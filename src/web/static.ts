import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../core/http.js';

/** web/dist of this checkout, where `npm run build:web` writes the console. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Addresses that belong to the single-page app: the server answers them with index.html and the app's router
 * takes over. /api/* and /healthz are never among them, so a wrong API address stays a problem+json 404.
 */
export const CLIENT_ROUTES = [
  '/console',
  '/console/*',
  '/app',
  '/app/*',
  // 群众提事 the resident page: short enough for a poster's QR code
  '/r',
  '/r/*',
  '/resident',
  '/resident/*',
] as const;

/** Hashed file names never change content; everything else (index.html) is checked on every load. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

let warnedMissing = false;

/**
 * The web console, built by Vite into web/dist, served at `/`. Without a build (API tests, a server started
 * before `npm run build:web`) it registers nothing and says so once.
 */
export async function webRoutes(app: App, options: { distDir?: string } = {}): Promise<void> {
  const root = path.resolve(options.distDir ?? DEFAULT_WEB_DIST);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    if (!warnedMissing) {
      warnedMissing = true;
      app.log.warn(
        { distDir: root },
        'web console not built (run `npm run build:web`); serving the API only',
      );
    }
    return;
  }
  const assets = `${path.sep}assets${path.sep}`;

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    // a rebuild while the server runs is picked up: files are looked up per request, not listed at start
    wildcard: true,
    // the build writes .br and .gz beside each file (web/vite.config.ts)
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, filePath) {
      res.setHeader('Cache-Control', filePath.includes(assets) ? IMMUTABLE : REVALIDATE);
    },
  });

  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => {
      return reply.header('Cache-Control', REVALIDATE).sendFile('index.html', root, { cacheControl: false });
    });
  }
}
