import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { gridLevels, grids } from '../grids/tables.js';
import { organisations, persons } from '../people/tables.js';

/**
 * 职能部门 departments are organisations of kind 'department'. A user with the department role works for one
 * department: work dispatched to the department reaches whoever of its users is on duty, not a fixed person.
 */
export const departmentUsers = pgTable(
  'department_users',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [index('department_users_organisation_idx').on(t.organisationId)],
);

/**
 * What a department adds to its organisation row: the English name (routing reasons and the English console
 * name the department) and the order dispatchers see the departments in.
 */
export const departmentDetails = pgTable('department_details', {
  organisationId: integer('organisation_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  nameEn: text('name_en'),
  rank: integer('rank').notNull().default(100),
});

/**
 * 责任清单 responsibility lists (F4, 004 "网格+" 事项) as rows a query can use, not as text.
 *
 * A row says: for events of this category (a major 2-digit class covers all its minors; null = any category)
 * in this grid and its descendants (null = everywhere), this party answers in this role, handled at this grid
 * level, on this basis (依据), between these dates. The party is a department (部门责任清单, `kind` department)
 * or the grid itself (网格责任清单, `kind` grid: the grid at `handling_level` handles it itself, 自处置).
 *
 * The category is a code, not a foreign key: the catalogue owns its codes and their life cycle, the agreed code
 * scheme (minor = major + 2 digits) is what routing relies on, and the service checks the code on every write.
 * Rows are ended, never deleted (`valid_to`, exclusive), so "who answered for what on a date" stays answerable.
 */
export const dutyMatters = pgTable(
  'duty_matters',
  {
    id: serial('id').primaryKey(),
    /** 'department' 部门责任清单 or 'grid' 网格责任清单 (self-handling). */
    kind: text('kind').notNull(),
    /** Scope: this grid and its descendants; null = every grid. */
    gridId: integer('grid_id').references(() => grids.id),
    /** Event category code, 2 digits (major, covers its minors) or 4 digits (minor); null = any category. */
    categoryCode: text('category_code'),
    /** The department (an organisation of kind department); null for the grid's own list. */
    organisationId: integer('organisation_id').references(() => organisations.id),
    /** 'lead' 牵头 or 'cooperate' 配合. */
    role: text('role').notNull().default('lead'),
    /** Which grid level handles it (e.g. community, street); null = not fixed. */
    handlingLevel: text('handling_level').references(() => gridLevels.key),
    name: text('name').notNull(),
    /** 依据: the law, regulation or document the duty rests on. */
    basis: text('basis'),
    note: text('note'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('duty_matters_category_idx').on(t.categoryCode),
    index('duty_matters_grid_idx').on(t.gridId),
    index('duty_matters_organisation_idx').on(t.organisationId),
    check('duty_matters_kind_check', sql`${t.kind} in ('department', 'grid')`),
    check('duty_matters_role_check', sql`${t.role} in ('lead', 'cooperate')`),
    check('duty_matters_category_check', sql`${t.categoryCode} ~ '^[0-9]{2}([0-9]{2})?$'`),
    check(
      'duty_matters_party_check',
      sql`(${t.kind} = 'department' and ${t.organisationId} is not null) or
          (${t.kind} = 'grid' and ${t.organisationId} is null and ${t.role} = 'lead' and ${t.handlingLevel} is not null)`,
    ),
    check('duty_matters_dates_check', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

/**
 * 重点区域责任名单 key-area rosters (004): named places that need closer watch — a flood-prone underpass, a
 * construction site, a market — with where they are (a point or a polygon, in the grid they lie in) and who
 * answers for them (a department and a person).
 */
export const keyAreas = pgTable(
  'key_areas',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    /** GeoJSON Point, Polygon or MultiPolygon; null when only the grid is known. */
    geometry: jsonb('geometry').$type<KeyAreaGeometry>(),
    organisationId: integer('organisation_id').references(() => organisations.id),
    personId: integer('person_id').references(() => persons.id),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('key_areas_grid_idx').on(t.gridId), index('key_areas_organisation_idx').on(t.organisationId)],
);

export type KeyAreaGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };
