import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import {
  afterOnClock,
  CLOCK_TYPES,
  daysOnClock,
  deadlineState,
  extendOnClock,
  shiftAfterPause,
  dueAt,
  elapsed,
  stageDeadline,
  workingCalendar,
  type CalendarDay,
  type ClockType,
  type Pause,
} from './deadlines.js';
import { seededCalendarDays } from './seed-data.js';

const HOUR = 3600;
const at = (text: string) => new Date(`${text}+08:00`);
const iso = (date: Date | null) =>
  date ? new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19) : null;

/** National Day 2026 as the tests' own calendar: Oct 1–7 off, Sunday Sep 20 and Saturday Oct 10 worked. */
const NATIONAL_DAY: [string, CalendarDay][] = [
  ...['01', '02', '03', '04', '05', '06', '07'].map((d): [string, CalendarDay] => [
    `2026-10-${d}`,
    { kind: 'holiday' },
  ]),
  ['2026-09-20', { kind: 'workday' }],
  ['2026-10-10', { kind: 'workday' }],
];
const calendar = workingCalendar(NATIONAL_DAY);
const plainWeek = workingCalendar();
const withoutMakeUp = workingCalendar(NATIONAL_DAY.filter(([date]) => date !== '2026-10-10'));

describe('dueAt on the working-hours clock (09:00–12:00, 13:30–17:30)', () => {
  const cases: { name: string; start: string; seconds: number; due: string; cal?: typeof calendar }[] = [
    { name: 'within the morning', start: '2026-11-25T09:30:00', seconds: HOUR, due: '2026-11-25T10:30:00' },
    {
      name: 'across the lunch break',
      start: '2026-11-25T11:00:00',
      seconds: 2 * HOUR,
      due: '2026-11-25T14:30:00',
    },
    {
      name: 'exactly to noon stays at noon',
      start: '2026-11-25T11:00:00',
      seconds: HOUR,
      due: '2026-11-25T12:00:00',
    },
    {
      name: 'started during lunch counts from 13:30',
      start: '2026-11-25T12:45:00',
      seconds: 1800,
      due: '2026-11-25T14:00:00',
    },
    {
      name: 'started at night counts from the next morning',
      start: '2026-11-25T20:00:00',
      seconds: HOUR,
      due: '2026-11-26T10:00:00',
    },
    {
      name: 'across a weekend',
      start: '2026-11-27T16:30:00',
      seconds: 2 * HOUR,
      due: '2026-11-30T10:00:00',
    },
    {
      name: 'one whole working day (7 h) from 09:00',
      start: '2026-11-25T09:00:00',
      seconds: 7 * HOUR,
      due: '2026-11-25T17:30:00',
    },
    {
      name: 'across the National Day holiday',
      start: '2026-09-30T17:00:00',
      seconds: HOUR,
      due: '2026-10-08T09:30:00',
    },
    {
      name: 'onto a make-up Saturday',
      start: '2026-10-09T17:00:00',
      seconds: HOUR,
      due: '2026-10-10T09:30:00',
    },
    {
      name: 'without the make-up Saturday the same hour ends on Monday',
      start: '2026-10-09T17:00:00',
      seconds: HOUR,
      due: '2026-10-12T09:30:00',
      cal: plainWeek,
    },
    {
      name: 'a make-up Sunday before the holiday',
      start: '2026-09-18T17:00:00',
      seconds: HOUR,
      due: '2026-09-20T09:30:00',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(iso(dueAt(at(c.start), c.seconds, 'working_hours', c.cal ?? calendar))).toBe(c.due);
      expect(elapsed(at(c.start), at(c.due), 'working_hours', c.cal ?? calendar)).toBe(c.seconds);
    });
  }

  it('a day with its own periods (a half day) uses them', () => {
    const halfDay = workingCalendar([
      ['2026-11-25', { kind: 'workday', periods: [{ start: 540, end: 720 }] }],
    ]);
    expect(iso(dueAt(at('2026-11-25T11:00:00'), 2 * HOUR, 'working_hours', halfDay))).toBe(
      '2026-11-26T10:00:00',
    );
  });

  it('a suspension (挂账) stops the clock and moves the due time', () => {
    const pauses: Pause[] = [{ start: at('2026-11-25T10:00:00'), end: at('2026-11-26T10:00:00') }];
    // 09–10 Wed (1 h), then Thu 10–12 (2 h) and 13:30–17:30 (4 h)
    expect(iso(dueAt(at('2026-11-25T09:00:00'), 7 * HOUR, 'working_hours', calendar, { pauses }))).toBe(
      '2026-11-26T17:30:00',
    );
    expect(
      elapsed(at('2026-11-25T09:00:00'), at('2026-11-26T12:00:00'), 'working_hours', calendar, pauses),
    ).toBe(3 * HOUR);
  });

  it('overlapping suspensions count once', () => {
    const pauses: Pause[] = [
      { start: at('2026-11-25T10:00:00'), end: at('2026-11-25T11:00:00') },
      { start: at('2026-11-25T10:30:00'), end: at('2026-11-25T11:30:00') },
    ];
    expect(iso(dueAt(at('2026-11-25T09:00:00'), 2 * HOUR, 'working_hours', calendar, { pauses }))).toBe(
      '2026-11-25T14:00:00', // 09–10, 11:30–12:00, 13:30–14:00
    );
  });

  it('an extension (延期) adds its seconds to the budget', () => {
    const due = dueAt(at('2026-11-25T09:00:00'), 7 * HOUR, 'working_hours', calendar, {
      extensions: [{ seconds: 3 * HOUR }],
    });
    expect(iso(due)).toBe('2026-11-26T12:00:00');
  });

  it('an open suspension leaves the due time unknown, unless the budget ran out before it', () => {
    const open: Pause[] = [{ start: at('2026-11-25T10:00:00'), end: null }];
    expect(
      dueAt(at('2026-11-25T09:00:00'), 2 * HOUR, 'working_hours', calendar, { pauses: open }),
    ).toBeNull();
    expect(iso(dueAt(at('2026-11-25T09:00:00'), 1800, 'working_hours', calendar, { pauses: open }))).toBe(
      '2026-11-25T09:30:00',
    );
  });
});

