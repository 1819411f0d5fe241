/**
 * Event intake (E1) through POST /api/events: N reports sent by C concurrent clients, each answered 201 only once
 * its event is committed (group commit: concurrent reports share one transaction). PGlite on a data folder on
 * disk (durable: fsync on, see src/core/db.ts), and PostgreSQL when BENCH_DATABASE_URL is set.
 *
 *   npx tsx bench/intake.ts [reports=20000] [clients=128] [mode=inject|listen]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/intake.ts
 *   BENCH_ENGINE=postgres …   # one engine only
 *
 * mode inject goes through Fastify's whole request handling in-process (app.inject); listen starts a real server
 * on 127.0.0.1 and sends the reports with fetch (undici, keep-alive connections) from the same process.
 *
 * The server starts cold (no warm-up run): "all" is the rate over every report, start-up ramp included (JIT,
 * first plans, caches filling); "steady" leaves out the first fifth of the reports. "avg batch" is reports per
 * group-commit transaction; "queries/report" counts every statement the server sent while measuring.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { systemActor } from '../src/core/audit.js';
import { loadConfig } from '../src/core/config.js';
import { migrate, openDatabase, rowsOf, type Database } from '../src/core/db.js';
import type { GridGeometry } from '../src/grids/geometry.js';
import type { GridFeature } from '../src/grids/service.js';
import { sql } from 'drizzle-orm';
import { formatDuration, formatNumber, printTable, progress, type Row } from './util.js';

const PASSWORD = 'bench-password-1';
const STREET = '310113001';
/** A street of 20 × 20 micro-grids of 0.005° (about 500 m) each. */
const SIDE = 20;
const CELL = 0.005;
const WEST = 121.4;
const SOUTH = 31.3;

function square(lng: number, lat: number, size: number): GridGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng, lat],
        [lng + size, lat],
        [lng + size, lat + size],
        [lng, lat + size],
        [lng, lat],
      ],
    ],
  };
}

function streetMap(): GridFeature[] {
  const features: GridFeature[] = [
    {
      type: 'Feature',
      geometry: square(WEST, SOUTH, SIDE * CELL),
      properties: { code: STREET, name: '基准街道', level: 'street', parentCode: null },
    },
  ];
  for (let i = 0; i < SIDE * SIDE; i++) {
    const x = i % SIDE;
    const y = Math.floor(i / SIDE);
    features.push({
      type: 'Feature',
      geometry: square(WEST + x * CELL, SOUTH + y * CELL, CELL),
      properties: {
        code: `${STREET}${String(i + 1).padStart(3, '0')}`,
        name: `微网格${i + 1}`,
        level: 'microGrid',
        parentCode: STREET,
      },
    });
  }
  return features;
}

