/**
 * 时限与升级 stage clocks and the escalation ladder of events (E4). The plan of a stage (its due and warning instants
 * and the street's ladder) is computed before the transition's transaction, because the catalogue reads through the
 * pool; the deadline row and its timers are written inside it, so a transition and its clocks commit together.
 * Job handlers use only their transaction and re-check the deadline's state: a closed stage never fires.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import type { Executor, Tx } from '../core/db.js';
import { rowsOf } from '../core/db.js';
import type { Role } from '../accounts/roles.js';
import type { CatalogueService } from '../catalogue/service.js';
import {
  afterOnClock,
  daysOnClock,
  extendOnClock,
  shiftAfterPause,
  type ClockType,
  type WorkingCalendar,
} from '../catalogue/deadlines.js';
import type { LadderLevel, Stage } from '../catalogue/seed-data.js';
import type { Job, JobRunner } from '../jobs/runner.js';
import type { NotificationService } from '../notifications/service.js';
import type { ChangeStream } from '../notifications/stream.js';
import type { EventState } from './machine.js';
import { eventDeadlines, events, eventTimeline, type EventGridLink } from './tables.js';
import { eventChangeType } from './changes.js';

export const WARN_JOB = 'event.deadline.warn';
export const DUE_JOB = 'event.deadline.due';
export const CLIMB_JOB = 'event.escalation.climb';

/** The stage whose clock starts when an event enters a state (000 三级闭环). */
export function stageOfState(state: EventState, difficulty: string): Stage | null {
  if (state === 'reported') return 'accept';
  if (state === 'dispatched') {
    if (difficulty === 'difficult') return 'consult';
    if (difficulty === 'complex') return 'plan';
    return 'handle';
  }
  return null;
}

/**
 * 定难度 the stage a classification starts (000 三级闭环): general matters answered (respond 响应) within 24 h, difficult
 * ones consulted (consult 会商) within 48 h, complex ones get a plan (plan 方案) within 7 days.
 */
export function classificationStage(difficulty: string): Stage {
  if (difficulty === 'difficult') return 'consult';
  if (difficulty === 'complex') return 'plan';
  return 'respond';
}

export interface StagePlan {
  stage: Stage;
  clockType: string;
  seconds: number;
  startedAt: Date;
  warnAt: Date | null;
  dueAt: Date | null;
  ladder: LadderLevel[];
  /** The clock the ladder's steps are counted on (escalation_ladders.clock_type). */
  ladderClockType: string;
}

interface ClimbPayload extends Record<string, unknown> {
  deadlineId: number;
  eventId: number;
  level: number;
  ladder: LadderLevel[];
  /** Clock of the ladder's steps; jobs scheduled before it was recorded count continuously. */
  ladderClock?: string;
}

/** What resuming or extending needs, read before the transaction: the event's ladder and the working calendar. */
export interface LadderTiming {
  ladder: LadderLevel[];
  ladderClockType: string;
  calendar: WorkingCalendar;
}

export interface DeadlineKeeperDeps {
  clock: Clock;
  catalogue: CatalogueService;
  jobs: JobRunner;
  notifications: NotificationService;
  stream: ChangeStream;
}

export class DeadlineKeeper {
  constructor(private readonly deps: DeadlineKeeperDeps) {
    deps.jobs.register<Record<string, unknown>>(WARN_JOB, {
      run: (tx, job) => this.warn(tx, job as Job<{ deadlineId: number }>),
    });
    deps.jobs.register<Record<string, unknown>>(DUE_JOB, {
      run: (tx, job) => this.due(tx, job as Job<ClimbPayload>),
    });
    deps.jobs.register<Record<string, unknown>>(CLIMB_JOB, {
      run: (tx, job) => this.climb(tx, job as Job<ClimbPayload>),
    });
  }