describe('the other clocks', () => {
  it('continuous counts nights and holidays; a suspension still stops it', () => {
    expect(iso(dueAt(at('2026-09-30T10:00:00'), 24 * HOUR, 'continuous', calendar))).toBe(
      '2026-10-01T10:00:00',
    );
    const pauses: Pause[] = [{ start: at('2026-09-30T12:00:00'), end: at('2026-09-30T13:00:00') }];
    expect(iso(dueAt(at('2026-09-30T10:00:00'), 24 * HOUR, 'continuous', calendar, { pauses }))).toBe(
      '2026-10-01T11:00:00',
    );
    expect(elapsed(at('2026-09-30T10:00:00'), at('2026-09-30T10:00:30'), 'continuous', calendar)).toBe(30);
  });

  const natural: [string, number, string][] = [
    ['2026-01-30T15:00:00', 3, '2026-02-03T00:00:00'],
    ['2026-02-27T10:00:00', 2, '2026-03-02T00:00:00'],
    ['2026-12-30T23:59:00', 3, '2027-01-03T00:00:00'],
    ['2026-04-30T00:00:00', 1, '2026-05-02T00:00:00'],
  ];
  for (const [start, days, due] of natural) {
    it(`natural days: ${days} day(s) from ${start} end at 24:00 of the last day (${due})`, () => {
      expect(iso(dueAt(at(start), days * 86_400, 'natural_days', calendar))).toBe(due);
    });
  }

  it('natural days do not count the start day', () => {
    expect(elapsed(at('2026-01-30T08:00:00'), at('2026-01-30T23:00:00'), 'natural_days', calendar)).toBe(0);
    expect(elapsed(at('2026-01-30T08:00:00'), at('2026-02-01T12:00:00'), 'natural_days', calendar)).toBe(
      36 * HOUR,
    );
  });

  it('working days skip weekends and holidays and count make-up days', () => {
    expect(iso(dueAt(at('2026-11-27T10:00:00'), 86_400, 'working_days', calendar))).toBe(
      '2026-12-01T00:00:00',
    );
    expect(iso(dueAt(at('2026-09-30T10:00:00'), 2 * 86_400, 'working_days', calendar))).toBe(
      '2026-10-10T00:00:00',
    );
    expect(iso(dueAt(at('2026-09-30T10:00:00'), 3 * 86_400, 'working_days', calendar))).toBe(
      '2026-10-11T00:00:00',
    );
    expect(iso(dueAt(at('2026-09-30T10:00:00'), 3 * 86_400, 'working_days', withoutMakeUp))).toBe(
      '2026-10-13T00:00:00',
    );
    expect(elapsed(at('2026-10-01T10:00:00'), at('2026-10-08T12:00:00'), 'working_days', calendar)).toBe(
      12 * HOUR,
    );
  });

  it('the seeded 2026 calendar skips the Spring Festival and counts its make-up Saturday', () => {
    const seeded = workingCalendar(seededCalendarDays().map((d) => [d.date, { kind: d.kind }]));
    // Friday Feb 13 17:00 + 1 h: Saturday Feb 14 is worked
    expect(iso(dueAt(at('2026-02-13T17:00:00'), HOUR, 'working_hours', seeded))).toBe('2026-02-14T09:30:00');
    // Saturday Feb 14 17:00 + 1 h: Feb 15–23 off, Tuesday Feb 24 is the next working day
    expect(iso(dueAt(at('2026-02-14T17:00:00'), HOUR, 'working_hours', seeded))).toBe('2026-02-24T09:30:00');
  });

  it('refuses negative budgets and calendars without working time', () => {
    expect(() => dueAt(at('2026-11-25T09:00:00'), -1, 'continuous', calendar)).toThrow(RangeError);
    const never = workingCalendar([], undefined, []);
    expect(() => dueAt(at('2026-11-25T09:00:00'), 1, 'working_hours', never)).toThrow(RangeError);
  });
});

