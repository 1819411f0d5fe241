import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scratchPostgres } from '../../test/helpers.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/hotline');

describe('gezhi import-hotline and export-hotline', () => {
  it('imports a hotline export once, lists every bad row, and exports the status', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-hotline-cli-'));
    const scratch = process.env.TEST_DATABASE_URL ? await scratchPostgres() : null;
    const options = {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? '', GEZHI_DEMO: '0' },
      timeout: 120_000,
    };
    const gezhi = (...args: string[]) => run(process.execPath, ['bin/gezhi.mjs', ...args], options);
    try {
      const file = path.join(fixtures, 'tickets-unlocated.csv');
      const dry = await gezhi('import-hotline', file, '--dry-run');
      expect(dry.stdout).toMatch(/dry run: nothing written/);
      expect(dry.stdout).toMatch(/unlocated 2\b/);
      const first = await gezhi('import-hotline', file);
      expect(first.stdout).toMatch(/created 0, unchanged 0, unlocated 2, rejected 0/);
      const second = await gezhi('import-hotline', file);
      expect(second.stdout).toMatch(/created 0, unchanged 2, unlocated 0, rejected 0/);

      const failure = await gezhi('import-hotline', path.join(fixtures, 'tickets-bad.csv')).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/row 2, 工单编号/);
      expect(failure?.stderr).toMatch(/row 9, 工单编号/);

      const out = path.join(dataDir, 'status.csv');
      await gezhi('export-hotline', '--out', out, '--since', '2020-01-01');
      const bytes = fs.readFileSync(out);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      expect(lines.slice(1).map((line) => line.split(',').slice(0, 3))).toEqual([
        ['2026112500401', '', '受理'],
        ['2026112500402', '', '受理'],
      ]);
    } finally {
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
