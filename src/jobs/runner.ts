import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor, type Tx } from '../core/db.js';
import type { JobState } from './tables.js';

/** A job as its handler sees it. */
export interface Job<P = Record<string, unknown>> {
  id: number;
  kind: string;
  key: string | null;
  runAt: Date;
  payload: P;
  /** Attempts started so far, this one included (1 on the first run). */
  attempts: number;
  maxAttempts: number;
  /** Error of the previous attempt, if any. */
  lastError: string | null;
  createdAt: Date;
}

export interface ScheduleInput<P = Record<string, unknown>> {
  kind: string;
  /** De-duplication key within the kind: at most one pending job per (kind, key). */
  key?: string | null;
  runAt: Date;
  payload?: P;
  /** Default: the registered definition's maxAttempts, else 5. */
  maxAttempts?: number;
  /**
   * When a pending job of this (kind, key) exists: `replace` (default) moves it to the new time and payload
   * (and resets its attempts), `keep` leaves it as it is.
   */
  ifPending?: 'replace' | 'keep';
}

export interface JobFailure {
  error: unknown;
  message: string;
  /** True when the job will be tried again at retryAt; false when this was its last attempt. */
  willRetry: boolean;
  retryAt: Date | null;
}

/**
 * What runs a kind of job.
 *
 * `run` executes inside a transaction that also marks the job done, so its writes and the job's completion
 * commit together (or not at all). Use only `tx` inside it: on PGlite's single connection a query outside the
 * transaction waits for it forever. A handler must check the current state of what it acts on (an event may
 * have been closed since its deadline was scheduled); cancel() covers pending jobs only. Jobs of kinds without
 * `perform` share their transaction with other due jobs (see groupSize); a handler's writes still commit exactly
 * once, but it may be run again in the same attempt when another job of its group failed, so it must do nothing
 * outside `tx` (no counters, no messages) that would notice.
 *
 * `perform`, when given, runs first and outside any transaction: the place for work that must not hold a
 * transaction open, such as an HTTP request. Its result is handed to `run`. A job is done only when `run`
 * commits, so `perform` may be repeated after a crash (at-least-once for outside effects, exactly-once for the
 * database).
 */
export interface JobDefinition<P = Record<string, unknown>, R = void> {
  run(tx: Tx, job: Job<P>, performed: R): Promise<void>;
  perform?(job: Job<P>): Promise<R>;
  /** Runs in the transaction that records a failed attempt (e.g. to keep a delivery row in step). */
  onFailure?(tx: Tx, job: Job<P>, failure: JobFailure): Promise<void>;
  /** Default for jobs of this kind scheduled without maxAttempts. */
  maxAttempts?: number;
  /** Milliseconds to wait before attempt `attempt + 1`, after `attempt` attempts failed. */
  backoff?(attempt: number): number;
}

export type JobHandler<P = Record<string, unknown>> = (tx: Tx, job: Job<P>) => Promise<void>;

export interface JobRunnerOptions {
  database: Database;
  clock: Clock;
  /** Jobs claimed per round trip. */
  batchSize?: number;
  /** Transactions of one batch run at the same time (PostgreSQL; PGlite has one connection). */
  concurrency?: number;
  /**
   * Jobs fired in one transaction, each in its own savepoint (kinds without `perform`). One commit for many jobs is
   * what lets a sweep fire thousands of due timers a second; 1 gives one transaction per job.
   */
  groupSize?: number;
  /** How long a claim is held before another runner may take the job over. */
  leaseMs?: number;
  /** Upper bound of batches per runDue(), so that handlers scheduling due work cannot keep it going forever. */
  maxBatchesPerRun?: number;
  /** Name of this runner in locked_by; default host:pid:random. */
  instance?: string;
  /** Where the interval loop reports errors it cannot throw (the server's logger). */
  onError?: (error: unknown) => void;
}

export interface RunSummary {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Claimed jobs whose lease another runner had taken over before they finished (rolled back). */
  lost: number;
  /** Expired leases handed back (or failed) before claiming. */
  released: number;
}