describe('warnings and states', () => {
  it('warns at a share of the budget or a fixed time before, and an extension moves both', () => {
    const start = at('2026-11-25T09:00:00');
    const byRatio = stageDeadline(start, 10 * HOUR, 'continuous', calendar, { ratio: 0.8 });
    expect(iso(byRatio.warnAt)).toBe('2026-11-25T17:00:00');
    expect(iso(byRatio.dueAt)).toBe('2026-11-25T19:00:00');
    const before = stageDeadline(start, 10 * HOUR, 'continuous', calendar, {
      ratio: 0.8,
      beforeSeconds: 600,
    });
    expect(iso(before.warnAt)).toBe('2026-11-25T18:50:00');
    const extended = stageDeadline(
      start,
      10 * HOUR,
      'continuous',
      calendar,
      { ratio: 0.5 },
      {
        extensions: [{ seconds: 2 * HOUR }],
      },
    );
    expect(iso(extended.warnAt)).toBe('2026-11-25T15:00:00');
    expect(iso(extended.dueAt)).toBe('2026-11-25T21:00:00');
  });

  it('goes running → warning → overdue, and is suspended while an open pause covers now', () => {
    const start = at('2026-11-25T09:00:00');
    const state = (now: string, pauses: Pause[] = []) =>
      deadlineState(start, at(now), 7 * HOUR, 'working_hours', calendar, { ratio: 0.8 }, { pauses });
    expect(state('2026-11-25T14:00:00')).toBe('running'); // 4.5 h of 7
    expect(state('2026-11-25T16:30:00')).toBe('warning'); // 6 h ≥ 5.6 h
    expect(state('2026-11-25T17:30:00')).toBe('overdue');
    expect(state('2026-11-25T17:30:00', [{ start: at('2026-11-25T16:00:00'), end: null }])).toBe('suspended');
    // 5.5 h on Wednesday before the suspension, then Thursday from 09:00
    const closed = [{ start: at('2026-11-25T16:00:00'), end: at('2026-11-26T09:00:00') }];
    expect(state('2026-11-26T10:00:00', closed)).toBe('warning');
    expect(state('2026-11-26T11:00:00', closed)).toBe('overdue');
  });
});

