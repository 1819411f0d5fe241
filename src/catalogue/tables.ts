import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
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
