import { api } from '../api/client';
import type { Bilingual } from '../grids/api';

/**
 * The catalogue endpoints of the server (src/catalogue/routes.ts): event classes, deadline policies, the working
 * calendar and escalation ladders, typed for the console. Shapes are copied from src/catalogue/schema.ts.
 */

export interface CatalogueClass {
  code: string;
  parentCode: string | null;
  /** 1 大类 major, 2 小类 minor. */
  level: number;
  kind: string;
  name: Bilingual;
  /** Own policy; null inherits the major's. */
  deadlinePolicy: string | null;
  effectivePolicy: string;
  filingStandards: Bilingual[];
  closingStandards: Bilingual[];
  rank: number;
  active: boolean;
}

export interface CatalogueMajor extends CatalogueClass {
  children: CatalogueClass[];
}

export interface ClassChanges {
  name?: Bilingual;
  deadlinePolicy?: string | null;
  filingStandards?: Bilingual[];
  closingStandards?: Bilingual[];
  active?: boolean;
}

export interface NewClass {
  code: string;
  parentCode: string;
  name: Bilingual;
  deadlinePolicy?: string | null;
  filingStandards?: Bilingual[];
  closingStandards?: Bilingual[];
}

export const CLOCK_TYPES = ['continuous', 'working_hours', 'working_days', 'natural_days'] as const;
export type ClockType = (typeof CLOCK_TYPES)[number];
export const STAGES = ['accept', 'respond', 'consult', 'plan', 'handle', 'verify'] as const;

export interface DeadlinePolicy {
  key: string;
  name: Bilingual;
  clockType: string;
  /** Seconds of its clock per stage. */
  stages: Record<string, number>;
  warnRatio: number | null;
  warnBeforeSeconds: number | null;
  rank: number;
}

export interface PolicyBody {
  name: Bilingual;
  clockType: string;
  stages: Record<string, number>;
  warnRatio?: number | null;
  warnBeforeSeconds?: number | null;
  rank?: number;
}

export interface Period {
  start: string;
  end: string;
}

export interface WorkingTime {
  /** ISO weekdays: 1 Monday … 7 Sunday. */
  weekdays: number[];
  periods: Period[];
}

export interface CalendarDay {
  date: string;
  /** holiday 法定节假日, workday 调休上班. */
  kind: 'holiday' | 'workday' | string;
  name: Bilingual;
  periods: Period[] | null;
  seeded: boolean;
}

export interface CalendarYear {
  year: number;
  workingTime: WorkingTime;
  days: CalendarDay[];
}

export interface CalendarDayInput {
  date: string;
  kind: 'holiday' | 'workday';
  name?: Bilingual;
  periods?: Period[] | null;
}

export interface LadderLevel {
  key: string;
  name: Bilingual;
  notify: { role: string; gridLevel: string }[];
  /** Seconds before the next level is told; null on the last level. */
  climbAfterSeconds: number | null;
}

export interface Ladder {
  gridCode: string;
  preset: string | null;
  name: Bilingual;
  clockType: string;
  levels: LadderLevel[];
}

export interface LadderList {
  presets: Omit<Ladder, 'gridCode'>[];
  ladders: Ladder[];
}

export interface LadderBody {
  preset?: string;
  name?: Bilingual;
  clockType?: string;
  levels?: LadderLevel[];
}

export const catalogueApi = {
  tree: (signal?: AbortSignal) => api<CatalogueMajor[]>('/api/categories', { signal }),
  update: (code: string, body: ClassChanges) =>
    api<CatalogueClass>(`/api/categories/${code}`, { method: 'PATCH', body }),
  create: (body: NewClass) => api<CatalogueClass>('/api/categories', { method: 'POST', body }),
  policies: (signal?: AbortSignal) => api<DeadlinePolicy[]>('/api/deadline-policies', { signal }),
  putPolicy: (key: string, body: PolicyBody) =>
    api<DeadlinePolicy>(`/api/deadline-policies/${key}`, { method: 'PUT', body }),
  calendar: (year: number, signal?: AbortSignal) => api<CalendarYear>(`/api/calendar/${year}`, { signal }),
  putCalendar: (year: number, days: CalendarDayInput[]) =>
    api<CalendarYear>(`/api/calendar/${year}`, { method: 'PUT', body: { days } }),
  putWorkingTime: (body: WorkingTime) =>
    api<WorkingTime>('/api/calendar/working-time', { method: 'PUT', body }),
  ladders: (signal?: AbortSignal) => api<LadderList>('/api/escalation-ladders', { signal }),
  putLadder: (gridCode: string, body: LadderBody) =>
    api<Ladder>(`/api/escalation-ladders/${encodeURIComponent(gridCode)}`, { method: 'PUT', body }),
  deleteLadder: (gridCode: string) =>
    api<void>(`/api/escalation-ladders/${encodeURIComponent(gridCode)}`, { method: 'DELETE' }),
};

/**
 * Seconds as a person reads them, in the units of the clock: "2天4小时", "30分钟" / "2 d 4 h", "30 min".
 * A working-days clock counts days of work, so 86 400 s is one working day; a working-hours clock shows hours.
 */
export function humanDuration(seconds: number, language: 'zh-CN' | 'en', clockType?: string): string {
  // on a working-hours clock a "day" of 24 hours means nothing to a person: hours only
  const parts: [number, string, string][] = [
    ...(clockType === 'working_hours' ? [] : ([[86_400, '天', 'd']] as [number, string, string][])),
    [3_600, '小时', 'h'],
    [60, '分钟', 'min'],
    [1, '秒', 's'],
  ];
  let rest = Math.max(0, Math.round(seconds));
  const out: string[] = [];
  for (const [size, zh, en] of parts) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) out.push(language === 'en' ? `${count} ${en}` : `${count}${zh}`);
  }
  if (out.length === 0) return language === 'en' ? '0 s' : '0秒';
  return out.join(language === 'en' ? ' ' : '');
}

/** Seconds as days, hours and minutes for a form, and back. */
export function splitSeconds(seconds: number | null | undefined): {
  days: number;
  hours: number;
  minutes: number;
} {
  const total = Math.max(0, Math.round(seconds ?? 0));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3_600),
    minutes: Math.floor((total % 3_600) / 60),
  };
}

export function joinSeconds(parts: {
  days?: number | null;
  hours?: number | null;
  minutes?: number | null;
}): number {
  return (parts.days ?? 0) * 86_400 + (parts.hours ?? 0) * 3_600 + (parts.minutes ?? 0) * 60;
}
