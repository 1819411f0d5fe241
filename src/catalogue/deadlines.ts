/**
 * 时限计算 deadline arithmetic (E4): pure functions of their inputs, no database, no clock. The scheduler (events)
 * and the reports call these with a deadline policy's clock type, a working calendar loaded by CatalogueService
 * (`catalogue.calendar()`), and the event's suspensions (挂账) and extensions (延期).
 *
 * Everything is counted in China time (UTC+8, no daylight saving): a "day" runs from 00:00 to 24:00 China time.
 *
 * The four clocks:
 * - `continuous` 紧急工作时: every second counts, nights and holidays included (urgent matters, the 24 h / 48 h of
 *   the three-level loop).
 * - `working_hours` 工作时: only seconds inside the working periods (default 09:00–12:00 and 13:30–17:30) of
 *   working days count. A working day is a weekday of the calendar's working week unless the calendar marks it a
 *   holiday 法定节假日; a weekend day the calendar marks a make-up workday 调休上班 is a working day.
 * - `working_days` 工作日: whole working days. As in the Civil Code (art. 201), the day the clock starts is not
 *   counted: counting begins at 00:00 of the next day, then every second of a working day counts (a working day
 *   counts 86,400 s) and non-working days count nothing. N working days started on any day end at 24:00 of the
 *   N-th working day after it.
 * - `natural_days` 自然日: calendar days, the start day not counted: counting begins at 00:00 of the next day and
 *   every second counts, so N days end at 24:00 of the N-th day after the start (month and year ends are plain
 *   days).
 *
 * Durations are always seconds (a policy says 86,400 for "1 day"), so a test or a demo can use a 30-second policy
 * on the continuous clock.
 */

export const CLOCK_TYPES = ['continuous', 'working_hours', 'working_days', 'natural_days'] as const;
export type ClockType = (typeof CLOCK_TYPES)[number];

/** A span of a day, in minutes after 00:00 China time; `end` is exclusive and at most 1440. */
export interface WorkingPeriod {
  start: number;
  end: number;
}

/** One day the calendar treats differently from the default working week. */
export interface CalendarDay {
  /** 'holiday' 法定节假日/休息日: no work; 'workday' 调休上班: a working day even on a weekend. */
  kind: 'holiday' | 'workday';
  /** Working periods of that day when they differ from the default (a half day); only for workdays. */
  periods?: WorkingPeriod[] | null;
}

/** The working-time calendar: the default week plus the days that override it. */
export interface WorkingCalendar {
  /** ISO weekdays that are working days by default: 1 Monday … 7 Sunday. */
  weekdays: readonly number[];
  /** Default working periods of a working day, sorted, not overlapping. */
  periods: readonly WorkingPeriod[];
  /** Overrides keyed by China date 'YYYY-MM-DD'. */
  days: ReadonlyMap<string, CalendarDay>;
}

/** A suspension 挂账: the clock stops from `start` until `end`; `end` null means still suspended. */
export interface Pause {
  start: Date;
  end: Date | null;
}

/** An extension 延期: more time on the same clock, in seconds (an approved extension of 3 working days = 259,200). */
export interface Extension {
  seconds: number;
}

export interface Adjustments {
  pauses?: readonly Pause[];
  extensions?: readonly Extension[];
}

/** China time offset; China has had no daylight saving since 1991. */
const OFFSET = 8 * 3600_000;
const DAY = 86_400_000;
/** How far a search for working time may look before giving up: a calendar without working days never ends. */
const HORIZON_DAYS = 366 * 20;

/** 00:00 China time of the day containing `ms`, as epoch milliseconds. */
export function chinaDayStart(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY) * DAY - OFFSET;
}

/** The China date 'YYYY-MM-DD' of the day starting at (or containing) `ms`. */
export function chinaDateKey(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}

/** ISO weekday (1 Monday … 7 Sunday) of the China day containing `ms`. */
export function chinaWeekday(ms: number): number {
  const day = new Date(ms + OFFSET).getUTCDay();
  return day === 0 ? 7 : day;
}