  /** The clock of the stage an event enters, or null when its state or policy times nothing. */
  async plan(
    event: { categoryCode: string; difficulty: string; gridChain: EventGridLink[] },
    state: EventState,
    at: Date,
  ): Promise<StagePlan | null> {
    const stage = stageOfState(state, event.difficulty);
    if (!stage) return null;
    const deadline = await this.deps.catalogue.stageDeadlineFor(event.categoryCode, stage, at);
    if (!deadline) return null;
    const ladder = await this.deps.catalogue.ladderFor(event.gridChain.map((link) => link.code));
    return {
      stage,
      clockType: deadline.clockType,
      seconds: deadline.seconds,
      startedAt: at,
      warnAt: deadline.warnAt,
      dueAt: deadline.dueAt,
      ladder: ladder.levels,
      ladderClockType: ladder.clockType,
    };
  }

  /**
   * The clock a classification starts: the stage of the difficulty on the deadline policy named after it (general,
   * difficult, complex), or on the category's policy when no such policy times that stage.
   */
  async planClassification(
    event: { categoryCode: string; gridChain: EventGridLink[] },
    difficulty: string,
    at: Date,
  ): Promise<StagePlan | null> {
    const stage = classificationStage(difficulty);
    const deadline =
      (await this.deps.catalogue.policyStageDeadline(difficulty, stage, at)) ??
      (await this.deps.catalogue.stageDeadlineFor(event.categoryCode, stage, at));
    if (!deadline) return null;
    const ladder = await this.deps.catalogue.ladderFor(event.gridChain.map((link) => link.code));
    return {
      stage,
      clockType: deadline.clockType,
      seconds: deadline.seconds,
      startedAt: at,
      warnAt: deadline.warnAt,
      dueAt: deadline.dueAt,
      ladder: ladder.levels,
      ladderClockType: ladder.clockType,
    };
  }

  /**
   * In the transition's transaction: the running clocks of the event stop (met, unless already overdue; or
   * `superseded` when a classification replaces them) and the planned stage's clock starts with its warning and due
   * timers.
   */
  async enter(
    tx: Executor,
    eventId: number,
    plan: StagePlan | null,
    at: Date,
    finishedAs: 'met' | 'superseded' = 'met',
  ): Promise<void> {
    const running = await tx
      .update(eventDeadlines)
      .set({
        state: sql`case when ${eventDeadlines.overdue} then 'overdue' else ${finishedAs} end`,
        finishedAt: at,
      })
      .where(and(eq(eventDeadlines.eventId, eventId), sql`${eventDeadlines.finishedAt} is null`))
      .returning({ id: eventDeadlines.id });
    for (const row of running) {
      await this.deps.jobs.cancel(tx, WARN_JOB, String(row.id));
      await this.deps.jobs.cancel(tx, DUE_JOB, String(row.id));
      await this.deps.jobs.cancel(tx, CLIMB_JOB, String(row.id));
    }
    if (!plan) return;
    const [row] = await tx
      .insert(eventDeadlines)
      .values({
        eventId,
        stage: plan.stage,
        clockType: plan.clockType,
        seconds: plan.seconds,
        startedAt: plan.startedAt,
        warnAt: plan.warnAt,
        dueAt: plan.dueAt,
      })
      .returning({ id: eventDeadlines.id });
    const key = String(row!.id);
    if (plan.warnAt && plan.dueAt && plan.warnAt < plan.dueAt) {
      await this.deps.jobs.schedule(tx, {
        kind: WARN_JOB,
        key,
        runAt: plan.warnAt,
        payload: { deadlineId: row!.id },
      });
    }
    if (plan.dueAt) {
      const payload: ClimbPayload = {
        deadlineId: row!.id,
        eventId,
        level: 0,
        ladder: plan.ladder,
        ladderClock: plan.ladderClockType,
      };
      await this.deps.jobs.schedule(tx, { kind: DUE_JOB, key, runAt: plan.dueAt, payload });
    }
  }

