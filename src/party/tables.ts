import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { buildings, grids } from '../grids/tables.js';
import { households, persons } from '../people/tables.js';

/**
 * 党组织 party organisations (G4, 001): a tree beside the grid tree. The vertical line is 社区大党委
 * community_committee → 网格党支部 grid_branch → 楼栋党小组 building_group → 党员中心户 member_household; the
 * horizontal line is special_branch (园区、楼宇、商圈等专属网格党支部) under a community party committee.
 * Each organisation is linked to a grid inside its parent's grid; a building party group to a building, a
 * party-member household to a household. Like grids, a materialised path of ids ("/3/17/") gives subtrees.
 */
export const partyOrganisations = pgTable(
  'party_organisations',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => partyOrganisations.id),
    depth: integer('depth').notNull(),
    path: text('path').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    buildingId: integer('building_id').references(() => buildings.id),
    householdId: integer('household_id').references(() => households.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    retiredOn: date('retired_on', { mode: 'string' }),
  },
  (t) => [
    index('party_organisations_grid_idx').on(t.gridId, t.kind),
    index('party_organisations_parent_idx').on(t.parentId),
    index('party_organisations_path_idx').on(t.path.op('text_pattern_ops')),
    check(
      'party_organisations_kind_check',
      sql`${t.kind} in ('community_committee', 'grid_branch', 'special_branch', 'building_group', 'member_household')`,
    ),
  ],
);

/**
 * 党员 a party member's place in an organisation, with history: `role` (secretary 书记, deputy_secretary 副书记,
 * committee_member 委员, group_leader 党小组长, member 党员) from `since` to `until` (exclusive).
 */
export const partyMembers = pgTable(
  'party_members',
  {
    id: serial('id').primaryKey(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => partyOrganisations.id),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    role: text('role').notNull(),
    /** 入党日期 the day the person joined the party, when known. */
    joinedPartyOn: date('joined_party_on', { mode: 'string' }),
    since: date('since', { mode: 'string' }).notNull(),
    until: date('until', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('party_members_organisation_idx').on(t.organisationId, t.since),
    index('party_members_person_idx').on(t.personId),
    uniqueIndex('party_members_current_unique')
      .on(t.organisationId, t.personId)
      .where(sql`${t.until} is null`),
    check('party_members_dates_check', sql`${t.until} is null or ${t.until} > ${t.since}`),
  ],
);

/**
 * 在职党员进社区报到 in-service party member registration (003): a party member whose organisation is at the work
 * unit registers with the community where he lives and serves there.
 */
export const inServiceRegistrations = pgTable(
  'in_service_registrations',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    workUnit: text('work_unit').notNull(),
    /** The community grid registered with. */
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    registeredOn: date('registered_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('in_service_registrations_grid_idx').on(t.gridId),
    uniqueIndex('in_service_registrations_current_unique')
      .on(t.personId)
      .where(sql`${t.endedOn} is null`),
  ],
);

/** What a registered in-service member did for the community: date, hours, what, where. */
export const serviceRecords = pgTable(
  'service_records',
  {
    id: serial('id').primaryKey(),
    registrationId: integer('registration_id')
      .notNull()
      .references(() => inServiceRegistrations.id),
    servedOn: date('served_on', { mode: 'string' }).notNull(),
    hours: numeric('hours', { precision: 5, scale: 1, mode: 'number' }).notNull(),
    description: text('description').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('service_records_registration_idx').on(t.registrationId, t.servedOn),
    check('service_records_hours_check', sql`${t.hours} > 0 and ${t.hours} <= 24`),
  ],
);

/**
 * 共驻共建单位 co-building units: agencies, institutions and firms in the community that signed a co-building
 * agreement and offer their strengths (所能所长).
 */
export const coBuildingUnits = pgTable(
  'co_building_units',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** government_agency, public_institution, state_enterprise, private_enterprise, social_organisation, school, hospital, other */
    kind: text('kind').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    address: text('address'),
    agreementSignedOn: date('agreement_signed_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('co_building_units_grid_idx').on(t.gridId),
    uniqueIndex('co_building_units_name_unique').on(t.gridId, t.name),
  ],
);

/** Contacts of a co-building unit: person records (their phones masked by the person rules). */
export const coBuildingContacts = pgTable(
  'co_building_contacts',
  {
    unitId: integer('unit_id')
      .notNull()
      .references(() => coBuildingUnits.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    role: text('role'),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.personId] })],
);

/** 所能所长 strengths of a co-building unit: venues, volunteers, expertise, funds, other; with a quantity. */
export const coBuildingStrengths = pgTable(
  'co_building_strengths',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => coBuildingUnits.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    description: text('description').notNull(),
    /** How much: square metres of a venue, volunteers, ten-thousand yuan … as `measure` says. */
    quantity: numeric('quantity', { precision: 12, scale: 2, mode: 'number' }),
    measure: text('measure'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('co_building_strengths_unit_idx').on(t.unitId),
    check(
      'co_building_strengths_type_check',
      sql`${t.type} in ('venues', 'volunteers', 'expertise', 'funds', 'other')`,
    ),
  ],
);

/** 红色党建联盟 party-building alliances (001): a lead party organisation and member units. */
export const partyAlliances = pgTable(
  'party_alliances',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    leadOrganisationId: integer('lead_organisation_id').references(() => partyOrganisations.id),
    foundedOn: date('founded_on', { mode: 'string' }),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('party_alliances_grid_idx').on(t.gridId)],
);

/** A member of an alliance: a co-building unit or a party organisation, from `joinedOn` until `leftOn`. */
export const partyAllianceMembers = pgTable(
  'party_alliance_members',
  {
    id: serial('id').primaryKey(),
    allianceId: integer('alliance_id')
      .notNull()
      .references(() => partyAlliances.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id').references(() => coBuildingUnits.id),
    organisationId: integer('organisation_id').references(() => partyOrganisations.id),
    joinedOn: date('joined_on', { mode: 'string' }).notNull(),
    leftOn: date('left_on', { mode: 'string' }),
  },
  (t) => [
    index('party_alliance_members_alliance_idx').on(t.allianceId),
    check('party_alliance_members_one_check', sql`(${t.unitId} is null) <> (${t.organisationId} is null)`),
  ],
);
