import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, buildServices, type Services } from '../src/app.js';
import { loadConfig, type Config } from '../src/core/config.js';
import { openDatabase, type Database } from '../src/core/db.js';
import type { Clock } from '../src/core/clock.js';
import type { App } from '../src/core/http.js';
import type { Policy } from '../src/core/policy.js';

export const engine: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

let copies = 0;

async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A new, empty (or template-copied) database on the PostgreSQL server of TEST_DATABASE_URL, and how to drop it.
 * The database is named after this process so that the global teardown can drop what a crash left behind.
 */
export async function scratchPostgres(
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('scratchPostgres needs TEST_DATABASE_URL');
  const name = `gezhi_test_${process.pid}_${Date.now()}_${copies++}`;
  await adminQuery(server, `create database "${name}"${template ? ` template "${template}"` : ''}`);
  const parsed = new URL(server);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: () => adminQuery(server, `drop database if exists "${name}" with (force)`),
  };
}

/** A fresh database, a copy of the migrated template: PGlite in memory, or a new PostgreSQL database. */
export async function freshDatabase(): Promise<Database & { url?: string }> {
  const template = inject('databaseTemplate');
  if (engine === 'postgres') {
    const scratch = await scratchPostgres(template);
    const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 5 });
    const close = database.close;
    return Object.assign(database, {
      url: scratch.url,
      async close() {
        await close();
        await scratch.drop();
      },
    });
  }
  const pglite = await PGlite.create({ loadDataDir: new Blob([fs.readFileSync(template)]) });
  return openDatabase({ pglite });
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-test-')),
    logLevel: process.env.TEST_LOG_LEVEL || 'silent',
    demo: false,
    ...overrides,
  };
}

export interface TestApp {
  app: App;
  services: Services;
  database: Database;
  close(): Promise<void>;
}

/** The real server on a fresh database; requests go through app.inject(). */
export async function buildTestApp(
  options: { clock?: Clock; policy?: Policy; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  const config = testConfig(options.config);
  const { app, services } = await buildApp({
    config,
    database,
    clock: options.clock,
    policy: options.policy,
  });
  await app.ready();
  return {
    app,
    services,
    database,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** Services without HTTP, for service-level tests. */
export async function buildTestServices(options: { clock?: Clock; policy?: Policy } = {}): Promise<{
  services: Services;
  database: Database;
  close(): Promise<void>;
}> {
  const database = await freshDatabase();
  const services = await buildServices({ config: testConfig(), database, ...options });
  return {
    services,
    database,
    async close() {
      await services.grids.stop();
      await database.close();
    },
  };
}

/** Log in through the API and give the Authorization header for later requests. */
export async function login(
  app: App,
  username: string,
  password: string,
): Promise<{ authorization: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`login of ${username} failed: ${response.statusCode} ${response.body}`);
  return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
}
