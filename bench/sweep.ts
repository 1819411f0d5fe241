/**
 * The deadline sweep over 1,000,000 open items (issue 5): the jobs table holds 1,000,000 pending timers (the
 * deadlines of open events), about 1,000 of them due, spread through the table; one claim of the due batch is
 * timed (UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) through the partial index jobs_due_idx), then an empty
 * claim (nothing due: what every idle tick costs), then runDue() firing the 1,000 jobs with a handler that writes
 * one row: in groups (one transaction per 100 jobs, a savepoint each: the runner's default), then again one
 * transaction per job (groupSize 1, as before) for comparison. The claim's plan is printed (EXPLAIN ANALYZE,
 * rolled back).
 *
 *   npx tsx bench/sweep.ts [total=1000000] [due=1000]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/sweep.ts   # PostgreSQL as well
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { ManualClock } from '../src/core/clock.js';
import { migrate, openDatabase, rowsOf, type Database } from '../src/core/db.js';
import { JobRunner } from '../src/jobs/runner.js';
import { freshPostgres } from './import.js';
import { formatDuration, formatNumber, printTable, progress, type Row } from './util.js';

const KIND = 'event.deadline';
const CHUNK = 100_000;

async function fill(
  database: Database,
  now: Date,
  total: number,
  due: number,
  label: string,
): Promise<number> {
  const started = performance.now();
  const every = Math.max(1, Math.floor(total / due));
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    // every `every`-th job is overdue by up to an hour; the others fall due within the next 30 days
    await database.db.execute(sql`
      insert into jobs (kind, key, run_at, payload, created_at)
      select ${KIND}, 'event:' || i,
        case when i % ${every} = 0 then ${now}::timestamptz - ((i % 3600) || ' seconds')::interval
             else ${now}::timestamptz + interval '1 minute' + ((i::bigint * 7919 % 2592000) || ' seconds')::interval end,
        jsonb_build_object('eventId', i, 'step', 'handle'), ${now}
      from generate_series(${from}::int, ${to}::int) as i`);
    progress(`${label}: ${formatNumber(to)} / ${formatNumber(total)} jobs inserted`);
  }
  await database.db.execute(sql`analyze jobs`);
  return (performance.now() - started) / 1000;
}

async function explainClaim(database: Database, runner: JobRunner, limit: number): Promise<string> {
  let plan = '';
  // EXPLAIN ANALYZE runs the UPDATE; roll it back so that the timed claim finds the jobs still due
  await database.db
    .transaction(async (tx) => {
      const rows = rowsOf<Record<string, string>>(
        await tx.execute(
          sql`explain (analyze, costs off, timing on) ${runner.claimStatement(limit, [KIND])}`,
        ),
      );
      plan = rows.map((row) => Object.values(row)[0]).join('\n');
      throw new Error('rollback');
    })
    .catch((error: unknown) => {
      if ((error as Error).message !== 'rollback') throw error;
    });
  return plan;
}

export async function runSweepBench(options: {
  databaseUrl?: string;
  total: number;
  due: number;
}): Promise<{ rows: Row[]; plans: { engine: string; plan: string }[] }> {
  const rows: Row[] = [];
  const plans: { engine: string; plan: string }[] = [];
  const engines: ('pglite' | 'postgres')[] = options.databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
  for (const engine of engines) {
    let database: Database;
    let drop = async () => undefined as void;
    if (engine === 'postgres') {
      const fresh = await freshPostgres(options.databaseUrl!);
      database = fresh.database;
      drop = fresh.drop;
    } else {
      database = await openDatabase({});
      drop = () => database.close();
    }
    try {
      progress(`${engine}: migrating`);
      await migrate(database);
      const clock = new ManualClock('2026-11-25T08:00:00+08:00');
      const insertSeconds = await fill(database, clock.now(), options.total, options.due, engine);
      const [counts] = rowsOf<{ pending: number; due: number }>(
        await database.db.execute(sql`
          select count(*)::int as pending, count(*) filter (where run_at <= ${clock.now()})::int as due
          from jobs where state = 'pending'`),
      );
      await database.db.execute(sql`create table bench_fired (job_id bigint not null)`);
      const runnerWith = (groupSize: number) => {
        const runner = new JobRunner({
          database,
          clock,
          batchSize: options.due,
          groupSize,
          instance: `bench-${groupSize}`,
        });
        runner.register(KIND, async (tx, job) => {
          await tx.execute(sql`insert into bench_fired (job_id) values (${job.id})`);
        });
        return runner;
      };
      const runner = runnerWith(100);
      progress(`${engine}: explain`);
      plans.push({ engine, plan: await explainClaim(database, runner, counts!.due) });

      progress(`${engine}: claim`);
      let started = performance.now();
      const claimed = await runner.claim(counts!.due);
      const claimMs = performance.now() - started;
      started = performance.now();
      const none = await runner.claim(counts!.due);
      const emptyMs = performance.now() - started;

      // hand the claimed jobs back, then fire them all through runDue()
      await database.db.execute(
        sql`update jobs set state = 'pending', locked_by = null, locked_until = null where state = 'running'`,
      );
      progress(`${engine}: runDue, groups of 100`);
      started = performance.now();
      const summary = await runner.runDue();
      const runDueMs = performance.now() - started;
      const firedRows = async () =>
        rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from bench_fired`))[0]!
          .n;
      const groupedFired = await firedRows();

      // the same jobs again, one transaction each
      await database.db.execute(sql`
        update jobs set state = 'pending', attempts = 0, finished_at = null
        where id in (select job_id from bench_fired)`);
      await database.db.execute(sql`delete from bench_fired`);
      progress(`${engine}: runDue, one transaction per job`);
      started = performance.now();
      const single = await runnerWith(1).runDue();
      const singleMs = performance.now() - started;
      const fired = await firedRows();
      rows.push({
        engine,
        'pending jobs': counts!.pending,
        due: counts!.due,
        'insert + analyze': `${insertSeconds.toFixed(1)} s`,
        'claim of the due batch': formatDuration(claimMs),
        claimed: claimed.length,
        'empty claim': `${formatDuration(emptyMs)} (${none.length})`,
        'fire all due (groups of 100)': formatDuration(runDueMs),
        fired: `${groupedFired} (${summary.done} done)`,
        'fire all due (1 per transaction)': formatDuration(singleMs),
        'fired ': `${fired} (${single.done} done)`,
      });
    } finally {
      await drop();
    }
  }
  return { rows, plans };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const total = Number(process.argv[2] ?? 1_000_000);
  const due = Number(process.argv[3] ?? 1_000);
  const { rows, plans } = await runSweepBench({
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    total,
    due,
  });
  printTable(`Deadline sweep: ${formatNumber(total)} pending jobs, ${formatNumber(due)} due`, rows);
  for (const { engine, plan } of plans)
    process.stdout.write(`### EXPLAIN ANALYZE of the claim, ${engine}\n\n\`\`\`\n${plan}\n\`\`\`\n\n`);
}
