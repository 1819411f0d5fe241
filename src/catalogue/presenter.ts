import type { CategoryValue, DeadlinePolicyValue, LadderValue } from './schema.js';
import type { CalendarDayRow, CategoryRow, LadderRow, PolicyRow } from './repository.js';

/** The policy a category falls back to when neither it nor its major class names one. */
export const FALLBACK_POLICY = 'general';

/** The catalogue is not personal data: every signed-in role sees the same. */
export function presentCategory(row: CategoryRow, major: CategoryRow | undefined): CategoryValue {
  return {
    code: row.code,
    parentCode: row.parentCode,
    level: row.level,
    kind: row.kind,
    name: { zh: row.nameZh, en: row.nameEn },
    deadlinePolicy: row.deadlinePolicy,
    effectivePolicy: row.deadlinePolicy ?? major?.deadlinePolicy ?? FALLBACK_POLICY,
    filingStandards: row.filingStandards,
    closingStandards: row.closingStandards,
    rank: row.rank,
    active: row.active,
  };
}

export function presentPolicy(row: PolicyRow): DeadlinePolicyValue {
  return {
    key: row.key,
    name: { zh: row.nameZh, en: row.nameEn },
    clockType: row.clockType,
    stages: row.stages,
    warnRatio: row.warnRatio,
    warnBeforeSeconds: row.warnBeforeSeconds,
    rank: row.rank,
  };
}

export function presentCalendarDay(row: CalendarDayRow) {
  return {
    date: row.day,
    kind: row.kind,
    name: { zh: row.nameZh, en: row.nameEn },
    periods: row.periods ?? null,
    seeded: row.seeded,
  };
}

export function presentLadder(row: Omit<LadderRow, 'updatedAt'>): LadderValue {
  return {
    gridCode: row.gridCode,
    preset: row.preset,
    name: { zh: row.nameZh, en: row.nameEn },
    clockType: row.clockType,
    levels: row.levels.map((level) => ({
      key: level.key,
      name: { zh: level.nameZh, en: level.nameEn },
      notify: level.notify,
      climbAfterSeconds: level.climbAfterSeconds,
    })),
  };
}
