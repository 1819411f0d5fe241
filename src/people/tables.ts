import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { buildingUnits, buildings, grids } from '../grids/tables.js';

/**
 * 户 households: people who live together in one flat. The number is the street's own household number
 * (户号), unique within a grid.
 */
export const households = pgTable(
  'households',
  {
    id: serial('id').primaryKey(),
    number: text('number').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    buildingId: integer('building_id').references(() => buildings.id),
    buildingUnitId: integer('building_unit_id').references(() => buildingUnits.id),
    room: text('room'),
    /** 户主 head of the household; set after the persons exist. */
    headPersonId: integer('head_person_id').references((): AnyPgColumn => persons.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('households_number_unique').on(t.gridId, t.number)],
);

/**
 * 人员 persons: residents and staff. The ID number and the phone are personal data under PIPL: stored only
 * encrypted (AES-256-GCM, see protection.ts) with a keyed hash beside each for exact look-up; neither the
 * plain value nor an unkeyed hash is ever written.
 */
export const persons = pgTable(
  'persons',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** 'male' | 'female'; from the ID number when it is given. */
    gender: text('gender'),
    birthDate: date('birth_date', { mode: 'string' }),
    idNumberCipher: text('id_number_cipher'),
    idNumberHash: text('id_number_hash'),
    phoneCipher: text('phone_cipher'),
    phoneHash: text('phone_hash'),
    address: text('address'),
    /** 政治面貌: masses, cpc_member, cpc_probationary, cyl_member, democratic_party, other. */
    politicalStatus: text('political_status').notNull().default('masses'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    householdId: integer('household_id').references(() => households.id),
    buildingId: integer('building_id').references(() => buildings.id),
    buildingUnitId: integer('building_unit_id').references(() => buildingUnits.id),
    room: text('room'),
    /** The grid the person lives in, normally a micro-grid; subtree queries join grids.path. */
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('persons_grid_idx').on(t.gridId),
    index('persons_household_idx').on(t.householdId),
    index('persons_name_idx').on(t.name.op('text_pattern_ops')),
    index('persons_tags_idx').using('gin', t.tags),
    // one record per ID number: the keyed hash is deterministic, so a second record is a duplicate
    uniqueIndex('persons_id_number_hash_unique').on(t.idNumberHash),
    index('persons_phone_hash_idx').on(t.phoneHash),
    check('persons_gender_check', sql`${t.gender} in ('male', 'female')`),
  ],
);

/**
 * 特殊群体 special groups. A configurable list: the four of the glossary come with the migration, an
 * installation adds its own (e.g. 退役军人, 重点关注人员) as rows.
 */
export const specialGroups = pgTable('special_groups', {
  key: text('key').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  rank: integer('rank').notNull().default(100),
});

/**
 * Membership of a person in a special group: sensitive rows of their own, not a tag, so that only the roles
 * that serve these people read them (masking.ts) while counts stay available to every grid reader.
 * Ending a membership sets `until`; rows are not deleted so the history of care stays.
 */
export const specialGroupMembers = pgTable(
  'special_group_members',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
    groupKey: text('group_key')
      .notNull()
      .references(() => specialGroups.key),
    since: date('since', { mode: 'string' }),
    until: date('until', { mode: 'string' }),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('special_group_members_current_unique')
      .on(t.personId, t.groupKey)
      .where(sql`${t.until} is null`),
    index('special_group_members_group_idx').on(t.groupKey, t.personId),
  ],
);

/** 组织 / 商户 organisations and businesses located in grids (人地事物组织 of 004). */
export const organisations = pgTable(
  'organisations',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** shop, firm, office, school, hospital, market_stall, social_organisation, government, other */
    kind: text('kind').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    address: text('address'),
    /** 统一社会信用代码, 18 characters, when known. */
    creditCode: text('credit_code'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('organisations_grid_idx').on(t.gridId, t.kind)],
);

/**
 * 岗位 positions in grids (F1), with history: a position holds from `validFrom` (inclusive) to `validTo`
 * (exclusive); ending it sets `validTo`, it is never deleted, so "who held what on a date" can be answered.
 * The holder is a person, a user account, or both.
 */
export const positions = pgTable(
  'positions',
  {
    id: serial('id').primaryKey(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    kind: text('kind').notNull(),
    /** What the kind leaves open: which of the five members (五大员), which department … */
    duty: text('duty'),
    personId: integer('person_id').references(() => persons.id),
    userId: integer('user_id').references(() => users.id),
    /** For building and unit leaders (五长制): their building and unit. */
    buildingId: integer('building_id').references(() => buildings.id),
    buildingUnitId: integer('building_unit_id').references(() => buildingUnits.id),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('positions_grid_idx').on(t.gridId, t.kind, t.validFrom),
    index('positions_person_idx').on(t.personId),
    index('positions_user_idx').on(t.userId),
    check('positions_holder_check', sql`${t.personId} is not null or ${t.userId} is not null`),
    check('positions_dates_check', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

/** A user account linked to the person it belongs to (one person per account, one account per person). */
export const personUsers = pgTable(
  'person_users',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('person_users_person_unique').on(t.personId)],
);
