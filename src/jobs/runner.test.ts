import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { openDatabase, rowsOf, type Database, type Executor } from '../core/db.js';
import { engine, freshDatabase, scratchPostgres } from '../../test/helpers.js';
import { JobRunner, type Job } from './runner.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A table the handlers write to, so that a test sees what committed. */
async function createHitTable(executor: Executor): Promise<void> {
  await executor.execute(
    sql`create table if not exists job_hits (job_id bigint not null, runner text not null)`,
  );
}

async function hits(executor: Executor): Promise<{ job_id: number; runner: string }[]> {
  return rowsOf<{ job_id: string | number; runner: string }>(
    await executor.execute(sql`select job_id, runner from job_hits order by job_id`),
  ).map((row) => ({ job_id: Number(row.job_id), runner: row.runner }));
}

async function jobRows(executor: Executor) {
  return rowsOf<{
    id: number;
    key: string | null;
    state: string;
    attempts: number;
    run_at: Date;
    last_error: string | null;
  }>(
    await executor.execute(
      sql`select id::int as id, key, state, attempts, run_at, last_error from jobs order by id`,
    ),
  );
}

function recordingRunner(
  database: Database,
  clock: ManualClock,
  name: string,
  extra: Partial<ConstructorParameters<typeof JobRunner>[0]> = {},
) {
  const runner = new JobRunner({ database, clock, instance: name, ...extra });
  runner.register('hit', async (tx, job) => {
    await tx.execute(sql`insert into job_hits (job_id, runner) values (${job.id}, ${name})`);
  });
  return runner;
}

