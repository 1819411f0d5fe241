import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** Subscribe to a NOTIFY channel; returns the unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Server version string, for /healthz. */
  version(): Promise<string>;
  close(): Promise<void>;
  /** The PGlite instance when the engine is PGlite (tests dump it as a template). */
  pglite?: PGlite;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface OpenOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Folder of PGlite's files; absent means in memory. */
  pgliteDir?: string;
  /** An already open PGlite (tests hand in a copy of a migrated template). */
  pglite?: PGlite;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  let client = options.pglite;
  if (!client) {
    if (options.pgliteDir) {
      fs.mkdirSync(options.pgliteDir, { recursive: true });
      client = await PGlite.create({ dataDir: options.pgliteDir, startParams: durableStartParams() });
      makeFsyncReal(client);
    } else {
      client = await PGlite.create({});
    }
  }
  const pglite = client;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    engine: 'pglite',
    pglite,
    async listen(channel, onMessage) {
      return pglite.listen(channel, onMessage);
    },
    async version() {
      const result = await pglite.query<{ version: string }>('select version()');
      return result.rows[0]?.version ?? 'unknown';
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * PGlite starts PostgreSQL with fsync off (`-F`), and its Node file system answers fdatasync() without flushing:
 * a commit reaches the operating system's cache, which survives a crash of the process but not of the machine
 * or its power. On disk we start it with fsync on and `wal_sync_method=fsync`, whose fsync() goes through the
 * file system's stream operations, where makeFsyncReal puts a real fdatasync. Each commit (each group commit of
 * reports) then waits for the disk, as on PostgreSQL.
 */
function durableStartParams(): string[] {
  const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams;
  if (!defaults)
    throw new Error('PGlite.defaultStartParams is gone: check the durability settings in src/core/db.ts');
  return [...defaults.filter((param) => param !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];
}

interface EmscriptenStream {
  nfd?: number;
  stream_ops?: { fsync?: (stream: EmscriptenStream) => number };
}

function makeFsyncReal(pglite: PGlite): void {
  const streams = (pglite as unknown as { mod?: { FS?: { streams?: (EmscriptenStream | null)[] } } }).mod?.FS
    ?.streams;
  // the streams of files on the Node file system (NODEFS) carry the real descriptor and share one operations table
  const onDisk = streams?.find((stream) => stream?.nfd !== undefined && stream.stream_ops);
  if (!onDisk?.stream_ops) {
    throw new Error('PGlite internals changed: cannot make fsync real (see makeFsyncReal in src/core/db.ts)');
  }
  onDisk.stream_ops.fsync = (stream) => {
    if (stream.nfd !== undefined) fs.fdatasyncSync(stream.nfd);
    return 0;
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, pg_terminate_backend) must not crash the process;
  // the pool replaces it on the next query.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: pg.Client[] = [];
  return {
    db,
    engine: 'postgres',
    async listen(channel, onMessage) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onMessage(message.payload ?? '');
      });
      client.on('error', () => {
        /* the poll fallback keeps the index in step while the listener is down */
      });
      await client.query(`listen "${channel.replace(/"/g, '')}"`);
      listeners.push(client);
      return async () => {
        const at = listeners.indexOf(client);
        if (at >= 0) listeners.splice(at, 1);
        await client.end().catch(() => undefined);
      };
    },
    async version() {
      const result = await pool.query<{ version: string }>('select version()');
      return result.rows[0]?.version ?? 'unknown';
    },
    async close() {
      await Promise.all(listeners.splice(0).map((client) => client.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

/** Run the committed migrations. On PostgreSQL an advisory lock keeps two starting servers from racing. */
export async function migrate(database: Database): Promise<void> {
  if (database.engine === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  // The migrator opens its own transaction; serialise starters with a session lock on one pooled client.
  const { db } = database;
  const session = db as unknown as { $client: pg.Pool };
  const client = await session.$client.connect();
  try {
    await client.query('select pg_advisory_lock(7263001)');
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock(7263001)').catch(() => undefined);
    client.release();
  }
}

/** Rows of a raw query, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
