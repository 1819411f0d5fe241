import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { grids } from '../grids/tables.js';
import { persons } from '../people/tables.js';

/**
 * 人才库 talent pool (F5, 000): one dynamic record per person — field, skills and the grid it serves. The tier
 * is not a column here: it lives in `talent_tiers` with its history.
 */
export const talents = pgTable(
  'talents',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    /** The grid the talent serves (scope of who sees the record); normally the person's own grid. */
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    /** 领域 e.g. 社区治理, 法律, 医疗, 文体. */
    field: text('field'),
    skills: text('skills')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('talents_person_unique').on(t.personId), index('talents_grid_idx').on(t.gridId)],
);

/**
 * 头雁 / 强雁 / 雏雁 tiers (lead / strong / young) with history: a change ends the current row (`until`, the first
 * day it no longer holds) and opens a new one; rows are never rewritten or removed.
 */
export const talentTiers = pgTable(
  'talent_tiers',
  {
    id: serial('id').primaryKey(),
    talentId: integer('talent_id')
      .notNull()
      .references(() => talents.id),
    tier: text('tier').notNull(),
    since: date('since', { mode: 'string' }).notNull(),
    until: date('until', { mode: 'string' }),
    reason: text('reason'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('talent_tiers_current_unique')
      .on(t.talentId)
      .where(sql`${t.until} is null`),
    index('talent_tiers_talent_idx').on(t.talentId, t.since),
    check('talent_tiers_tier_check', sql`${t.tier} in ('lead', 'strong', 'young')`),
    check('talent_tiers_dates_check', sql`${t.until} is null or ${t.until} > ${t.since}`),
  ],
);

/** 后备库 reserve pools, e.g. 社区书记后备 (001: 优秀网格长 → 书记后备); a configurable list. */
export const reservePools = pgTable('reserve_pools', {
  key: text('key').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  description: text('description'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A person in a reserve pool: nominated with a reason and a date, leaving with a reason; the row stays. */
export const reservePoolMembers = pgTable(
  'reserve_pool_members',
  {
    id: serial('id').primaryKey(),
    poolKey: text('pool_key')
      .notNull()
      .references(() => reservePools.key),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    nominatedOn: date('nominated_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    nominatedBy: text('nominated_by').notNull(),
    leftOn: date('left_on', { mode: 'string' }),
    leaveReason: text('leave_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reserve_pool_members_current_unique')
      .on(t.poolKey, t.personId)
      .where(sql`${t.leftOn} is null`),
    index('reserve_pool_members_person_idx').on(t.personId),
    check('reserve_pool_members_dates_check', sql`${t.leftOn} is null or ${t.leftOn} >= ${t.nominatedOn}`),
  ],
);

/** 培训记录 training records of a person (001/004). */
export const trainingRecords = pgTable(
  'training_records',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    course: text('course').notNull(),
    hours: numeric('hours', { precision: 6, scale: 1, mode: 'number' }).notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    organiser: text('organiser'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('training_records_person_idx').on(t.personId, t.heldOn),
    check('training_records_hours_check', sql`${t.hours} > 0`),
  ],
);

/** 证书 certificates of a person (social worker, mediator, first aid …). */
export const certificates = pgTable(
  'certificates',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    name: text('name').notNull(),
    number: text('number'),
    issuer: text('issuer'),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('certificates_person_idx').on(t.personId),
    check('certificates_dates_check', sql`${t.expiresOn} is null or ${t.expiresOn} > ${t.issuedOn}`),
  ],
);
