import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/**
 * 事件/部件分类 the two-level event catalogue (大类/小类, E9), after the digital urban management standard plus
 * the seeds' own classes. A major class (level 1) has no parent; a minor class (level 2) belongs to one major
 * class and is what an event is filed under. Each class names its deadline policy and its filing and closing
 * standards (立案标准/结案标准: conditions ticked before 立案 and before 结案).
 */
export const eventCategories = pgTable(
  'event_categories',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code').references((): AnyPgColumn => eventCategories.code),
    level: integer('level').notNull(),
    /** 'event' 事件 or 'component' 部件 */
    kind: text('kind').notNull().default('event'),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** Key of the deadline policy (catalogue), inherited from the major class when null. */
    deadlinePolicy: text('deadline_policy'),
    filingStandards: jsonb('filing_standards')
      .$type<{ zh: string; en: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    closingStandards: jsonb('closing_standards')
      .$type<{ zh: string; en: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    rank: integer('rank').notNull().default(100),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('event_categories_parent_idx').on(t.parentCode),
    check(
      'event_categories_level_check',
      sql`(${t.level} = 1 and ${t.parentCode} is null) or (${t.level} = 2 and ${t.parentCode} is not null)`,
    ),
    check('event_categories_kind_check', sql`${t.kind} in ('event', 'component')`),
  ],
);

/**
 * 时限策略 deadline policies (E4): one clock (see deadlines.ts) and the seconds each stage of the closed loop may take.
 * Keys are stable words (`general`, `difficult`, `complex`, `urgent`, `hotline`, `repair` …) that categories name.
 */
export const deadlinePolicies = pgTable(
  'deadline_policies',
  {
    key: text('key').primaryKey(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** 'continuous' | 'working_hours' | 'working_days' | 'natural_days' */
    clockType: text('clock_type').notNull(),
    /** Seconds per stage ('accept', 'respond', 'consult', 'plan', 'handle', 'verify'); absent stages are not timed. */
    stages: jsonb('stages')
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Warn when this share of a stage's time has run (0–1); null when `warn_before_seconds` is used. */
    warnRatio: doublePrecision('warn_ratio'),
    /** Warn this many seconds of the clock before the due time; wins over the ratio. */
    warnBeforeSeconds: integer('warn_before_seconds'),
    rank: integer('rank').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'deadline_policies_clock_check',
      sql`${t.clockType} in ('continuous', 'working_hours', 'working_days', 'natural_days')`,
    ),
    check(
      'deadline_policies_ratio_check',
      sql`${t.warnRatio} is null or (${t.warnRatio} > 0 and ${t.warnRatio} <= 1)`,
    ),
  ],
);

/**
 * 工作日历 the days that differ from the default working week (法定节假日 holidays, 调休上班 make-up workdays, half
 * days). The default week and hours are the setting `catalogue.working_time`. `seeded` marks the platform's own
 * defaults, which an administrator should check against the State Council's notice.
 */
export const calendarDays = pgTable(
  'calendar_days',
  {
    day: date('day', { mode: 'string' }).primaryKey(),
    /** 'holiday' or 'workday' */
    kind: text('kind').notNull(),
    nameZh: text('name_zh').notNull().default(''),
    nameEn: text('name_en').notNull().default(''),
    /** Working periods of a workday when they differ from the default, as [{ start: 'HH:MM', end: 'HH:MM' }]. */
    periods: jsonb('periods').$type<{ start: string; end: string }[]>(),
    seeded: boolean('seeded').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('calendar_days_kind_check', sql`${t.kind} in ('holiday', 'workday')`)],
);

/**
 * 升级阶梯 escalation ladders (E4), per grid (normally a street) with the platform default under the key `default`.
 * An event uses the ladder of the nearest grid above it that has one (CatalogueService.ladderFor).
 */
export const escalationLadders = pgTable('escalation_ladders', {
  /** A grid code, or 'default' for the platform default. Not a foreign key: the default has no grid. */
  gridCode: text('grid_code').primaryKey(),
  /** The preset it started from ('three_level_loop', 'three_level_response'), for the console; null when custom. */
  preset: text('preset'),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  clockType: text('clock_type').notNull().default('continuous'),
  levels: jsonb('levels')
    .$type<
      {
        key: string;
        nameZh: string;
        nameEn: string;
        notify: { role: string; gridLevel: string }[];
        climbAfterSeconds: number | null;
      }[]
    >()
    .notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
