import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildServices } from '../app.js';
import { Scope } from '../accounts/scope.js';
import { systemActor } from '../core/audit.js';
import { openConfiguredDatabase } from '../core/bootstrap.js';
import { openDatabase } from '../core/db.js';
import { engine, freshDatabase, testConfig } from '../../test/helpers.js';
import { A11, D, M111, M21, S1, S2, importSmallMap, rect } from '../../test/grid-fixtures.js';

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe.skipIf(engine !== 'postgres')('two server processes on one PostgreSQL', () => {
  it('keeps both spatial indexes in step with writes made through either', async () => {
    const database = await freshDatabase();
    const other = await openDatabase({ databaseUrl: database.url!, poolSize: 2 });
    const a = await buildServices({ config: testConfig(), database });
    const b = await buildServices({ config: testConfig(), database: other });
    try {
      const codes = (services: typeof a) => services.grids.locate(121.42, 31.32).map((entry) => entry.code);
      expect(codes(b)).toEqual([]);
      await importSmallMap(a);
      expect(codes(a)).toEqual([D, S1, A11, M111]);
      expect(await waitFor(() => codes(b).length === 4, 5000)).toBe(true);
      expect(codes(b)).toEqual([D, S1, A11, M111]);

      // a boundary change made through the second process reaches the first
      await b.grids.setBoundary(
        M21,
        rect(121.5, 31.3, 121.57, 31.35),
        undefined,
        systemActor,
        Scope.everything(),
      );
      const at = (services: typeof a) => services.grids.locate(121.565, 31.32).map((entry) => entry.code);
      expect(at(b)).toEqual([D, S2, M21]);
      expect(await waitFor(() => at(a).length === 3, 5000)).toBe(true);
    } finally {
      await a.grids.stop();
      await b.grids.stop();
      await other.close();
      await database.close();
    }
  });
});

describe('a restart on the same data folder', () => {
  it('keeps the grids, their boundaries and the spatial index', async () => {
    const config = testConfig({ databaseUrl: undefined });
    try {
      const first = await openConfiguredDatabase(config);
      const services = await buildServices({ config, database: first });
      await importSmallMap(services);
      await services.grids.stop();
      await first.close();

      const second = await openConfiguredDatabase(config);
      const again = await buildServices({ config, database: second });
      try {
        expect(again.grids.indexedCount()).toBe(8);
        expect(again.grids.locate(121.42, 31.32).map((entry) => entry.code)).toEqual([D, S1, A11, M111]);
      } finally {
        await again.grids.stop();
        await second.close();
      }
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    }
    // creating PGlite's files from nothing twice takes a while on a busy 2-core machine
  }, 180_000);
});

describe('the embedded data folder', () => {
  it('is opened by one process at a time, and free again once closed', async () => {
    const config = testConfig({ databaseUrl: undefined });
    try {
      const first = await openConfiguredDatabase(config);
      // a lock written by another live process (this test's parent stands in for it) keeps a second opener out
      fs.writeFileSync(`${config.dataDir}/gezhi.lock`, String(process.ppid));
      await expect(openConfiguredDatabase(config)).rejects.toThrow(/in use by process/);
      fs.writeFileSync(`${config.dataDir}/gezhi.lock`, String(process.pid));
      await first.close();
      expect(fs.existsSync(`${config.dataDir}/gezhi.lock`)).toBe(false);
      const again = await openConfiguredDatabase(config);
      await again.close();
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
