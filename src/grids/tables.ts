import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { GridGeometry } from './geometry.js';

/**
 * Every write to a grid or its boundary takes a new number from this sequence. The in-memory spatial index of
 * each server process catches up by reading the rows whose revision is above the last one it has seen.
 */
export const gridRevision = pgSequence('grid_revision');

/** Named levels of the grid tree (区 → 街镇 → 片区 → 村居(单元)网格 → 小微网格 by default). Data, not code. */
export const gridLevels = pgTable('grid_levels', {
  key: text('key').primaryKey(),
  /** Smaller is higher; a child's level must rank below its parent's. */
  rank: integer('rank').notNull().unique(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
});

export const grids = pgTable(
  'grids',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level')
      .notNull()
      .references(() => gridLevels.key),
    parentId: integer('parent_id').references((): AnyPgColumn => grids.id),
    depth: integer('depth').notNull(),
    /** Materialised path of ids, "/1/7/42/", for subtree queries with a prefix match. */
    path: text('path').notNull(),
    gridType: text('grid_type').notNull().default('residential'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    revision: bigint('revision', { mode: 'number' })
      .notNull()
      .default(sql`nextval('grid_revision')`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the grid is retired; retired grids keep their history and their code. */
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('grids_code_unique').on(t.code),
    index('grids_parent_idx').on(t.parentId),
    index('grids_path_idx').on(t.path.op('text_pattern_ops')),
    index('grids_revision_idx').on(t.revision),
  ],
);

/**
 * Boundary history: one row per version of a grid's polygon. The current boundary has valid_to = null;
 * a boundary change closes the old row and opens a new one.
 */
export const gridBoundaries = pgTable(
  'grid_boundaries',
  {
    id: serial('id').primaryKey(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    geometry: jsonb('geometry').$type<GridGeometry>().notNull(),
    minLng: doublePrecision('min_lng').notNull(),
    minLat: doublePrecision('min_lat').notNull(),
    maxLng: doublePrecision('max_lng').notNull(),
    maxLat: doublePrecision('max_lat').notNull(),
    areaSquareMetres: doublePrecision('area_m2').notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('grid_boundaries_current_unique')
      .on(t.gridId)
      .where(sql`${t.validTo} is null`),
    index('grid_boundaries_grid_idx').on(t.gridId, t.validFrom),
  ],
);

/** 楼栋 buildings inside a grid. */
export const buildings = pgTable(
  'buildings',
  {
    id: serial('id').primaryKey(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    floors: integer('floors'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('buildings_code_unique').on(t.code), index('buildings_grid_idx').on(t.gridId)],
);

/** 单元 units (stairwells/entrances) of a building — not to be confused with a unit grid. */
export const buildingUnits = pgTable(
  'building_units',
  {
    id: serial('id').primaryKey(),
    buildingId: integer('building_id')
      .notNull()
      .references(() => buildings.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    floors: integer('floors'),
    households: integer('households'),
  },
  (t) => [uniqueIndex('building_units_name_unique').on(t.buildingId, t.name)],
);
