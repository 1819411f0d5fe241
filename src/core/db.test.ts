import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, rowsOf } from './db.js';

describe('PGlite on disk', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs with fsync on and flushes the write-ahead log to disk at each commit', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-db-test-'));
    try {
      const database = await openDatabase({ pgliteDir: folder });
      const settings = rowsOf<{ fsync: string; method: string }>(
        await database.db.execute(
          sql`select current_setting('fsync') as fsync, current_setting('wal_sync_method') as method`,
        ),
      );
      expect(settings).toEqual([{ fsync: 'on', method: 'fsync' }]);
      await database.db.execute(sql`create table durable (x int)`);
      const flush = vi.spyOn(fs, 'fdatasyncSync');
      for (let i = 0; i < 3; i++) await database.db.execute(sql`insert into durable values (${i})`);
      expect(flush.mock.calls.length).toBeGreaterThanOrEqual(3);
      flush.mockClear();
      await database.db.execute(sql`select count(*) from durable`);
      expect(flush).not.toHaveBeenCalled(); // a read commits nothing
      await database.close();
      const again = await openDatabase({ pgliteDir: folder });
      expect(rowsOf(await again.db.execute(sql`select x from durable order by x`))).toEqual([
        { x: 0 },
        { x: 1 },
        { x: 2 },
      ]);
      await again.close();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