/** Exponential backoff: 30 s, 1 min, 2 min, 4 min … capped at one hour. */
export function exponentialBackoff(baseMs = 30_000, capMs = 3_600_000): (attempt: number) => number {
  return (attempt) => Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

const DEFAULT_MAX_ATTEMPTS = 5;

type Outcome = 'done' | 'retried' | 'failed' | 'lost';
const defaultBackoff = exponentialBackoff();

interface JobRow {
  id: number | string | bigint;
  kind: string;
  key: string | null;
  run_at: Date | string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: Date | string;
}

function toJob(row: JobRow): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    key: row.key,
    runAt: new Date(row.run_at),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
  };
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

const RETURNING = sql.raw(
  'j.id, j.kind, j.key, j.run_at, j.payload, j.attempts, j.max_attempts, j.last_error, j.created_at',
);

/**
 * The durable job and timer runner (定时任务). Jobs are rows of `jobs`; schedule() and cancel() take the caller's
 * transaction so that a state change and its timer commit together. runDue() hands back expired leases, then
 * claims due jobs in batches with FOR UPDATE SKIP LOCKED and runs them; start() calls it on an interval.
 *
 * Safe with several runners on one PostgreSQL: a claim is an UPDATE of rows no other runner has locked, and a
 * running job's row stays locked by its handler's transaction, so a live job is never taken over even when its
 * lease runs out; a crashed runner's transaction is gone with its connection and its jobs are released once
 * the lease has expired. Correct after a restart: what fell due while no runner was up is simply due.
 */
export class JobRunner {
  readonly instance: string;
  private readonly definitions = new Map<string, JobDefinition<never, unknown>>();
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly groupSize: number;
  private readonly leaseMs: number;
  private readonly maxBatchesPerRun: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RunSummary> | undefined;

  constructor(private readonly options: JobRunnerOptions) {
    this.instance = options.instance ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.groupSize = Math.max(1, options.groupSize ?? 100);
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxBatchesPerRun = options.maxBatchesPerRun ?? 50;
  }

  private get db() {
    return this.options.database.db;
  }

  /** Register what runs jobs of this kind: a handler run in a transaction, or a full definition. */
  register<P = Record<string, unknown>, R = void>(
    kind: string,
    handler: JobHandler<P> | JobDefinition<P, R>,
  ): void {
    if (this.definitions.has(kind)) throw new Error(`job kind "${kind}" is registered twice`);
    const definition: JobDefinition<P, R> =
      typeof handler === 'function' ? { run: (tx, job) => handler(tx, job) } : handler;
    this.definitions.set(kind, definition as unknown as JobDefinition<never, unknown>);
  }

  kinds(): string[] {
    return [...this.definitions.keys()];
  }

  // ---------------------------------------------------------------- scheduling (in the caller's transaction)

  /** Schedule a job; returns its id (that of the moved or kept job when the key was pending already). */
  async schedule<P = Record<string, unknown>>(executor: Executor, input: ScheduleInput<P>): Promise<number> {
    const key = input.key ?? null;
    const maxAttempts =
      input.maxAttempts ?? this.definitions.get(input.kind)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('maxAttempts must be ≥ 1');
    if (Number.isNaN(input.runAt.getTime())) throw new Error('runAt is not a valid date');
    const payload = JSON.stringify(input.payload ?? {});
    const now = this.options.clock.now();
    const onConflict =
      input.ifPending === 'keep'
        ? sql`do nothing`
        : sql`do update set run_at = excluded.run_at, payload = excluded.payload,
              max_attempts = excluded.max_attempts, attempts = 0, last_error = null`;
    const inserted = rowsOf<{ id: number | string }>(
      await executor.execute(sql`
        insert into jobs (kind, key, run_at, payload, max_attempts, created_at)
        values (${input.kind}, ${key}, ${input.runAt}, ${payload}::jsonb, ${maxAttempts}, ${now})
        on conflict (kind, key) where state = 'pending' and key is not null ${onConflict}
        returning id`),
    );
    if (inserted[0]) return Number(inserted[0].id);
    const [kept] = rowsOf<{ id: number | string }>(
      await executor.execute(
        sql`select id from jobs where kind = ${input.kind} and key = ${key} and state = 'pending'`,
      ),
    );
    return Number(kept!.id);
  }