async function openBenchDatabase(
  engine: 'pglite' | 'postgres',
): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-bench-intake-'));
    const database = await openDatabase({ pgliteDir: path.join(folder, 'pglite') });
    return {
      database,
      async cleanup() {
        await database.close();
        fs.rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.BENCH_DATABASE_URL!;
  const name = `gezhi_bench_intake_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: target.toString(), poolSize: 12 });
  return {
    database,
    async cleanup() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Counts the statements sent to the database (PGlite's query and exec, transactions' included; node-postgres
 * clients' query) until stop().
 */
function countQueries(database: Database): { stop(): number } {
  let count = 0;
  const undo: (() => void)[] = [];
  const wrap = (target: Record<string, unknown>, name: string) => {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
    undo.push(() => {
      target[name] = original;
    });
  };
  if (database.pglite) {
    const pglite = database.pglite as unknown as Record<string, unknown>;
    wrap(pglite, 'query');
    wrap(pglite, 'exec');
    const transaction = pglite.transaction as (fn: (tx: unknown) => unknown) => unknown;
    pglite.transaction = function (this: unknown, fn: (tx: unknown) => unknown) {
      count += 2; // begin, commit
      return transaction.call(this, (tx: unknown) => {
        const inner = tx as Record<string, unknown>;
        for (const name of ['query', 'exec']) {
          const original = inner[name] as (...args: unknown[]) => unknown;
          inner[name] = (...args: unknown[]) => {
            count++;
            return original.apply(tx, args);
          };
        }
        return fn(tx);
      });
    };
    undo.push(() => {
      pglite.transaction = transaction;
    });
  } else {
    const proto = pg.Client.prototype as unknown as Record<string, unknown>;
    wrap(proto, 'query');
  }
  return {
    stop() {
      for (const restore of undo.reverse()) restore();
      return count;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export async function runIntakeBench(options: {
  reports: number;
  clients: number;
  mode: 'inject' | 'listen';
}): Promise<Row[]> {
  const rows: Row[] = [];
  const engines = (
    process.env.BENCH_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const)
  ).filter((engine) => !process.env.BENCH_ENGINE || process.env.BENCH_ENGINE === engine);
  for (const engine of engines) {
    progress(`${engine}: fresh database, a street of ${SIDE * SIDE} micro-grids`);
    const { database, cleanup } = await openBenchDatabase(engine);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-bench-data-'));
    try {
      await migrate(database);
      const config = {
        ...loadConfig({}),
        dataDir,
        logLevel: 'silent',
        demo: false,
        dataKey: Buffer.alloc(32, 1).toString('base64'),
      };
      const { app, services } = await buildApp({ config, database });
      await services.grids.importFeatures({ type: 'FeatureCollection', features: streetMap() }, systemActor);
      await database.db.execute(sql`
        insert into event_categories (code, parent_code, level, name_zh, name_en) values
          ('01', null, 1, '市容环境', 'City appearance and environment'),
          ('0101', '01', 2, '暴露垃圾', 'Exposed rubbish'),
          ('0102', '01', 2, '乱堆物料', 'Piled materials'),
          ('0103', '01', 2, '道路不洁', 'Dirty road')
        on conflict (code) do nothing`);
      await services.accounts.createUser(
        {
          username: 'worker',
          displayName: '网格员',
          password: PASSWORD,
          roles: ['grid_worker'],
          grids: [STREET],
        },
        systemActor,
      );
      let base = '';
      if (options.mode === 'listen') {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const address = app.server.address();
        base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      } else {
        await app.ready();
      }
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'worker', password: PASSWORD },
      });
      const authorization = `Bearer ${login.json<{ token: string }>().token}`;
      const categories = ['0101', '0102', '0103'];
      const keys = process.env.BENCH_NO_KEYS !== '1';
      const body = (i: number) =>
        JSON.stringify({
          source: 'patrol',
          categoryCode: categories[i % 3],
          title: `暴露垃圾 ${i}`,
          description: '路口垃圾堆放，需清运',
          // spread over the street, so few are within 50 m of each other
          location: {
            lng: WEST + 0.0001 + (((i * 7919) % 9973) / 9973) * (SIDE * CELL - 0.0002),
            lat: SOUTH + 0.0001 + (((i * 104729) % 9967) / 9967) * (SIDE * CELL - 0.0002),
          },
          reporterPhone: '13900001111',
        });
      const send = async (i: number): Promise<number> => {
        const started = performance.now();
        let status: number;
        let text: string;
        if (options.mode === 'listen') {
          const response = await fetch(`${base}/api/events`, {
            method: 'POST',
            headers: {
              authorization,
              'content-type': 'application/json',
              ...(keys ? { 'idempotency-key': `bench-${i}` } : {}),
            },
            body: body(i),
          });
          status = response.status;
          text = await response.text();
        } else {
          const response = await app.inject({
            method: 'POST',
            url: '/api/events',
            headers: {
              authorization,
              'content-type': 'application/json',
              ...(keys ? { 'idempotency-key': `bench-${i}` } : {}),
            },
            payload: body(i),
          });
          status = response.statusCode;
          text = response.body;
        }
        if (status !== 201) throw new Error(`report ${i}: ${status} ${text}`);
        return performance.now() - started;
      };
      const statsBefore = { ...services.events.intakeStats };
      const queries = countQueries(database);
      progress(
        `${engine}: ${formatNumber(options.reports)} reports from ${options.clients} clients (${options.mode})`,
      );
      const latencies: number[] = [];
      /** When each report was answered, in order of answer. */
      const answeredAt: number[] = [];
      let next = 0;
      let done = 0;
      const started = performance.now();
      const ticker = setInterval(() => {
        const seconds = (performance.now() - started) / 1000;
        progress(
          `${engine}: ${formatNumber(done)} / ${formatNumber(options.reports)}, ${formatNumber(done / seconds)}/s`,
        );
      }, 2000);
      await Promise.all(
        Array.from({ length: options.clients }, async () => {
          while (next < options.reports) {
            const i = next++;
            latencies.push(await send(i));
            answeredAt.push(performance.now());
            done++;
          }
        }),
      );
      clearInterval(ticker);
      const seconds = (performance.now() - started) / 1000;
      const statements = queries.stop();
      const fifth = Math.floor(options.reports / 5);
      const steadySeconds = (answeredAt[options.reports - 1]! - answeredAt[fifth - 1]!) / 1000;
      const [check] = rowsOf<{ n: number; numbers: number }>(
        await database.db.execute(
          sql`select count(*)::int as n, count(distinct number)::int as numbers from events`,
        ),
      );
      latencies.sort((a, b) => a - b);
      const batches = services.events.intakeStats.batches - statsBefore.batches;
      const reports = services.events.intakeStats.reports - statsBefore.reports;
      rows.push({
        engine,
        mode: options.mode,
        clients: options.clients,
        reports: formatNumber(options.reports),
        'events/s steady': formatNumber((options.reports - fifth) / steadySeconds),
        'events/s all': formatNumber(options.reports / seconds),
        p50: formatDuration(percentile(latencies, 50)),
        p99: formatDuration(percentile(latencies, 99)),
        'avg batch': formatNumber(reports / Math.max(1, batches), 1),
        'write/batch': formatDuration(
          (services.events.intakeStats.writeMs - statsBefore.writeMs) / Math.max(1, batches),
        ),
        'write share': `${formatNumber((services.events.intakeStats.writeMs - statsBefore.writeMs) / 10 / seconds)} %`,
        'queries/report': formatNumber(statements / options.reports, 2),
        'rows (unique numbers)': `${formatNumber(check!.n)} (${formatNumber(check!.numbers)})`,
      });
      await app.close();
    } finally {
      await cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const reports = Number(process.argv[2] ?? 20_000);
  const clients = Number(process.argv[3] ?? 128);
  const mode = process.argv[4] === 'listen' ? 'listen' : 'inject';
  printTable(
    'Event intake through POST /api/events (201 after commit, group commit)',
    await runIntakeBench({ reports, clients, mode }),
  );
}