describe('the job runner', () => {
  let database: Database;
  let clock: ManualClock;

  beforeEach(async () => {
    database = await freshDatabase();
    clock = new ManualClock('2026-11-25T08:00:00+08:00');
    await createHitTable(database.db);
  });
  afterEach(async () => {
    await database.close();
  });

  it('runs due jobs only, each once, and later ones when their time comes', async () => {
    const runner = recordingRunner(database, clock, 'r1');
    const now = clock.now().getTime();
    await runner.schedule(database.db, { kind: 'hit', runAt: new Date(now - MINUTE) });
    await runner.schedule(database.db, { kind: 'hit', runAt: new Date(now) });
    const later = await runner.schedule(database.db, { kind: 'hit', runAt: new Date(now + 10 * MINUTE) });

    const first = await runner.runDue();
    expect(first).toMatchObject({ claimed: 2, done: 2, failed: 0 });
    expect((await hits(database.db)).length).toBe(2);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });

    clock.advance(10 * MINUTE);
    expect(await runner.runDue()).toMatchObject({ claimed: 1, done: 1 });
    expect((await hits(database.db)).map((hit) => hit.job_id)).toContain(later);
    expect((await jobRows(database.db)).map((row) => row.state)).toEqual(['done', 'done', 'done']);
  });

  it('leaves jobs of kinds it has no handler for to a runner that has one', async () => {
    const runner = recordingRunner(database, clock, 'r1');
    await runner.schedule(database.db, { kind: 'someone.else', runAt: clock.now() });
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    expect((await jobRows(database.db))[0]!.state).toBe('pending');
  });

  it('schedules inside the caller’s transaction: a rolled-back change leaves no timer', async () => {
    const runner = recordingRunner(database, clock, 'r1');
    await expect(
      database.db.transaction(async (tx) => {
        await runner.schedule(tx, { kind: 'hit', key: 'event:1', runAt: clock.now() });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await jobRows(database.db)).toEqual([]);
    await database.db.transaction(async (tx) => {
      await runner.schedule(tx, { kind: 'hit', key: 'event:1', runAt: clock.now() });
    });
    expect(await runner.runDue()).toMatchObject({ done: 1 });
  });

  it('keeps one pending job per key: scheduling again moves it, keep leaves it, cancel withdraws it', async () => {
    const runner = recordingRunner(database, clock, 'r1');
    const now = clock.now().getTime();
    const id = await runner.schedule(database.db, {
      kind: 'hit',
      key: 'event:7',
      runAt: new Date(now + MINUTE),
      payload: { step: 1 },
    });
    const moved = await runner.schedule(database.db, {
      kind: 'hit',
      key: 'event:7',
      runAt: new Date(now + 5 * MINUTE),
      payload: { step: 2 },
    });
    expect(moved).toBe(id);
    const kept = await runner.schedule(database.db, {
      kind: 'hit',
      key: 'event:7',
      runAt: new Date(now),
      ifPending: 'keep',
    });
    expect(kept).toBe(id);
    const pending = await runner.pending(database.db, 'hit', 'event:7');
    expect(pending?.runAt.getTime()).toBe(now + 5 * MINUTE);
    expect(pending?.payload).toEqual({ step: 2 });
    expect(await jobRows(database.db)).toHaveLength(1);

    clock.advance(MINUTE);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });

    expect(await runner.cancel(database.db, 'hit', 'event:7')).toBe(1);
    expect(await runner.cancel(database.db, 'hit', 'event:7')).toBe(0);
    clock.advance(10 * MINUTE);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    expect((await jobRows(database.db))[0]!.state).toBe('cancelled');

    // the key is free again once nothing is pending under it; a finished job keeps its row
    const again = await runner.schedule(database.db, { kind: 'hit', key: 'event:7', runAt: clock.now() });
    expect(again).not.toBe(id);
    expect(await runner.runDue()).toMatchObject({ done: 1 });
  });

  it('retries a failing job with exponential backoff, rolls back its writes, and fails it after maxAttempts', async () => {
    const runner = new JobRunner({ database, clock, instance: 'r1' });
    let calls = 0;
    const failures: { attempts: number; willRetry: boolean }[] = [];
    runner.register('flaky', {
      maxAttempts: 3,
      run: async (tx, job) => {
        calls++;
        await tx.execute(sql`insert into job_hits (job_id, runner) values (${job.id}, 'flaky')`);
        if (job.payload.succeedOn !== job.attempts) throw new Error(`attempt ${job.attempts} failed`);
      },
      onFailure: async (_tx, job, failure) => {
        failures.push({ attempts: job.attempts, willRetry: failure.willRetry });
      },
    });
    const start = clock.now().getTime();
    const recovering = await runner.schedule(database.db, {
      kind: 'flaky',
      runAt: clock.now(),
      payload: { succeedOn: 3 },
    });
    const hopeless = await runner.schedule(database.db, {
      kind: 'flaky',
      runAt: clock.now(),
      payload: { succeedOn: 99 },
    });

    expect(await runner.runDue()).toMatchObject({ claimed: 2, retried: 2 });
    let rows = await jobRows(database.db);
    expect(rows.map((row) => [row.state, row.attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
    ]);
    // first retry after 30 s
    expect(new Date(rows[0]!.run_at).getTime()).toBe(start + 30 * SECOND);
    expect(rows[0]!.last_error).toContain('attempt 1 failed');
    expect(await hits(database.db)).toEqual([]); // the failed attempts' writes were rolled back

    clock.advance(29 * SECOND);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    clock.advance(SECOND);
    expect(await runner.runDue()).toMatchObject({ claimed: 2, retried: 2 });
    rows = await jobRows(database.db);
    // second retry waits twice as long
    expect(new Date(rows[0]!.run_at).getTime()).toBe(clock.now().getTime() + 60 * SECOND);

    clock.advance(60 * SECOND);
    expect(await runner.runDue()).toMatchObject({ claimed: 2, done: 1, failed: 1 });
    rows = await jobRows(database.db);
    expect(rows.find((row) => row.id === recovering)).toMatchObject({ state: 'done', attempts: 3 });
    expect(rows.find((row) => row.id === hopeless)).toMatchObject({ state: 'failed', attempts: 3 });
    expect((await hits(database.db)).map((hit) => hit.job_id)).toEqual([recovering]);
    expect(calls).toBe(6);
    expect(failures.filter((failure) => !failure.willRetry)).toEqual([{ attempts: 3, willRetry: false }]);

    clock.advance(24 * 60 * MINUTE);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
  });

  it('takes over the jobs of a runner that crashed once its lease has expired, and refuses the late finish', async () => {
    const crashed = recordingRunner(database, clock, 'crashed', { leaseMs: 5 * MINUTE });
    const survivor = recordingRunner(database, clock, 'survivor', { leaseMs: 5 * MINUTE });
    await crashed.schedule(database.db, { kind: 'hit', runAt: clock.now() });
    const [claimed] = await crashed.claim();
    expect(claimed).toBeDefined();

    expect(await survivor.runDue()).toMatchObject({ claimed: 0, released: 0 });
    clock.advance(5 * MINUTE + SECOND);
    expect(await survivor.runDue()).toMatchObject({ released: 1, claimed: 1, done: 1 });
    expect(await hits(database.db)).toEqual([{ job_id: claimed!.id, runner: 'survivor' }]);
    expect((await jobRows(database.db))[0]).toMatchObject({ state: 'done', attempts: 2 });

    // the crashed runner comes back to life and tries to finish: its lease is gone, nothing is written twice
    const execute = (crashed as unknown as { execute(job: Job): Promise<string> }).execute.bind(crashed);
    expect(await execute(claimed!)).toBe('lost');
    expect(await hits(database.db)).toHaveLength(1);
  });

  it('fails a job whose runners keep dying once it has used up its attempts', async () => {
    const runner = recordingRunner(database, clock, 'r', { leaseMs: MINUTE });
    await runner.schedule(database.db, { kind: 'hit', runAt: clock.now(), maxAttempts: 1 });
    await runner.claim();
    clock.advance(2 * MINUTE);
    expect(await runner.runDue()).toMatchObject({ released: 1, claimed: 0 });
    expect((await jobRows(database.db))[0]).toMatchObject({ state: 'failed' });
    expect((await jobRows(database.db))[0]!.last_error).toContain('lease of runner r expired');
  });

  it('runs perform() outside the transaction and hands its result to run()', async () => {
    const runner = new JobRunner({ database, clock, instance: 'r1' });
    runner.register<{ n: number }, number>('double', {
      perform: async (job) => {
        // outside any transaction: the database answers other queries meanwhile (PGlite has one connection)
        await database.db.execute(sql`select 1`);
        return job.payload.n * 2;
      },
      run: async (tx, job, doubled) => {
        await tx.execute(sql`insert into job_hits (job_id, runner) values (${doubled}, 'double')`);
      },
    });
    await runner.schedule(database.db, { kind: 'double', runAt: clock.now(), payload: { n: 21 } });
    expect(await runner.runDue()).toMatchObject({ done: 1 });
    expect(await hits(database.db)).toEqual([{ job_id: 42, runner: 'double' }]);
  });

  it('claims due jobs in batches until none is left', async () => {
    const runner = recordingRunner(database, clock, 'r1', { batchSize: 7, concurrency: 3 });
    await database.db.execute(sql`
      insert into jobs (kind, run_at, created_at)
      select 'hit', ${clock.now()}::timestamptz - (i || ' seconds')::interval, ${clock.now()}
      from generate_series(1, 30) as i`);
    expect(await runner.runDue()).toMatchObject({ claimed: 30, done: 30 });
    const ran = await hits(database.db);
    expect(new Set(ran.map((hit) => hit.job_id)).size).toBe(30);
  });

  it('fires many jobs in one transaction, each in a savepoint: one failing job is rolled back and retried alone', async () => {
    await database.db.execute(
      sql`create table group_hits (job_id bigint not null, xid bigint not null, n int not null)`,
    );
    const fire = (groupSize: number, instance: string) => {
      const runner = new JobRunner({ database, clock, instance, groupSize, concurrency: 1 });
      runner.register<{ n: number }>('grouped', async (tx, job) => {
        await tx.execute(
          sql`insert into group_hits (job_id, xid, n) values (${job.id}, txid_current(), ${job.payload.n})`,
        );
        if (job.payload.n === 3 && job.attempts === 1) throw new Error('three fails once');
      });
      return runner;
    };
    const schedule = async (runner: JobRunner) => {
      for (let n = 1; n <= 5; n++) {
        await runner.schedule(database.db, {
          kind: 'grouped',
          runAt: new Date(clock.now().getTime() - (10 - n) * SECOND),
          payload: { n },
        });
      }
    };
    const xids = async () =>
      rowsOf<{ n: number; xid: string }>(
        await database.db.execute(sql`select n, xid::text as xid from group_hits order by n`),
      );

    const grouped = fire(100, 'grouped');
    await schedule(grouped);
    expect(await grouped.runDue()).toMatchObject({ claimed: 5, done: 4, retried: 1 });
    let rows = await xids();
    // the four that ran committed together; the failing one's insert was rolled back with its savepoint
    expect(rows.map((row) => row.n)).toEqual([1, 2, 4, 5]);
    expect(new Set(rows.map((row) => row.xid)).size).toBe(1);
    const states = await jobRows(database.db);
    expect(states.map((row) => [row.state, row.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
      ['pending', 1],
      ['done', 1],
      ['done', 1],
    ]);
    expect(states[2]!.last_error).toContain('three fails once');
    clock.advance(30 * SECOND);
    expect(await grouped.runDue()).toMatchObject({ claimed: 1, done: 1 });
    expect((await xids()).map((row) => row.n)).toEqual([1, 2, 3, 4, 5]);

    // groups of two: three transactions for five jobs
    await database.db.execute(sql`delete from group_hits`);
    await database.db.execute(sql`delete from jobs`);
    const pairs = fire(2, 'pairs');
    await schedule(pairs);
    clock.advance(SECOND);
    expect(await pairs.runDue()).toMatchObject({ claimed: 5, done: 4, retried: 1 });
    rows = await xids();
    expect(rows.map((row) => row.n)).toEqual([1, 2, 4, 5]);
    expect(new Set(rows.map((row) => row.xid)).size).toBe(3);
  });

  it('leaves a grouped job whose lease was taken over meanwhile to its new holder', async () => {
    const runner = recordingRunner(database, clock, 'r1');
    for (let i = 0; i < 3; i++) await runner.schedule(database.db, { kind: 'hit', runAt: clock.now() });
    const claimed = await runner.claim();
    expect(claimed).toHaveLength(3);
    await database.db.execute(sql`update jobs set locked_by = 'someone else' where id = ${claimed[1]!.id}`);
    const executeGroup = (
      runner as unknown as { executeGroup(jobs: Job[]): Promise<string[]> }
    ).executeGroup.bind(runner);
    expect(await executeGroup(claimed)).toEqual(['done', 'lost', 'done']);
    expect((await hits(database.db)).map((hit) => hit.job_id)).toEqual([claimed[0]!.id, claimed[2]!.id]);
    expect((await jobRows(database.db)).map((row) => row.state)).toEqual(['done', 'running', 'done']);
  });
});