  /** Withdraw the pending job of this key (a running one finishes). Returns how many were cancelled (0 or 1). */
  async cancel(executor: Executor, kind: string, key: string): Promise<number> {
    const rows = rowsOf(
      await executor.execute(sql`
        update jobs set state = 'cancelled', finished_at = ${this.options.clock.now()}
        where kind = ${kind} and key = ${key} and state = 'pending'
        returning id`),
    );
    return rows.length;
  }

  /** The pending job of a key, if any (for a timeline's "due at", and for tests). */
  async pending(executor: Executor, kind: string, key: string): Promise<Job | undefined> {
    const [row] = rowsOf<JobRow>(
      await executor.execute(sql`
        select ${RETURNING} from jobs j where j.kind = ${kind} and j.key = ${key} and j.state = 'pending'`),
    );
    return row ? toJob(row) : undefined;
  }

  async state(executor: Executor, id: number): Promise<{ state: JobState; attempts: number } | undefined> {
    const [row] = rowsOf<{ state: JobState; attempts: number }>(
      await executor.execute(sql`select state, attempts from jobs where id = ${id}`),
    );
    return row;
  }

  // ---------------------------------------------------------------- the sweep

  /** Hand back the jobs of runners whose lease expired (they crashed or hung); returns how many. */
  async releaseExpired(): Promise<number> {
    const now = this.options.clock.now();
    // SKIP LOCKED: a job whose handler is still running holds its row lock; it is alive, leave it alone.
    const rows = rowsOf(
      await this.db.execute(sql`
        with expired as (
          select id from jobs where state = 'running' and locked_until < ${now}
          order by locked_until limit 1000 for update skip locked
        ), decided as (
          select j.id,
            case when j.attempts >= j.max_attempts then 'failed'
                 when j.key is not null and exists (
                   select 1 from jobs o where o.kind = j.kind and o.key = j.key and o.state = 'pending')
                   then 'cancelled'
                 else 'pending' end as next_state
          from jobs j join expired e on e.id = j.id
        )
        update jobs j set state = d.next_state, run_at = ${now}, locked_by = null, locked_until = null,
          last_error = 'lease of runner ' || coalesce(j.locked_by, '?') || ' expired',
          finished_at = case when d.next_state = 'pending' then null else ${now}::timestamptz end
        from decided d where j.id = d.id
        returning j.id`),
    );
    return rows.length;
  }

