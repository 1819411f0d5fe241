import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { APP_SCOPE, workerAppDevPages, workerAppFiles } from './src/app/pwa/build.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `vite` (the dev server) sends API calls: a running `npm start`. */
const apiTarget = process.env.GEZHI_API ?? 'http://localhost:3100';

/**
 * Brotli and gzip copies of every text file of the build, served by @fastify/static (`preCompressed`) to browsers
 * that accept them: a street office on a slow line downloads a quarter of the bytes, and the server compresses
 * nothing at run time. node:zlib only, no plugin dependency.
 */
function precompress(): Plugin {
  return {
    name: 'gezhi-precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir!;
      const walk = (folder: string): string[] =>
        fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
          const file = path.join(folder, entry.name);
          return entry.isDirectory() ? walk(file) : [file];
        });
      for (const file of walk(dir)) {
        if (!/\.(js|css|html|json|svg)$/.test(file)) continue;
        const content = fs.readFileSync(file);
        if (content.length < 1024) continue;
        fs.writeFileSync(
          `${file}.br`,
          zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * The console's first screen is the dashboard, and its page, map (with maplibre, the biggest file) and events panel
 * are lazily loaded chunks: the entry would ask for them only once its own code has run, and by then the server is
 * busy with the dashboard's data. modulepreload links in index.html ask for them beside the entry, while the server
 * has nothing else to do. Another first page fetches them in vain once; the browser then has them cached.
 */
function preloadFirstScreen(modules: string[]): Plugin {
  return {
    name: 'gezhi-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const { bundle, chunk: entry } = context;
        if (!bundle || !entry || path.relative(root, context.filename) !== 'index.html') return;
        const chunks = new Map(
          Object.values(bundle)
            .filter((output) => output.type === 'chunk')
            .map((output) => [output.fileName, output]),
        );
        const loaded = new Set<string>();
        const walk = (fileName: string, into: Set<string>) => {
          if (into.has(fileName)) return;
          into.add(fileName);
          for (const next of chunks.get(fileName)?.imports ?? []) walk(next, into);
        };
        walk(entry.fileName, loaded);
        const wanted = new Set<string>();
        for (const output of chunks.values())
          if (modules.some((module) => output.facadeModuleId?.endsWith(module)))
            walk(output.fileName, wanted);
        const files = [...wanted].filter((fileName) => !loaded.has(fileName));
        const styles = files.flatMap((fileName) => [
          ...(chunks.get(fileName)?.viteMetadata?.importedCss ?? []),
        ]);
        return [
          ...files.map((fileName) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${fileName}` },
            injectTo: 'head' as const,
          })),
          ...styles.map((fileName) => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${fileName}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}

const workerApp = workerAppFiles();

/**
 * The grid worker's phone app (/app, web/app/index.html) is installable and opens offline: a service worker at
 * /app/sw.js, scope /app/ — it never sees /console or /api pages. It precaches only the /app page and the chunks that
 * page loads (workerAppFiles), answers every /app/… navigation with the cached page, and caches nothing at run time:
 * API answers always come from the network.
 */
const workerAppServiceWorker = VitePWA({
  strategies: 'generateSW',
  filename: 'app/sw.js',
  scope: APP_SCOPE,
  // the manifest and icons are emitted by workerAppFiles; only the /app page links them
  manifest: false,
  includeManifestIcons: false,
  // the /app page registers it itself (web/src/app/pwa/register.ts); the console never does
  injectRegister: false,
  workbox: {
    globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
    globIgnores: ['app/sw.js'],
    manifestTransforms: [
      async (entries) => ({
        manifest: entries
          .filter((entry) => workerApp.files.has(entry.url))
          // the worker lives in /app/: absolute addresses, or 'assets/…' would mean /app/assets/…
          .map((entry) => ({ ...entry, url: `/${entry.url}` })),
        warnings: [],
      }),
    ],
    navigateFallback: '/app/index.html',
    navigateFallbackAllowlist: [/^\/app(\/|$)/],
    navigateFallbackDenylist: [/^\/api\//],
    inlineWorkboxRuntime: true,
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
    runtimeCaching: [],
  },
});

/**
 * The web console. `npm run build:web` writes web/dist, which the Fastify server serves at `/`
 * (src/web/static.ts). The big libraries get their own chunks so that the login page does not
 * download the map, and a change to our code does not invalidate the cached libraries.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [
    react(),
    workerApp.plugin,
    workerAppDevPages(),
    workerAppServiceWorker,
    preloadFirstScreen([
      'src/dashboard/DashboardPage.tsx',
      'src/grids/GridMap.tsx',
      'src/events/EventsPanel.tsx',
    ]),
    precompress(),
  ],
  server: {
    port: 5173,
    proxy: { '/api': apiTarget, '/healthz': apiTarget },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // maplibre-gl alone is ~800 kB minified; it is loaded only by the map pages
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      // the console, and the grid worker's phone app with its own page, manifest and service worker
      input: { main: path.join(root, 'index.html'), app: path.join(root, 'app', 'index.html') },
      output: {
        codeSplitting: {
          // a group also takes the modules its members import, so the shared base (react) must claim first
          groups: [
            {
              name: 'react',
              priority: 40,
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|i18next|react-i18next)[\\/]/,
            },
            { name: 'maplibre', priority: 30, test: /[\\/]node_modules[\\/]maplibre-gl[\\/]/ },
            { name: 'echarts', priority: 30, test: /[\\/]node_modules[\\/](echarts|zrender)[\\/]/ },
            // Ant Design has no group: split by which pages use each component, the console's first screen gets only
            // the components it shows (a quarter less to parse than one antd chunk of 900 kB), and tables, date
            // pickers, trees and drawers come with the pages that use them. The price: those shared chunks mix
            // antd with our code, so a release makes browsers fetch them again.
          ],
        },
      },
    },
  },
});
