/**
 * Build-time side of the grid worker's phone app (runs in Node from web/vite.config.ts, never in the browser):
 * its web manifest and PNG icons, and the list of files its service worker precaches — the /app page and the
 * chunks it loads, not the console's maps and charts.
 */
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** The app's address; its service worker controls this scope and nothing else (not /console, not /api). */
export const APP_SCOPE = '/app/';
/** The brand's red (the console's favicon). */
export const APP_THEME = '#c8102e';

export const APP_MANIFEST = {
  name: '格治·网格员',
  short_name: '格治网格员',
  description: '网格员上报、任务、民情日志 — the grid worker’s reports, tasks and patrol log',
  lang: 'zh-CN',
  id: APP_SCOPE,
  start_url: APP_SCOPE,
  scope: APP_SCOPE,
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#ffffff',
  theme_color: APP_THEME,
  icons: [
    { src: '/app/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/app/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/app/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * The app icon as a PNG: the favicon's white 田 grid on the brand red, a rounded square; `maskable` fills the
 * whole square and keeps the grid inside the safe zone (the launcher cuts the shape).
 */
export function appIconPng(size: number, maskable = false): Buffer {
  const [r, g, b] = [0xc8, 0x10, 0x2e];
  const radius = maskable ? 0 : size * 0.19;
  const inset = maskable ? size * 0.3 : size * 0.25;
  const stroke = Math.max(2, size * (maskable ? 0.05 : 0.078));
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const inRounded = (x: number, y: number) => {
    const cx = Math.min(Math.max(x, radius), size - radius);
    const cy = Math.min(Math.max(y, radius), size - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
  const near = (value: number, line: number) => Math.abs(value - line) <= stroke / 2;
  const lines = [inset, size / 2, size - inset];
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const offset = y * (size * 4 + 1) + 1 + x * 4;
      if (!inRounded(px, py)) continue; // transparent corner
      const inBox = px >= inset - stroke / 2 && px <= size - inset + stroke / 2;
      const inBoxY = py >= inset - stroke / 2 && py <= size - inset + stroke / 2;
      const white =
        (inBoxY && lines.some((line) => near(px, line)) && inBox) ||
        (inBox && lines.some((line) => near(py, line)) && inBoxY);
      raw[offset] = white ? 255 : r;
      raw[offset + 1] = white ? 255 : g;
      raw[offset + 2] = white ? 255 : b;
      raw[offset + 3] = 255;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Emits dist/app/manifest.webmanifest and the icons, and records which files the /app page needs (its entry chunk,
 * everything that chunk imports, statically or lazily, and their CSS), for the service worker's precache list.
 */
export function workerAppFiles(): { plugin: Plugin; files: Set<string> } {
  const files = new Set<string>();
  const plugin: Plugin = {
    name: 'gezhi-worker-app',
    apply: 'build',
    generateBundle(_options, bundle) {
      this.emitFile({
        type: 'asset',
        fileName: 'app/manifest.webmanifest',
        source: JSON.stringify(APP_MANIFEST, null, 2),
      });
      this.emitFile({ type: 'asset', fileName: 'app/icons/icon-192.png', source: appIconPng(192) });
      this.emitFile({ type: 'asset', fileName: 'app/icons/icon-512.png', source: appIconPng(512) });
      this.emitFile({ type: 'asset', fileName: 'app/icons/maskable-512.png', source: appIconPng(512, true) });
      files.clear();
      const entry = Object.values(bundle).find(
        (output) => output.type === 'chunk' && output.isEntry && output.name === 'app',
      );
      if (!entry || entry.type !== 'chunk') throw new Error('the /app entry chunk is missing from the build');
      const visit = (fileName: string) => {
        if (files.has(fileName)) return;
        const output = bundle[fileName];
        if (!output) return;
        files.add(fileName);
        if (output.type !== 'chunk') return;
        for (const css of output.viteMetadata?.importedCss ?? []) files.add(css);
        for (const next of [...output.imports, ...output.dynamicImports]) visit(next);
      };
      visit(entry.fileName);
      for (const extra of [
        'app/index.html',
        'app/manifest.webmanifest',
        'app/icons/icon-192.png',
        'app/icons/icon-512.png',
        'app/icons/maskable-512.png',
      ])
        files.add(extra);
    },
  };
  return { plugin, files };
}

/**
 * `vite` (the dev server) answers every /app/… page address with web/app/index.html, as the Fastify server does
 * (src/web/static.ts); without it the dev server's fallback would serve the console's page.
 */
export function workerAppDevPages(): Plugin {
  return {
    name: 'gezhi-worker-app-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const address = (request.url ?? '').split('?')[0]!;
        if (/^\/app(\/|$)/.test(address) && !/\.[A-Za-z0-9]+$/.test(address)) request.url = '/app/index.html';
        next();
      });
    },
  };
}
