/**
 * How fast the console's first screen comes up from localhost: the real server with the demo street and the built
 * console (`npm run build:web`), Debian's Chromium at 1366×768, signed in as the command centre, the dashboard
 * opened N times with the files cached (a returning user) and N times with an empty cache (a first visit).
 *
 *   npx tsx bench/console-load.ts [runs=5]
 *
 * Each moment is read on the page's own clock (from navigation start, test/e2e/first-screen.ts): DOMContentLoaded, the
 * counters shown, the map made, drawn with its grids, and that frame on screen (headless Chromium draws WebGL on the
 * CPU, so this comes later than on a machine with a GPU); and, from the page's resource timing, when the dashboard's
 * chunk, maplibre and the API answers were asked for and came. The e2e test `settings-catalogue.test.ts` measures
 * the same once per CI run. `BENCH_DETAIL=1` prints one run's requests and the map's moments, `BENCH_TRACE=file.json`
 * writes a Chrome trace of one cached run, `BENCH_PROFILE=1` prints where its main thread spent the time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { openConfiguredDatabase } from '../src/core/bootstrap.js';
import { loadConfig } from '../src/core/config.js';
import { seedDemo } from '../src/demo/seed.js';
import {
  FIRST_SCREEN_DONE,
  FIRST_SCREEN_READ,
  FIRST_SCREEN_RECORDER,
  type FirstScreen,
} from '../test/e2e/first-screen.js';
import { environment, printTable, progress, type Row } from './util.js';

const runs = Number(process.argv[2] ?? 5);
const PASSWORD = 'bench-console-password';
const dist = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'web', 'dist', 'index.html');
if (!fs.existsSync(dist)) throw new Error('web/dist is missing: run `npm run build:web` first');
if (!fs.existsSync('/usr/bin/chromium'))
  throw new Error('Debian chromium is missing: apt-get install -y chromium');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-console-bench-'));
const config = loadConfig({
  ...process.env,
  DATA_DIR: dataDir,
  GEZHI_DEMO_PASSWORD: PASSWORD,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
});
progress('starting the server and seeding the demo street');
const database = await openConfiguredDatabase(config);
const { app, services } = await buildApp({ config, database });
await seedDemo(services, { password: PASSWORD });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const browser: Browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

const login = (
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'centre', password: PASSWORD },
  })
).json<{ token: string; expiresAt: string; user: unknown }>();

/** Opens the dashboard and reads its moments off the page's clock (test/e2e/first-screen.ts). */
async function measure(page: Page): Promise<FirstScreen> {
  await page.goto(`${base}/console/dashboard`);
  await page.waitForFunction(FIRST_SCREEN_DONE, undefined, { timeout: 30_000 });
  return page.evaluate<FirstScreen>(FIRST_SCREEN_READ);
}

const short = (url: string) =>
  url
    .replace(base, '')
    .replace(/-[\w-]{8}\.js$/, '.js')
    .replace(/\?.*$/, '');

async function session(cached: boolean): Promise<FirstScreen[]> {
  const results: FirstScreen[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await context.addInitScript(
      `localStorage.setItem('gezhi.token', ${JSON.stringify(login.token)}); localStorage.setItem('gezhi.session', ${JSON.stringify(JSON.stringify({ expiresAt: login.expiresAt, user: login.user }))}); localStorage.setItem('gezhi.language', 'zh-CN');`,
    );
    await context.addInitScript(FIRST_SCREEN_RECORDER);
    const page = await context.newPage();
    if (cached) await measure(page);
    const profile = process.env.BENCH_PROFILE && cached && i === 0;
    const cdp = profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const trace = process.env.BENCH_TRACE && cached && i === 0;
    if (trace)
      await browser.startTracing(page, {
        categories: (
          process.env.BENCH_TRACE_CATEGORIES ??
          'devtools.timeline,disabled-by-default-devtools.timeline,v8,gpu'
        ).split(','),
      });
    results.push(await measure(page));
    if (trace) fs.writeFileSync(process.env.BENCH_TRACE!, await browser.stopTracing());
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
    progress(
      `${cached ? 'cached' : 'first visit'} run ${i + 1}/${runs}: map ${Math.round(results.at(-1)!.map)} ms`,
    );
    await context.close();
  }
  return results;
}

/** Where the main thread spent its time: self time by script and function, the top 25. */
function printProfile(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${short(frame.url)}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  const byScript = new Map<string, number>();
  for (const [key, ms] of self) {
    const script = key.split(' ')[1]!.replace(/:\d+$/, '') || key;
    byScript.set(script, (byScript.get(script) ?? 0) + ms);
  }
  process.stdout.write('\nmain thread, self time by script:\n');
  for (const [script, ms] of [...byScript].sort((a, b) => b[1] - a[1]).slice(0, 12))
    process.stdout.write(`  ${ms.toFixed(0).padStart(6)} ms  ${script}\n`);
  process.stdout.write('main thread, self time by function:\n');
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    process.stdout.write(`  ${ms.toFixed(0).padStart(6)} ms  ${key}\n`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

const rows: Row[] = [];
let detail: FirstScreen | undefined;
for (const cached of [true, false]) {
  const results = await session(cached);
  const at = (pattern: RegExp, key: 'start' | 'end') =>
    median(results.map((r) => r.resources.find((entry) => pattern.test(short(entry.name)))?.[key] ?? NaN));
  rows.push({
    files: cached ? 'cached (returning user)' : 'empty cache (first visit)',
    DOMContentLoaded: Math.round(median(results.map((r) => r.domContentLoaded))),
    'dashboard chunk asked': Math.round(at(/DashboardPage/, 'start')),
    'maplibre came': Math.round(at(/maplibre/, 'end')),
    'portrait asked': Math.round(at(/\/portrait/, 'start')),
    'counters shown': Math.round(median(results.map((r) => r.counters))),
    'map made': Math.round(
      median(results.map((r) => r.marks.find((m) => m.name === 'map-create')?.at ?? NaN)),
    ),
    'map drawn': Math.round(median(results.map((r) => r.map))),
    'its frame on screen': Math.round(median(results.map((r) => r.presented))),
    'on screen, worst': Math.round(Math.max(...results.map((r) => r.presented))),
  });
  if (cached) detail = results[Math.floor(results.length / 2)];
}

printTable(
  `The console's first screen (centre, 1366×768, localhost, Chromium ${browser.version()}): milliseconds from navigation, median of ${runs}`,
  rows,
);
process.stdout.write(`${environment()}\n`);
if (detail && process.env.BENCH_DETAIL) {
  const marks = detail.marks.map((mark) => ({ name: `gezhi:${mark.name}`, start: mark.at, end: mark.at }));
  for (const entry of [...detail.resources, ...marks].sort((a, b) => a.start - b.start))
    process.stdout.write(
      `  ${String(Math.round(entry.start)).padStart(5)} → ${String(Math.round(entry.end)).padStart(5)} ms  ${short(entry.name)}\n`,
    );
}

await browser.close();
await app.close();
await database.close();
fs.rmSync(dataDir, { recursive: true, force: true });
