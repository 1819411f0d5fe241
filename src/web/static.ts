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

  for (const url of CONSOLE_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => {
      return reply.header('Cache-Control', REVALIDATE).sendFile('index.html', root, { cacheControl: false });
    });
  }

  // 格治·网格员, the grid worker's phone app: its own page (web/app/index.html → dist/app/index.html), and beside it
  // the files that must live under /app/ — the service worker (its scope is the folder it is served from), the web
  // manifest and the icons. Any other /app/… address is a page of the app.
  const appRoot = path.join(root, 'app');
  const appPage = fs.existsSync(path.join(appRoot, 'index.html')) ? 'app/index.html' : 'index.html';
  for (const url of APP_ROUTES) {
    app.get(url, { schema: { hide: true } }, (request, reply) => {
      const file = appFile(appRoot, (request.params as { '*'?: string })['*'] ?? '');
      if (file) {
        if (file === 'sw.js') reply.header('Service-Worker-Allowed', APP_SCOPE);
        return reply.header('Cache-Control', REVALIDATE).sendFile(file, appRoot, { cacheControl: false });
      }
      return reply.header('Cache-Control', REVALIDATE).sendFile(appPage, root, { cacheControl: false });
    });
  }
}

/** The phone app's scope: its service worker controls these pages only, never /console or /api. */
export const APP_SCOPE = '/app/';
const CONSOLE_ROUTES = CLIENT_ROUTES.filter((url) => !url.startsWith('/app'));
const APP_ROUTES = CLIENT_ROUTES.filter((url) => url.startsWith('/app'));

/** A real file of dist/app named by the address (sw.js, manifest.webmanifest, icons/…), or null for a page. */
function appFile(appRoot: string, relative: string): string | null {
  if (!relative || relative.includes('..') || relative.includes('\\') || relative.includes('\0')) return null;
  const clean = relative.split('?')[0]!;
  if (clean === 'index.html' || !/\.(js|webmanifest|png|svg|json)$/.test(clean)) return null;
  const full = path.join(appRoot, clean);
  if (!full.startsWith(appRoot + path.sep)) return null;
  try {
    return fs.statSync(full).isFile() ? clean : null;
  } catch {
    return null;
  }
}
