import { describe, expect, it } from 'vitest';
import { workingCalendar, type Pause } from './deadlines.js';
import { ladderPosition } from './ladders.js';
import { LADDER_PRESETS } from './seed-data.js';

const HOUR = 3600;
const at = (text: string) => new Date(`${text}+08:00`);
const iso = (date: Date | null) =>
  date ? new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19) : null;
const calendar = workingCalendar();
const loop = LADDER_PRESETS.find((preset) => preset.key === 'three_level_loop')!.levels;

describe('where an event stands on its escalation ladder', () => {
  const start = at('2026-11-23T09:00:00');
  const position = (now: string, pauses: Pause[] = []) => {
    const p = ladderPosition(loop, start, at(now), 'continuous', calendar, pauses);
    return { level: p.level, reachedAt: iso(p.reachedAt), nextClimbAt: iso(p.nextClimbAt) };
  };

  it('climbs from in-group linkage to grid closure after 24 h and to the party working committee after 48 h more', () => {
    expect(position('2026-11-23T19:00:00')).toEqual({
      level: 0,
      reachedAt: '2026-11-23T09:00:00',
      nextClimbAt: '2026-11-24T09:00:00',
    });
    expect(position('2026-11-24T09:00:00').level).toBe(1);
    expect(position('2026-11-24T15:00:00')).toEqual({
      level: 1,
      reachedAt: '2026-11-24T09:00:00',
      nextClimbAt: '2026-11-26T09:00:00',
    });
    expect(position('2026-11-30T09:00:00')).toEqual({
      level: 2,
      reachedAt: '2026-11-26T09:00:00',
      nextClimbAt: null,
    });
  });

  it('a suspension holds the event on its level', () => {
    const pauses = [{ start: at('2026-11-23T12:00:00'), end: at('2026-11-23T22:00:00') }];
    expect(position('2026-11-24T15:00:00', pauses)).toEqual({
      level: 0,
      reachedAt: '2026-11-23T09:00:00',
      nextClimbAt: '2026-11-24T19:00:00',
    });
    expect(
      position('2026-11-24T15:00:00', [{ start: at('2026-11-23T12:00:00'), end: null }]).nextClimbAt,
    ).toBeNull();
  });

  it('on the working-hours clock a level of 7 h started on Friday afternoon ends on Monday', () => {
    const levels = [{ climbAfterSeconds: 7 * HOUR }, { climbAfterSeconds: null }];
    const p = ladderPosition(
      levels,
      at('2026-11-27T16:00:00'),
      at('2026-11-28T12:00:00'),
      'working_hours',
      calendar,
    );
    expect(p.level).toBe(0);
    expect(iso(p.nextClimbAt)).toBe('2026-11-30T16:00:00');
  });
});