/** 00:00 China time of a 'YYYY-MM-DD' date. */
export function chinaMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

export function isWorkingDay(calendar: WorkingCalendar, dayStartMs: number): boolean {
  const override = calendar.days.get(chinaDateKey(dayStartMs));
  if (override) return override.kind === 'workday';
  return calendar.weekdays.includes(chinaWeekday(dayStartMs));
}

/** The working periods of a day (empty on a non-working day). */
export function workingPeriodsOf(calendar: WorkingCalendar, dayStartMs: number): readonly WorkingPeriod[] {
  if (!isWorkingDay(calendar, dayStartMs)) return [];
  return calendar.days.get(chinaDateKey(dayStartMs))?.periods ?? calendar.periods;
}

/**
 * The counted spans [from, to) of a clock from `startMs` on, in order, lazily, without pauses. Consecutive spans
 * may touch; the walkers below do not mind.
 */
function* countedSpans(
  startMs: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
): Generator<[number, number]> {
  if (clockType === 'continuous') {
    yield [startMs, Infinity];
    return;
  }
  if (clockType === 'natural_days') {
    yield [chinaDayStart(startMs) + DAY, Infinity];
    return;
  }
  let day = chinaDayStart(startMs);
  if (clockType === 'working_days') {
    for (let i = 1; i <= HORIZON_DAYS; i++) {
      const next = day + i * DAY;
      if (isWorkingDay(calendar, next)) yield [next, next + DAY];
    }
  } else {
    for (let i = 0; i <= HORIZON_DAYS; i++, day += DAY) {
      for (const period of workingPeriodsOf(calendar, day)) {
        const from = Math.max(day + period.start * 60_000, startMs);
        const to = day + period.end * 60_000;
        if (to > from) yield [from, to];
      }
    }
  }
  throw new RangeError(`no working time within ${HORIZON_DAYS} days: check the working calendar`);
}

/** Pauses as sorted, merged [from, to) spans in milliseconds; an open pause runs to Infinity. */
function pauseSpans(pauses: readonly Pause[] | undefined): [number, number][] {
  const spans = (pauses ?? [])
    .map((pause): [number, number] => [pause.start.getTime(), pause.end ? pause.end.getTime() : Infinity])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** The counted spans minus the pauses. */
function* runningSpans(
  startMs: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
  pauses: [number, number][],
): Generator<[number, number]> {
  let p = 0;
  for (const [spanFrom, spanTo] of countedSpans(startMs, clockType, calendar)) {
    let from = spanFrom;
    while (from < spanTo) {
      while (p < pauses.length && pauses[p]![1] <= from) p++;
      const pause = pauses[p];
      if (!pause || pause[0] >= spanTo) {
        yield [from, spanTo];
        break;
      }
      if (pause[0] > from) yield [from, pause[0]];
      if (pause[1] === Infinity) return;
      from = Math.max(from, pause[1]);
    }
  }
}

function checkSeconds(seconds: number, what: string): void {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`${what} must be a finite number ≥ 0`);
}

/**
 * 到期时间 The instant at which `seconds` of the clock have run since `start`, with the suspensions (挂账) stopping
 * the clock and the extensions (延期) adding their seconds to the budget.
 *
 * Returns null when the clock is suspended by an open pause (end null) before the budget is used up: the due time
 * is unknown until the suspension ends. With `seconds` 0 the answer is the first counted instant (on the
 * working_hours clock a matter started at 20:00 is due 0 s into the next working period), so dueAt never answers
 * an instant the clock would not count. Throws RangeError for negative or non-finite seconds, or when the calendar
 * has no working time within twenty years.
 *
 * Inverse of `elapsed`: `elapsed(start, dueAt(start, s, c, cal, a), c, cal, a.pauses) === s + extensions`
 * (to the millisecond).
 */