describe('the job runner across a restart', () => {
  it('runs the jobs that fell due while the server was down when it starts again', async () => {
    const clock = new ManualClock('2026-11-25T08:00:00+08:00');
    let first: Database;
    let reopen: () => Promise<Database>;
    let cleanup: () => Promise<void> = async () => undefined;
    if (engine === 'postgres') {
      const scratch = await scratchPostgres(inject('databaseTemplate'));
      first = await openDatabase({ databaseUrl: scratch.url, poolSize: 2 });
      reopen = () => openDatabase({ databaseUrl: scratch.url, poolSize: 2 });
      cleanup = scratch.drop;
    } else {
      first = await freshDatabase();
      let files: Blob | undefined;
      const close = first.close;
      first.close = async () => {
        files = await first.pglite!.dumpDataDir('none');
        await close();
      };
      reopen = async () => openDatabase({ pglite: await PGlite.create({ loadDataDir: files! }) });
    }
    await createHitTable(first.db);
    const before = recordingRunner(first, clock, 'before');
    const now = clock.now().getTime();
    const soon = await before.schedule(first.db, { kind: 'hit', key: 'soon', runAt: new Date(now + MINUTE) });
    await before.schedule(first.db, {
      kind: 'hit',
      key: 'tomorrow',
      runAt: new Date(now + 24 * 60 * MINUTE),
    });
    await before.stop();
    await first.close();

    clock.advance(2 * 60 * MINUTE); // down for two hours
    const second = await reopen();
    try {
      const after = recordingRunner(second, clock, 'after');
      expect(await after.runDue()).toMatchObject({ claimed: 1, done: 1 });
      expect(await hits(second.db)).toEqual([{ job_id: soon, runner: 'after' }]);
      expect(await after.pending(second.db, 'hit', 'tomorrow')).toBeDefined();
    } finally {
      await second.close();
      await cleanup();
    }
  });
});