  /** 挂账 the running clocks stop: the pause is recorded and the timers withdrawn until the event resumes. */
  async pause(tx: Executor, eventId: number, at: Date): Promise<void> {
    const paused = await tx
      .update(eventDeadlines)
      .set({ state: 'paused', pausedAt: at })
      .where(
        and(
          eq(eventDeadlines.eventId, eventId),
          sql`${eventDeadlines.finishedAt} is null and ${eventDeadlines.pausedAt} is null`,
        ),
      )
      .returning({ id: eventDeadlines.id });
    for (const row of paused) {
      await this.deps.jobs.cancel(tx, WARN_JOB, String(row.id));
      await this.deps.jobs.cancel(tx, DUE_JOB, String(row.id));
      await this.deps.jobs.cancel(tx, CLIMB_JOB, String(row.id));
    }
  }

  /**
   * The suspension ends: the due and warning instants move by the clock time the suspension took (on the working-hours
   * clock a suspension over a night or a weekend moves them by the working time it covered, not by its length) and
   * the timers are scheduled again. An overdue stage stays overdue and keeps climbing, its next step counted on the
   * ladder's clock.
   */
  async resume(tx: Executor, eventId: number, at: Date, timing: LadderTiming): Promise<void> {
    const { ladder, calendar } = timing;
    const rows = await tx
      .select()
      .from(eventDeadlines)
      .where(
        and(
          eq(eventDeadlines.eventId, eventId),
          sql`${eventDeadlines.finishedAt} is null and ${eventDeadlines.pausedAt} is not null`,
        ),
      );
    for (const row of rows) {
      const pausedMs = Math.max(0, at.getTime() - row.pausedAt!.getTime());
      const clockType = row.clockType as ClockType;
      const shift = (instant: Date | null) =>
        instant ? shiftAfterPause(row.startedAt, instant, row.pausedAt!, at, clockType, calendar) : null;
      const warnAt = shift(row.warnAt);
      const dueAt = shift(row.dueAt);
      await tx
        .update(eventDeadlines)
        .set({
          state: row.overdue ? 'overdue' : 'running',
          pausedAt: null,
          pausedSeconds: row.pausedSeconds + Math.round(pausedMs / 1000),
          warnAt,
          dueAt,
        })
        .where(eq(eventDeadlines.id, row.id));
      const key = String(row.id);
      if (row.overdue) {
        const next = row.escalationLevel + 1;
        if (next < ladder.length) {
          const climbAfter = ladder[row.escalationLevel]?.climbAfterSeconds ?? 0;
          await this.deps.jobs.schedule(tx, {
            kind: CLIMB_JOB,
            key,
            runAt: afterOnClock(at, climbAfter, timing.ladderClockType as ClockType, calendar),
            payload: {
              deadlineId: row.id,
              eventId,
              level: next,
              ladder,
              ladderClock: timing.ladderClockType,
            },
          });
        }
        continue;
      }
      if (warnAt && dueAt && warnAt < dueAt && warnAt > at) {
        await this.deps.jobs.schedule(tx, {
          kind: WARN_JOB,
          key,
          runAt: warnAt,
          payload: { deadlineId: row.id },
        });
      }
      if (dueAt) {
        await this.deps.jobs.schedule(tx, {
          kind: DUE_JOB,
          key,
          runAt: dueAt,
          payload: { deadlineId: row.id, eventId, level: 0, ladder, ladderClock: timing.ladderClockType },
        });
      }
    }
  }