describe('properties (seeded random cases)', () => {
  const random = mulberry32(20261125);
  const base = at('2026-01-01T00:00:00').getTime();

  function randomCase() {
    const start = new Date(base + random.integer(0, 360 * 86_400) * 1000);
    const clockType: ClockType = random.pick(CLOCK_TYPES);
    const seconds = random.integer(0, clockType === 'working_hours' ? 40 * HOUR : 12 * 86_400);
    const pauses: Pause[] = [];
    for (let i = random.integer(0, 3); i > 0; i--) {
      const from = start.getTime() + random.integer(-86_400, 20 * 86_400) * 1000;
      pauses.push({ start: new Date(from), end: new Date(from + random.integer(1, 3 * 86_400) * 1000) });
    }
    return { start, clockType, seconds, pauses };
  }

  it('elapsed(start, dueAt(start, s)) gives s back, pauses and calendar included', () => {
    for (let i = 0; i < 400; i++) {
      const { start, clockType, seconds, pauses } = randomCase();
      const due = dueAt(start, seconds, clockType, calendar, { pauses });
      expect(due, `${clockType} ${seconds}`).not.toBeNull();
      expect(elapsed(start, due!, clockType, calendar, pauses), `${clockType} ${start.toISOString()}`).toBe(
        seconds,
      );
    }
  });

  it('a longer budget is never due earlier, and a second less is already past only when the clock is stopped', () => {
    for (let i = 0; i < 300; i++) {
      const { start, clockType, seconds, pauses } = randomCase();
      const a = dueAt(start, seconds, clockType, calendar, { pauses })!;
      const b = dueAt(start, seconds + random.integer(1, 5 * HOUR), clockType, calendar, { pauses })!;
      expect(b.getTime()).toBeGreaterThan(a.getTime());
      // one second before the due time the budget is not yet used up
      if (seconds > 0)
        expect(elapsed(start, new Date(a.getTime() - 1000), clockType, calendar, pauses)).toBeLessThan(
          seconds,
        );
    }
  });

  it('elapsed is additive over a split point', () => {
    for (let i = 0; i < 200; i++) {
      const { start, clockType, pauses } = randomCase();
      const end = new Date(start.getTime() + random.integer(0, 30 * 86_400) * 1000);
      const middle = new Date(start.getTime() + random.next() * (end.getTime() - start.getTime()));
      middle.setMilliseconds(0);
      // the later part starts where the first ends; for the day clocks "the start day is not counted" makes the
      // later part's own start day special, so additivity holds for the clocks counted from the instant
      if (clockType === 'natural_days' || clockType === 'working_days') continue;
      const whole = elapsed(start, end, clockType, calendar, pauses);
      const parts =
        elapsed(start, middle, clockType, calendar, pauses) +
        elapsed(middle, end, clockType, calendar, pauses);
      expect(parts).toBeCloseTo(whole, 3);
    }
  });
});

