import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { grids } from '../grids/tables.js';
import { persons } from '../people/tables.js';

/**
 * 网格力量类别 force categories (F2) as data. Each belongs to a preset: "1+4+X" (000: 一格引领、四线联动、多元汇治)
 * and "1+6" (003) come with the migration; a street chooses the active preset (setting `forces.preset`, default in
 * policy.ts) and administrators add categories of their own to any preset. Categories are retired, never deleted,
 * so that the history of who served in them stays readable.
 */
export const forceCategories = pgTable(
  'force_categories',
  {
    key: text('key').primaryKey(),
    /** "1+4+X", "1+6", or an installation's own preset name. */
    preset: text('preset').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionZh: text('description_zh'),
    /**
     * Which of the forces an area grid leader dispatches (004 片区网格长调度): own (网格自有力量), law_enforcement
     * (执法力量), street_support (街镇包保力量), social_mobilisation (社会动员力量); null when not dispatched.
     */
    dispatchGroup: text('dispatch_group'),
    rank: integer('rank').notNull().default(100),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    index('force_categories_preset_idx').on(t.preset, t.rank),
    check(
      'force_categories_dispatch_group_check',
      sql`${t.dispatchGroup} is null or ${t.dispatchGroup} in ('own', 'law_enforcement', 'street_support', 'social_mobilisation')`,
    ),
  ],
);

/**
 * A force member of a grid: a person and/or a user account serving in a category from `since` (inclusive) to
 * `until` (exclusive). Ending sets `until`; rows are never deleted, so the roster of any past day can be read.
 * Contact details come from the person record and stay masked by its rules.
 */
export const forceMembers = pgTable(
  'force_members',
  {
    id: serial('id').primaryKey(),
    categoryKey: text('category_key')
      .notNull()
      .references(() => forceCategories.key),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    personId: integer('person_id').references(() => persons.id),
    userId: integer('user_id').references(() => users.id),
    duty: text('duty'),
    since: date('since', { mode: 'string' }).notNull(),
    until: date('until', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('force_members_grid_idx').on(t.gridId, t.categoryKey),
    index('force_members_person_idx').on(t.personId),
    check('force_members_holder_check', sql`${t.personId} is not null or ${t.userId} is not null`),
    check('force_members_dates_check', sql`${t.until} is null or ${t.until} > ${t.since}`),
  ],
);