export function dueAt(
  start: Date,
  seconds: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
  adjustments: Adjustments = {},
): Date | null {
  checkSeconds(seconds, 'seconds');
  let budget = seconds * 1000;
  for (const extension of adjustments.extensions ?? []) {
    checkSeconds(extension.seconds, 'extension seconds');
    budget += extension.seconds * 1000;
  }
  budget = Math.round(budget);
  for (const [from, to] of runningSpans(
    start.getTime(),
    clockType,
    calendar,
    pauseSpans(adjustments.pauses),
  )) {
    if (to - from >= budget) return new Date(from + budget);
    budget -= to - from;
  }
  return null;
}

/**
 * 已用时 Seconds of the clock that ran from `start` to `end`, the suspensions (挂账) not counted. 0 when `end` is
 * not after `start`. Extensions do not change elapsed time; compare with `dueAt` or with the budget plus the
 * extensions.
 */
export function elapsed(
  start: Date,
  end: Date,
  clockType: ClockType,
  calendar: WorkingCalendar,
  pauses: readonly Pause[] = [],
): number {
  const endMs = end.getTime();
  let total = 0;
  if (endMs <= start.getTime()) return 0;
  for (const [from, to] of runningSpans(start.getTime(), clockType, calendar, pauseSpans(pauses))) {
    if (from >= endMs) break;
    total += Math.min(to, endMs) - from;
    if (to >= endMs) break;
  }
  return total / 1000;
}

/** When to warn before a deadline (预警): at a share of the budget, or a fixed time before it. */
export interface Warning {
  /** Warn when this share of the budget has run, e.g. 0.8. */
  ratio?: number | null;
  /** Warn this many seconds of the clock before the due time; wins over `ratio` when both are set. */
  beforeSeconds?: number | null;
}

/** Seconds of the clock after which to warn, for a budget of `seconds` (never below 0). */
export function warningOffset(seconds: number, warning: Warning): number {
  if (warning.beforeSeconds !== null && warning.beforeSeconds !== undefined)
    return Math.max(0, seconds - warning.beforeSeconds);
  if (warning.ratio !== null && warning.ratio !== undefined) return Math.max(0, seconds * warning.ratio);
  return seconds;
}

export interface StageDeadline {
  /** When to warn (预警); null while suspended by an open pause. */
  warnAt: Date | null;
  /** When the stage is overdue (超时); null while suspended by an open pause. */
  dueAt: Date | null;
}

/**
 * Warning and due instants of one stage: the budget is `seconds` plus the extensions; the warning is computed on the
 * extended budget too, so an extension also moves the warning.
 */
export function stageDeadline(
  start: Date,
  seconds: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
  warning: Warning,
  adjustments: Adjustments = {},
): StageDeadline {
  const budget = seconds + (adjustments.extensions ?? []).reduce((sum, e) => sum + e.seconds, 0);
  const pauses = adjustments.pauses ? { pauses: adjustments.pauses } : {};
  return {
    warnAt: dueAt(start, warningOffset(budget, warning), clockType, calendar, pauses),
    dueAt: dueAt(start, budget, clockType, calendar, pauses),
  };
}

export type DeadlineState = 'running' | 'warning' | 'overdue' | 'suspended';

/**
 * The state of a stage at `now` (绿/黄/红 in the console): suspended while an open pause covers `now`, overdue when
 * the clock has used the budget (plus extensions), warning after the warning offset, running before.
 */
export function deadlineState(
  start: Date,
  now: Date,
  seconds: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
  warning: Warning,
  adjustments: Adjustments = {},
): DeadlineState {
  const nowMs = now.getTime();
  const suspended = (adjustments.pauses ?? []).some(
    (pause) => pause.start.getTime() <= nowMs && (pause.end === null || pause.end.getTime() > nowMs),
  );
  if (suspended) return 'suspended';
  const budget = seconds + (adjustments.extensions ?? []).reduce((sum, e) => sum + e.seconds, 0);
  const used = elapsed(start, now, clockType, calendar, adjustments.pauses ?? []);
  if (used >= budget && budget > 0) return 'overdue';
  if (used >= warningOffset(budget, warning) && budget > 0) return 'warning';
  return 'running';
}