describe('suspension, extension and ladder steps on the policy clock', () => {
  // Friday 27 Nov 2026; Saturday 28, Sunday 29; Monday 30 a holiday and Sunday 29 a make-up workday in `shifted`
  const plain = workingCalendar();
  const shifted = workingCalendar([
    ['2026-11-30', { kind: 'holiday' }],
    ['2026-11-29', { kind: 'workday' }],
  ]);
  const start = at('2026-11-27T09:00:00');

  it('a suspension moves a working-hours deadline by the working time it covered, not by its length', () => {
    const due = dueAt(start, 7 * HOUR, 'working_hours', plain)!;
    expect(iso(due)).toBe('2026-11-27T17:30:00');
    // suspended at 10:00 (1 h used), resumed on Saturday afternoon: 6 h left from Monday 09:00
    const pause = [at('2026-11-27T10:00:00'), at('2026-11-28T15:00:00')] as const;
    expect(iso(shiftAfterPause(start, due, ...pause, 'working_hours', plain))).toBe('2026-11-30T16:30:00');
    // with Monday a holiday and Sunday worked, the 6 h run on Sunday
    expect(iso(shiftAfterPause(start, due, ...pause, 'working_hours', shifted))).toBe('2026-11-29T16:30:00');
    // the continuous clock still moves by the pause's length
    const continuousDue = dueAt(start, 7 * HOUR, 'continuous', plain)!;
    expect(shiftAfterPause(start, continuousDue, ...pause, 'continuous', plain).getTime()).toBe(
      continuousDue.getTime() + (pause[1].getTime() - pause[0].getTime()),
    );
    // an instant before the suspension (a warning already passed) stays
    expect(shiftAfterPause(start, at('2026-11-27T09:30:00'), ...pause, 'working_hours', plain)).toEqual(
      at('2026-11-27T09:30:00'),
    );
  });

  it('agrees with dueAt given the same pause', () => {
    const pause = { start: at('2026-11-27T10:00:00'), end: at('2026-11-28T15:00:00') };
    for (const clockType of CLOCK_TYPES) {
      const due = dueAt(start, 3 * 86_400, clockType, shifted)!;
      expect(shiftAfterPause(start, due, pause.start, pause.end, clockType, shifted), clockType).toEqual(
        dueAt(start, 3 * 86_400, clockType, shifted, { pauses: [pause] }),
      );
    }
  });

  it('an extension of days counts days of the stage clock, skipping the holiday and using the make-up day', () => {
    expect(daysOnClock(2, 'working_hours', plain)).toBe(14 * HOUR);
    expect(daysOnClock(2, 'working_days', plain)).toBe(2 * 86_400);
    const due = at('2026-11-27T17:30:00');
    expect(
      iso(extendOnClock(start, due, daysOnClock(1, 'working_hours', plain), 'working_hours', plain)),
    ).toBe('2026-11-30T17:30:00');
    expect(
      iso(extendOnClock(start, due, daysOnClock(1, 'working_hours', shifted), 'working_hours', shifted)),
    ).toBe('2026-11-29T17:30:00');
    // two working days from Wednesday end at Friday 24:00; one more is Tuesday (Monday off) or Sunday (worked)
    const wednesday = at('2026-11-25T10:00:00');
    const noHoliday = workingCalendar([['2026-11-30', { kind: 'holiday' }]]);
    const twoDays = dueAt(wednesday, 2 * 86_400, 'working_days', noHoliday)!;
    expect(iso(twoDays)).toBe('2026-11-28T00:00:00');
    expect(iso(extendOnClock(wednesday, twoDays, 86_400, 'working_days', noHoliday))).toBe(
      '2026-12-02T00:00:00',
    );
    expect(iso(extendOnClock(wednesday, twoDays, 86_400, 'working_days', shifted))).toBe(
      '2026-11-30T00:00:00',
    );
  });

  it('a ladder step on the working-hours clock waits over the weekend', () => {
    const friday = at('2026-11-27T17:00:00');
    expect(iso(afterOnClock(friday, HOUR, 'working_hours', plain))).toBe('2026-11-30T09:30:00');
    expect(iso(afterOnClock(friday, HOUR, 'working_hours', shifted))).toBe('2026-11-29T09:30:00');
    expect(iso(afterOnClock(friday, HOUR, 'continuous', shifted))).toBe('2026-11-27T18:00:00');
  });
});
