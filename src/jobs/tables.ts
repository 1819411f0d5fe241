import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** States of a job. `cancelled`: withdrawn before it ran (cancel(), or superseded by a newer job of its key). */
export const JOB_STATES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * Durable jobs and timers (定时任务): a deadline, a webhook delivery, anything that must happen later even if
 * the server restarts in between. A runner claims due rows with FOR UPDATE SKIP LOCKED under a lease
 * (locked_by / locked_until), so several server processes on one PostgreSQL share the work and a crashed
 * process's jobs are taken over once its lease has expired.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What runs it: the name a handler was registered under, e.g. "webhook.deliver". */
    kind: text('kind').notNull(),
    /** De-duplication key within the kind (e.g. "event:42:deadline"); unique among pending jobs. */
    key: text('key'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    state: text('state').$type<JobState>().notNull().default('pending'),
    /** Attempts started so far (a claim counts as an attempt). */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lastError: text('last_error'),
    /** Runner instance holding the lease while the job is running. */
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // The sweep: "pending and due, oldest first" reads only the pending part of a table that keeps its history.
    index('jobs_due_idx')
      .on(t.runAt)
      .where(sql`state = 'pending'`),
    // Expired leases of crashed runners.
    index('jobs_lease_idx')
      .on(t.lockedUntil)
      .where(sql`state = 'running'`),
    // One pending job per (kind, key): scheduling the same key again moves the timer instead of adding one.
    uniqueIndex('jobs_pending_key_idx')
      .on(t.kind, t.key)
      .where(sql`state = 'pending' and key is not null`),
    check('jobs_state_check', sql`state in ('pending', 'running', 'done', 'failed', 'cancelled')`),
    check('jobs_attempts_check', sql`max_attempts >= 1 and attempts >= 0`),
  ],
);