/** 'HH:MM' → minutes after midnight; '24:00' is allowed as an end. */
export function parseClockTime(text: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) throw new RangeError(`not a time of day: ${text}`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 1440) throw new RangeError(`not a time of day: ${text}`);
  return minutes;
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Problems of a list of working periods (empty when valid): each must end after it starts, within the day, sorted
 * and not overlapping.
 */
export function periodProblems(periods: readonly WorkingPeriod[]): string[] {
  const problems: string[] = [];
  periods.forEach((period, i) => {
    if (!(period.start >= 0 && period.end <= 1440 && period.end > period.start))
      problems.push(`period ${i} must end after it starts, within one day`);
    const previous = periods[i - 1];
    if (previous && period.start < previous.end)
      problems.push(`period ${i} overlaps or precedes period ${i - 1}`);
  });
  return problems;
}

/** The default working calendar of the platform: Monday–Friday, 09:00–12:00 and 13:30–17:30, no overrides. */
export const DEFAULT_WORKING_PERIODS: readonly WorkingPeriod[] = [
  { start: 9 * 60, end: 12 * 60 },
  { start: 13 * 60 + 30, end: 17 * 60 + 30 },
];
export const DEFAULT_WORKING_WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

export function workingCalendar(
  days: Iterable<[string, CalendarDay]> = [],
  periods: readonly WorkingPeriod[] = DEFAULT_WORKING_PERIODS,
  weekdays: readonly number[] = DEFAULT_WORKING_WEEKDAYS,
): WorkingCalendar {
  return { weekdays, periods, days: new Map(days) };
}

/**
 * 挂账恢复 where an instant of a stage (its due or warning time) moves when the clock stood still from `pauseStart` to
 * `pauseEnd`: as much of the clock is left after `pauseEnd` as was left after `pauseStart`. On the continuous clock
 * that is the pause's length; on the working-hours clock a suspension over a weekend moves nothing that the weekend
 * would not have moved anyway. `stageStart` anchors the clock (the day a working-day or natural-day clock starts is not
 * counted). An instant before the pause does not move.
 */
export function shiftAfterPause(
  stageStart: Date,
  instant: Date,
  pauseStart: Date,
  pauseEnd: Date,
  clockType: ClockType,
  calendar: WorkingCalendar,
): Date {
  if (instant.getTime() <= pauseStart.getTime() || pauseEnd.getTime() <= pauseStart.getTime()) return instant;
  const left =
    elapsed(stageStart, instant, clockType, calendar) - elapsed(stageStart, pauseStart, clockType, calendar);
  return dueAt(stageStart, elapsed(stageStart, pauseEnd, clockType, calendar) + left, clockType, calendar)!;
}

/** 延期 an instant of a stage moved by `seconds` of its clock (anchored on the stage's start, like `dueAt`). */
export function extendOnClock(
  stageStart: Date,
  instant: Date,
  seconds: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
): Date {
  checkSeconds(seconds, 'seconds');
  return dueAt(stageStart, elapsed(stageStart, instant, clockType, calendar) + seconds, clockType, calendar)!;
}

/**
 * Seconds of a clock that make `days` days, for an extension granted in days (延期 N 天): a working day of the
 * working-hours clock counts its working periods (7 h by default); the other clocks count 86,400 s a day (on the
 * working-days clock that is N working days, on the natural-days clock N days).
 */
export function daysOnClock(days: number, clockType: ClockType, calendar: WorkingCalendar): number {
  if (clockType !== 'working_hours') return days * 86_400;
  const perDay = calendar.periods.reduce((sum, period) => sum + (period.end - period.start) * 60, 0);
  return days * perDay;
}

/** 升级 the instant `seconds` of the clock after `from` (the next step of an escalation ladder). */
export function afterOnClock(
  from: Date,
  seconds: number,
  clockType: ClockType,
  calendar: WorkingCalendar,
): Date {
  return dueAt(from, seconds, clockType, calendar)!;
}
