import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(root, 'test/fixtures/divisions');

/** The database the command talks to: a PGlite folder, or a fresh PostgreSQL database when tests run there. */
async function target(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-cli-'));
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    return {
      env: { DATA_DIR: dataDir },
      cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `gezhi_tcli_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl.toString() },
    cleanup: async () => {
      const drop = new pg.Client({ connectionString: url });
      await drop.connect();
      await drop.query(`drop database if exists "${name}" with (force)`);
      await drop.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('the gezhi command', () => {
  it('imports the division excerpt, exits by itself, and a second run changes nothing', async () => {
    const { env, cleanup } = await target();
    try {
      const options = {
        cwd: root,
        env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' },
        timeout: 120_000,
      };
      const first = await run(process.execPath, ['bin/gezhi.mjs', 'import-divisions', fixtures], options);
      expect(first.stdout).toMatch(/created\D+50\b/);
      const second = await run(process.execPath, ['bin/gezhi.mjs', 'import-divisions', fixtures], options);
      expect(second.stdout).toMatch(/created\D+0\b/);
      expect(second.stdout).toMatch(/unchanged\D+50\b/);
    } finally {
      await cleanup();
    }
  }, 240_000);

  it('refuses a folder without the division files, with a non-zero exit', async () => {
    const { env, cleanup } = await target();
    try {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-empty-'));
      const failure = await run(process.execPath, ['bin/gezhi.mjs', 'import-divisions', empty], {
        cwd: root,
        env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' },
        timeout: 120_000,
      }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/provinces\.csv/);
    } finally {
      await cleanup();
    }
  }, 240_000);
});