  /**
   * 延期 an approved extension of `days` moves the due and warning instants of the running clocks by that many days
   * of each stage's own clock (a working day of the working-hours clock is its working time, 7 h by default; on the
   * working-days clock, working days) and moves their timers.
   */
  async extend(tx: Executor, eventId: number, days: number, timing: LadderTiming): Promise<void> {
    const { ladder, calendar } = timing;
    const rows = await tx
      .select()
      .from(eventDeadlines)
      .where(
        and(
          eq(eventDeadlines.eventId, eventId),
          sql`${eventDeadlines.finishedAt} is null and not ${eventDeadlines.overdue}`,
        ),
      );
    for (const row of rows) {
      const clockType = row.clockType as ClockType;
      const seconds = daysOnClock(days, clockType, calendar);
      const move = (instant: Date | null) =>
        instant ? extendOnClock(row.startedAt, instant, seconds, clockType, calendar) : null;
      const warnAt = move(row.warnAt);
      const dueAt = move(row.dueAt);
      await tx.update(eventDeadlines).set({ warnAt, dueAt }).where(eq(eventDeadlines.id, row.id));
      if (row.pausedAt !== null) continue; // a paused clock's timers are scheduled on resume
      const key = String(row.id);
      if (warnAt && dueAt && warnAt < dueAt) {
        await this.deps.jobs.schedule(tx, {
          kind: WARN_JOB,
          key,
          runAt: warnAt,
          payload: { deadlineId: row.id },
        });
      }
      if (dueAt) {
        await this.deps.jobs.schedule(tx, {
          kind: DUE_JOB,
          key,
          runAt: dueAt,
          payload: { deadlineId: row.id, eventId, level: 0, ladder, ladderClock: timing.ladderClockType },
        });
      }
    }
  }

  /** The event's ladder and the working calendar (for resume and extension), read before the transaction. */
  async timingOf(gridChain: EventGridLink[]): Promise<LadderTiming> {
    const ladder = await this.deps.catalogue.ladderFor(gridChain.map((link) => link.code));
    return {
      ladder: ladder.levels,
      ladderClockType: ladder.clockType,
      calendar: await this.deps.catalogue.calendar(),
    };
  }

  /** The event's ladder (for resume), read before the transaction. */
  async ladderOf(gridChain: EventGridLink[]): Promise<LadderLevel[]> {
    return (await this.deps.catalogue.ladderFor(gridChain.map((link) => link.code))).levels;
  }

  /** The stage clocks of an event for its detail. */
  async list(executor: Executor, eventId: number) {
    const rows = await executor
      .select()
      .from(eventDeadlines)
      .where(eq(eventDeadlines.eventId, eventId))
      .orderBy(eventDeadlines.id);
    return rows.map((row) => ({
      stage: row.stage,
      clockType: row.clockType,
      seconds: row.seconds,
      startedAt: row.startedAt.toISOString(),
      warnAt: row.warnAt?.toISOString() ?? null,
      dueAt: row.dueAt?.toISOString() ?? null,
      state: row.state,
      overdue: row.overdue,
      overdueAt: row.overdueAt?.toISOString() ?? null,
      escalationLevel: row.escalationLevel,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      pausedAt: row.pausedAt?.toISOString() ?? null,
      suspendedSeconds: row.pausedSeconds,
    }));
  }

  private async openDeadline(tx: Tx, deadlineId: number) {
    const [row] = await tx
      .select()
      .from(eventDeadlines)
      .where(eq(eventDeadlines.id, deadlineId))
      .for('update');
    if (!row || row.finishedAt !== null) return null;
    const [event] = await tx.select().from(events).where(eq(events.id, row.eventId));
    if (!event) return null;
    return { row, event };
  }

  /** Who is responsible now: the department's users and the grid leaders of the handling (or home) grid. */
  private async responsible(tx: Tx, event: typeof events.$inferSelect): Promise<number[]> {
    const ids: number[] = [];
    if (event.assignedDepartmentId !== null) {
      const rows = rowsOf<{ user_id: number }>(
        await tx.execute(
          sql`select user_id from department_users where organisation_id = ${event.assignedDepartmentId}`,
        ),
      );
      ids.push(...rows.map((r) => Number(r.user_id)));
    }
    const leaders = await this.deps.notifications.recipientsByRoleInGrids(tx, {
      roles: ['grid_leader'],
      gridPaths: [event.handlingGridPath ?? event.gridPath],
    });
    ids.push(...leaders);
    return ids;
  }

