import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scratchPostgres } from '../test/helpers.js';

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
  const scratch = await scratchPostgres();
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url },
    cleanup: async () => {
      await scratch.drop();
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
