/**
 * 升级阶梯的计算 where an event stands on its escalation ladder (E4): a pure function of the ladder, the time the event
 * entered the ladder, now, the working calendar and the suspensions. The scheduler (events) compares the answer with
 * the level it has recorded and escalates (提级处置) when the clock says the event has climbed.
 */
import { dueAt, elapsed, type ClockType, type Pause, type WorkingCalendar } from './deadlines.js';

export interface ClimbingLevel {
  /** Seconds of the ladder's clock spent at this level before the event climbs; null on the top level. */
  climbAfterSeconds: number | null;
}

export interface LadderPosition {
  /** Index into the ladder's levels (0 = the bottom level, e.g. 组内联动 in-group linkage). */
  level: number;
  /** When the event reached this level by the clock; null while unknown (an open suspension came first). */
  reachedAt: Date | null;
  /** When it climbs to the next level; null on the top level or while suspended without end. */
  nextClimbAt: Date | null;
}

/**
 * The level an event is on at `now` when it entered the ladder at `start` and nobody escalated it by hand: each level
 * lasts its `climbAfterSeconds` of `clockType`, one after the other, and suspensions (挂账) stop the clock. A ladder
 * whose last level has a climb time keeps the event on that last level.
 */
export function ladderPosition(
  levels: readonly ClimbingLevel[],
  start: Date,
  now: Date,
  clockType: ClockType,
  calendar: WorkingCalendar,
  pauses: readonly Pause[] = [],
): LadderPosition {
  if (levels.length === 0) throw new RangeError('a ladder needs at least one level');
  const used = elapsed(start, now, clockType, calendar, pauses);
  let reached = 0;
  for (let i = 0; i < levels.length; i++) {
    const climb = levels[i]!.climbAfterSeconds;
    const last = i === levels.length - 1;
    if (climb === null || last || used < reached + climb) {
      return {
        level: i,
        reachedAt: i === 0 ? start : dueAt(start, reached, clockType, calendar, { pauses }),
        nextClimbAt:
          climb === null || last ? null : dueAt(start, reached + climb, clockType, calendar, { pauses }),
      };
    }
    reached += climb;
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}
