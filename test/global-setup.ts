import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, openDatabase } from '../src/core/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a dumped, migrated data folder. PostgreSQL: name of a migrated template database. */
    databaseTemplate: string;
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Migrate one template database per test run; every test then gets a fresh copy of it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `gezhi_template_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const database = await openDatabase({ databaseUrl: withDatabase(url, name), poolSize: 2 });
    await migrate(database);
    await database.close();
    project.provide('databaseTemplate', name);
    return async () => {
      // drop the template and any copy a crashed test left behind
      const left = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like $1`,
        [`gezhi_t%_${process.pid}_%`],
      );
      for (const row of left.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
      await admin.end();
    };
  }
  const database = await openDatabase({});
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  const file = path.join(os.tmpdir(), `gezhi-template-${process.pid}-${Date.now()}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('databaseTemplate', file);
  return async () => {
    fs.rmSync(file, { force: true });
  };
}