  private async warn(tx: Tx, job: Job<{ deadlineId: number }>): Promise<void> {
    const open = await this.openDeadline(tx, job.payload.deadlineId);
    if (!open || open.row.state !== 'running') return;
    const { row, event } = open;
    await this.deps.notifications.notify(tx, await this.responsible(tx, event), {
      kind: 'event.deadline.warning',
      title: {
        zh: `事件 ${event.number} 即将超时（${row.stage}）`,
        en: `Event ${event.number} is nearly overdue (${row.stage})`,
      },
      link: `/events/${event.id}`,
      data: { eventId: event.id, stage: row.stage, dueAt: row.dueAt?.toISOString() ?? null },
    });
  }

  /** The deadline passed: the overdue fact is recorded and the event reaches the ladder's bottom level. */
  private async due(tx: Tx, job: Job<ClimbPayload>): Promise<void> {
    const open = await this.openDeadline(tx, job.payload.deadlineId);
    if (!open || open.row.state !== 'running') return;
    const at = this.deps.clock.now();
    await tx
      .update(eventDeadlines)
      .set({ state: 'overdue', overdue: true, overdueAt: at })
      .where(eq(eventDeadlines.id, open.row.id));
    await this.escalate(tx, open.row, open.event, job.payload, at);
  }

  private async climb(tx: Tx, job: Job<ClimbPayload>): Promise<void> {
    const open = await this.openDeadline(tx, job.payload.deadlineId);
    if (!open || open.row.escalationLevel >= job.payload.level) return;
    await this.escalate(tx, open.row, open.event, job.payload, this.deps.clock.now());
  }

  private async escalate(
    tx: Tx,
    row: typeof eventDeadlines.$inferSelect,
    event: typeof events.$inferSelect,
    payload: ClimbPayload,
    at: Date,
  ): Promise<void> {
    const level = payload.ladder[payload.level];
    if (!level) return;
    await tx
      .update(eventDeadlines)
      .set({ escalationLevel: payload.level })
      .where(eq(eventDeadlines.id, row.id));
    await tx.insert(eventTimeline).values({
      eventId: event.id,
      action: 'escalated',
      fromState: event.state,
      toState: event.state,
      actorUserId: null,
      actorName: 'system',
      actorRole: null,
      at,
      note: `升级至「${level.nameZh}」(${level.nameEn})`,
      data: { stage: row.stage, level: payload.level, levelKey: level.key },
    });
    // each target is a role at one level of the event's grid chain; a level the chain lacks tells no one
    for (const target of level.notify) {
      const grid = event.gridChain.find((link) => link.level === target.gridLevel);
      if (!grid) continue;
      await this.deps.notifications.notifyRoleInGrids(tx, {
        roles: [target.role as Role],
        gridIds: [grid.id],
        message: {
          kind: 'event.escalated',
          title: {
            zh: `事件 ${event.number} 超时升级：${level.nameZh}`,
            en: `Event ${event.number} escalated: ${level.nameEn}`,
          },
          link: `/events/${event.id}`,
          data: { eventId: event.id, level: payload.level, levelKey: level.key },
        },
      });
    }
    await this.deps.stream.publishIn(tx, {
      type: eventChangeType('escalated'),
      id: event.id,
      gridPath: event.gridPath,
      state: event.state,
      at,
    });
    if (level.climbAfterSeconds !== null && payload.level + 1 < payload.ladder.length) {
      // the next step counts on the ladder's clock: a working-hours ladder does not climb over the weekend
      const clockType = (payload.ladderClock ?? 'continuous') as ClockType;
      const runAt =
        clockType === 'continuous'
          ? new Date(at.getTime() + level.climbAfterSeconds * 1000)
          : afterOnClock(at, level.climbAfterSeconds, clockType, await this.deps.catalogue.calendar(tx));
      await this.deps.jobs.schedule(tx, {
        kind: CLIMB_JOB,
        key: String(row.id),
        runAt,
        payload: { ...payload, level: payload.level + 1 },
      });
    }
  }
}
