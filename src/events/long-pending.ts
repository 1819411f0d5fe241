/**
 * 长期未结 long-pending events (E5): a sweep that reschedules itself finds open events that are too old, sent back
 * for rework (返工) or returned (退单) too often, re-dispatches them (二次派单) with a double notice (双告知) to the
 * responsible grid's leaders and the line department's users, and marks them supervised (督办). Thresholds are data
 * (Policy.longPending), so tests use seconds.
 */
import { sql } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Executor, type Tx } from '../core/db.js';
import type { Policy } from '../core/policy.js';
import type { JobRunner } from '../jobs/runner.js';
import type { NotificationService } from '../notifications/service.js';
import type { ChangeStream } from '../notifications/stream.js';
import { FINAL_STATES } from './machine.js';
import { eventTimeline } from './tables.js';
import { eventChangeType } from './changes.js';

export const SWEEP_JOB = 'event.long_pending.sweep';
const SWEEP_KEY = 'sweep';
/** Events supervised per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 200;

export interface LongPendingDeps {
  clock: Clock;
  policy: Policy;
  jobs: JobRunner;
  notifications: NotificationService;
  stream: ChangeStream;
}

interface Candidate {
  id: number;
  number: string;
  state: string;
  grid_path: string;
  handling_grid_path: string | null;
  assigned_department_id: number | null;
  reason: string;
}

export class LongPendingSweeper {
  constructor(private readonly deps: LongPendingDeps) {
    deps.jobs.register(SWEEP_JOB, { run: (tx) => this.sweep(tx) });
  }

  /** Schedules the first sweep unless one is pending (several servers starting together keep one). */
  async ensureScheduled(executor: Executor): Promise<void> {
    await this.deps.jobs.schedule(executor, {
      kind: SWEEP_JOB,
      key: SWEEP_KEY,
      runAt: new Date(this.deps.clock.now().getTime() + this.deps.policy.longPending.sweepSeconds * 1000),
      ifPending: 'keep',
    });
  }

  async sweep(tx: Tx): Promise<void> {
    const { openSeconds, reworkCount, returnCount, sweepSeconds } = this.deps.policy.longPending;
    const now = this.deps.clock.now();
    const finals = sql.join(
      FINAL_STATES.map((state) => sql`${state}`),
      sql`, `,
    );
    const candidates = rowsOf<Candidate>(
      await tx.execute(sql`
        select e.id, e.number, e.state, e.grid_path, e.handling_grid_path, e.assigned_department_id,
          case when e.created_at <= ${now}::timestamptz - make_interval(secs => ${openSeconds}) then 'age'
               when rw.n >= ${reworkCount} then 'rework' else 'returned' end as reason
        from events e
        cross join lateral (select
            count(*) filter (where t.action = 'rework') as n,
            count(*) filter (where t.action = 'return') as r
          from event_timeline t where t.event_id = e.id) rw
        where e.state not in (${finals}) and not e.supervised
          and (e.created_at <= ${now}::timestamptz - make_interval(secs => ${openSeconds})
            or rw.n >= ${reworkCount} or rw.r >= ${returnCount})
        order by e.id
        limit ${SWEEP_LIMIT}
        for update of e skip locked`),
    );
    for (const event of candidates) await this.supervise(tx, event, now);
    await this.deps.jobs.schedule(tx, {
      kind: SWEEP_JOB,
      key: SWEEP_KEY,
      runAt: new Date(now.getTime() + sweepSeconds * 1000),
    });
  }

  private async supervise(tx: Tx, event: Candidate, at: Date): Promise<void> {
    await tx.execute(sql`update events set supervised = true, supervised_at = ${at}, version = version + 1,
      updated_at = ${at} where id = ${event.id}`);
    const why = {
      age: { zh: '超期未结', en: 'open too long' },
      rework: { zh: '多次返工', en: 'sent back for rework too often' },
      returned: { zh: '多次退单', en: 'returned too often' },
    }[event.reason as 'age' | 'rework' | 'returned'];
    await tx.insert(eventTimeline).values([
      {
        eventId: event.id,
        action: 'redispatched',
        fromState: event.state,
        toState: event.state,
        actorUserId: null,
        actorName: 'system',
        actorRole: null,
        at,
        note: `长期未结二次派单（${why.zh}）`,
        data: { reason: event.reason },
      },
      {
        eventId: event.id,
        action: 'supervised',
        fromState: event.state,
        toState: event.state,
        actorUserId: null,
        actorName: 'system',
        actorRole: null,
        at,
        note: `督办：${why.zh} / supervised: ${why.en}`,
        data: { reason: event.reason },
      },
    ]);
    // 双告知 the responsible grid's leaders and the line department's users, each told once
    const recipients = await this.deps.notifications.recipientsByRoleInGrids(tx, {
      roles: ['grid_leader'],
      gridPaths: [event.handling_grid_path ?? event.grid_path],
    });
    if (event.assigned_department_id !== null) {
      const rows = rowsOf<{ user_id: number }>(
        await tx.execute(
          sql`select user_id from department_users where organisation_id = ${event.assigned_department_id}`,
        ),
      );
      recipients.push(...rows.map((row) => Number(row.user_id)));
    }
    await this.deps.notifications.notify(tx, recipients, {
      kind: 'event.supervised',
      title: {
        zh: `督办：事件 ${event.number} 长期未结（${why.zh}），已二次派单`,
        en: `Supervised: event ${event.number} is long-pending (${why.en}) and re-dispatched`,
      },
      link: `/events/${event.id}`,
      data: { eventId: event.id, reason: event.reason },
    });
    await this.deps.stream.publishIn(tx, {
      type: eventChangeType('supervised'),
      id: event.id,
      gridPath: event.grid_path,
      state: event.state,
      at,
    });
  }
}
