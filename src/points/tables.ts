import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { persons } from '../people/tables.js';

/**
 * 积分规则 points rules (F6, 000 积分制): what an activity is worth. A street edits its own list; the key is
 * stable, so ledger entries keep pointing at the rule they were awarded by.
 */
export const pointsRules = pgTable(
  'points_rules',
  {
    key: text('key').primaryKey(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    points: integer('points').notNull(),
    /** Most points one person may earn from this rule in one day (China date); null = no cap. */
    dailyCap: integer('daily_cap'),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('points_rules_points_check', sql`${t.points} > 0`),
    check('points_rules_cap_check', sql`${t.dailyCap} is null or ${t.dailyCap} >= ${t.points}`),
  ],
);

/**
 * 积分台账 the points ledger: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), one row per award or
 * redemption. A balance is always the sum of a person's rows — there is no stored counter that could drift;
 * the (person_id, points) index lets the sum be read from the index alone.
 */
export const pointsEntries = pgTable(
  'points_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    /** 'award' (positive, by rule or manual), 'adjustment' (manual correction, ±) or 'redemption' (兑换, negative). */
    kind: text('kind').notNull(),
    ruleKey: text('rule_key').references(() => pointsRules.key),
    /** Why, for manual awards and redemptions (a rule speaks for itself). */
    reason: text('reason'),
    points: integer('points').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The China date of `at`, for daily caps. */
    day: date('day', { mode: 'string' }).notNull(),
    actorUserId: integer('actor_user_id'),
    actor: text('actor').notNull(),
    /** Where the points come from: an activity, an event, a micro-wish … ("activity:42"). */
    sourceRef: text('source_ref'),
  },
  (t) => [
    index('points_entries_person_idx').on(t.personId, t.points),
    index('points_entries_rule_day_idx').on(t.personId, t.ruleKey, t.day),
    check('points_entries_kind_check', sql`${t.kind} in ('award', 'adjustment', 'redemption')`),
    check('points_entries_points_check', sql`${t.points} <> 0`),
    check(
      'points_entries_sign_check',
      sql`(${t.kind} = 'redemption' and ${t.points} < 0) or (${t.kind} = 'award' and ${t.points} > 0) or ${t.kind} = 'adjustment'`,
    ),
    check('points_entries_why_check', sql`${t.ruleKey} is not null or ${t.reason} is not null`),
  ],
);