describe.skipIf(engine !== 'postgres')('two runners on one PostgreSQL database', () => {
  it('run 500 due jobs exactly once between them', async () => {
    const scratch = await scratchPostgres(inject('databaseTemplate'));
    const one = await openDatabase({ databaseUrl: scratch.url, poolSize: 5 });
    const two = await openDatabase({ databaseUrl: scratch.url, poolSize: 5 });
    try {
      const clock = new ManualClock('2026-11-25T08:00:00+08:00');
      await createHitTable(one.db);
      const a = recordingRunner(one, clock, 'a', { batchSize: 25, concurrency: 4 });
      const b = recordingRunner(two, clock, 'b', { batchSize: 25, concurrency: 4 });
      await one.db.execute(sql`
        insert into jobs (kind, key, run_at, created_at)
        select 'hit', 'job-' || i, ${clock.now()}::timestamptz - (i || ' milliseconds')::interval, ${clock.now()}
        from generate_series(1, 500) as i`);

      const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
      expect(ranA.done + ranB.done).toBe(500);
      expect(ranA.lost + ranB.lost + ranA.failed + ranB.failed).toBe(0);
      const ran = await hits(one.db);
      expect(ran).toHaveLength(500);
      expect(new Set(ran.map((hit) => hit.job_id)).size).toBe(500);
      const states = rowsOf<{ state: string; n: number; attempts: number }>(
        await one.db.execute(
          sql`select state, count(*)::int as n, max(attempts) as attempts from jobs group by state`,
        ),
      );
      expect(states).toEqual([{ state: 'done', n: 500, attempts: 1 }]);
    } finally {
      await one.close();
      await two.close();
      await scratch.drop();
    }
  });
});

describe.skipIf(engine === 'postgres')('two runners on PGlite', () => {
  it.skip('is a PostgreSQL-only scenario: PGlite is one connection in one process, so there is no second runner to race', () =>
    undefined);
});