  /**
   * Claim up to `limit` due jobs of the registered kinds for this runner (state running, lease set, attempts
   * counted). Exposed for the benchmark and for tests that play a runner which crashes after claiming.
   */
  async claim(limit = this.batchSize, kinds: string[] = this.kinds()): Promise<Job[]> {
    if (kinds.length === 0) return [];
    const rows = rowsOf<JobRow>(await this.db.execute(this.claimStatement(limit, kinds)));
    return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  /** The claim's UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED), for claim() and for EXPLAIN in the benchmark. */
  claimStatement(limit: number, kinds: string[]): SQL {
    const now = this.options.clock.now();
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const kindList: SQL = sql.join(
      kinds.map((kind) => sql`${kind}`),
      sql`, `,
    );
    return sql`
        update jobs j set state = 'running', locked_by = ${this.instance}, locked_until = ${leaseEnd},
          attempts = j.attempts + 1
        from (
          select id from jobs
          where state = 'pending' and run_at <= ${now} and kind in (${kindList})
          order by run_at limit ${limit}
          for update skip locked
        ) due
        where j.id = due.id
        returning ${RETURNING}`;
  }

  /** Run everything that is due now (tests call this instead of waiting for the interval). */
  async runDue(): Promise<RunSummary> {
    // one sweep at a time per runner; a call during a sweep runs another one after it
    const previous = this.running;
    const run = (async () => {
      if (previous) await previous.catch(() => undefined);
      return this.sweep();
    })();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  private async sweep(): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, done: 0, retried: 0, failed: 0, lost: 0, released: 0 };
    if (this.definitions.size === 0) return summary;
    summary.released = await this.releaseExpired();
    for (let batch = 0; batch < this.maxBatchesPerRun; batch++) {
      const claimed = await this.claim();
      if (claimed.length === 0) break;
      summary.claimed += claimed.length;
      // jobs whose kind works outside the database first (perform) run one by one; the others in groups
      const units: Job[][] = [];
      let group: Job[] = [];
      for (const job of claimed) {
        if (this.definitions.get(job.kind)!.perform || this.groupSize === 1) {
          units.push([job]);
          continue;
        }
        group.push(job);
        if (group.length === this.groupSize) {
          units.push(group);
          group = [];
        }
      }
      if (group.length > 0) units.push(group);
      let next = 0;
      const worker = async () => {
        while (next < units.length) {
          const unit = units[next++]!;
          const outcomes = unit.length === 1 ? [await this.execute(unit[0]!)] : await this.executeGroup(unit);
          for (const outcome of outcomes) summary[outcome]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, units.length) }, worker));
      if (claimed.length < this.batchSize) break;
    }
    return summary;
  }

  /** Lock the job's row in this transaction if this runner still holds its lease. */
  private async hold(tx: Tx, job: Job): Promise<boolean> {
    const rows = rowsOf(
      await tx.execute(sql`
        select id from jobs where id = ${job.id} and state = 'running' and locked_by = ${this.instance}
        for update`),
    );
    return rows.length > 0;
  }

  /**
   * Fires a group of claimed jobs in one transaction: the rows this runner still holds are locked together, the
   * handlers run one after the other, and the jobs that ran are marked done by one statement before the commit.
   * When a handler throws on a first attempt, the whole transaction is rolled back and the group fired again with
   * a savepoint per job and without the failed one (its failure is recorded after the commit, as a single job's
   * would be), so the others still commit together. Savepoints only then (and for retries), because each costs
   * two statements and a subtransaction. So a handler may run twice in one attempt when a neighbour fails; its
   * writes commit once. When the transaction itself fails (a deadlock with another runner, a lost connection, a
   * handler that spoilt the transaction), nothing of it stays and the group is fired one job per transaction.
   */
  private async executeGroup(group: Job[]): Promise<Outcome[]> {
    const failures = new Map<number, unknown>();
    let outcomes: Map<number, Outcome> | undefined;
    try {
      outcomes = await this.fireGroup(group, failures, false);
      if (!outcomes) outcomes = await this.fireGroup(group, failures, true);
    } catch (error) {
      this.options.onError?.(error);
      const alone: Outcome[] = [];
      for (const job of group) alone.push(await this.execute(job));
      return alone;
    }
    const result: Outcome[] = [];
    for (const job of group) {
      const outcome = outcomes!.get(job.id);
      if (outcome) {
        result.push(outcome);
        continue;
      }
      const definition = this.definitions.get(job.kind) as JobDefinition<Record<string, unknown>, unknown>;
      result.push(await this.fail(job, definition, failures.get(job.id)));
    }
    return result;
  }

  /**
   * One transaction over the group (see executeGroup). Without savepoints, a handler's error rolls everything
   * back and answers undefined: fire again with savepoints. Jobs that failed are left out of the answer, their
   * errors put in `failures`.
   */
  private async fireGroup(
    group: Job[],
    failures: Map<number, unknown>,
    savepoints: boolean,
  ): Promise<Map<number, Outcome> | undefined> {
    const spoilt = new Error('a handler of the group failed');
    try {
      return await this.db.transaction(async (tx) => {
        const ids = group.map((job) => job.id);
        const held = new Set(
          rowsOf<{ id: number | string }>(
            await tx.execute(sql`
              select id from jobs
              where id = any(${sql.param(ids)}::bigint[]) and state = 'running' and locked_by = ${this.instance}
              order by id
              for update`),
          ).map((row) => Number(row.id)),
        );
        const result = new Map<number, Outcome>();
        const done: number[] = [];
        for (const job of group) {
          if (!held.has(job.id)) {
            result.set(job.id, 'lost');
            continue;
          }
          if (failures.has(job.id)) continue; // failed in the first try of this group: recorded after the commit
          const definition = this.definitions.get(job.kind) as JobDefinition<
            Record<string, unknown>,
            unknown
          >;
          // a retry is likelier to fail again: it gets its savepoint at once
          const savepoint = savepoints || job.attempts > 1;
          if (savepoint) await tx.execute(sql`savepoint gezhi_job`);
          try {
            await definition.run(tx, job, undefined);
          } catch (error) {
            failures.set(job.id, error);
            if (!savepoint) throw spoilt;
            await tx.execute(sql`rollback to savepoint gezhi_job`);
            continue;
          }
          if (savepoint) await tx.execute(sql`release savepoint gezhi_job`);
          done.push(job.id);
        }
        if (done.length > 0) {
          await tx.execute(sql`
            update jobs set state = 'done', finished_at = ${this.options.clock.now()}, locked_by = null,
              locked_until = null
            where id = any(${sql.param(done)}::bigint[])`);
        }
        for (const id of done) result.set(id, 'done');
        return result;
      });
    } catch (error) {
      if (error === spoilt) return undefined;
      throw error;
    }
  }

  private async execute(job: Job): Promise<Outcome> {
    const definition = this.definitions.get(job.kind) as JobDefinition<Record<string, unknown>, unknown>;
    try {
      const performed = definition.perform ? await definition.perform(job) : undefined;
      return await this.db.transaction(async (tx) => {
        if (!(await this.hold(tx, job))) return 'lost' as const;
        await definition.run(tx, job, performed);
        await tx.execute(sql`
          update jobs set state = 'done', finished_at = ${this.options.clock.now()}, locked_by = null,
            locked_until = null
          where id = ${job.id}`);
        return 'done' as const;
      });
    } catch (error) {
      return this.fail(job, definition, error);
    }
  }

  private async fail(
    job: Job,
    definition: JobDefinition<Record<string, unknown>, unknown>,
    error: unknown,
  ): Promise<'retried' | 'failed' | 'lost'> {
    const now = this.options.clock.now();
    const willRetry = job.attempts < job.maxAttempts;
    const retryAt = willRetry
      ? new Date(now.getTime() + (definition.backoff ?? defaultBackoff)(job.attempts))
      : null;
    const failure: JobFailure = { error, message: messageOf(error), willRetry, retryAt };
    const record = async (withHook: boolean) =>
      this.db.transaction(async (tx) => {
        if (!(await this.hold(tx, job))) return 'lost' as const;
        // a newer pending job of the same key supersedes this retry
        const superseded =
          willRetry &&
          job.key !== null &&
          rowsOf(
            await tx.execute(sql`
              select 1 from jobs where kind = ${job.kind} and key = ${job.key} and state = 'pending'`),
          ).length > 0;
        const state: JobState = superseded ? 'cancelled' : willRetry ? 'pending' : 'failed';
        await tx.execute(sql`
          update jobs set state = ${state}, run_at = ${retryAt ?? job.runAt}, last_error = ${failure.message},
            locked_by = null, locked_until = null, finished_at = ${state === 'pending' ? null : now}
          where id = ${job.id}`);
        if (withHook && definition.onFailure) await definition.onFailure(tx, job, failure);
        return willRetry ? ('retried' as const) : ('failed' as const);
      });
    try {
      return await record(true);
    } catch (hookError) {
      this.options.onError?.(hookError);
      return record(false);
    }
  }

  // ---------------------------------------------------------------- the loop of the server

  /** Sweep now and then every intervalMs until stop(). */
  start(
    intervalMs: number,
    onError: (error: unknown) => void = this.options.onError ?? (() => undefined),
  ): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.runDue().catch(onError);
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stop the loop and wait for the sweep in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
