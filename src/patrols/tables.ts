import { index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { grids } from '../grids/tables.js';

/** 发现 a finding of a patrol; `eventId` links the event it became (at most one). */
export interface PatrolFinding {
  text: string;
  categoryCode?: string;
  point?: { lng: number; lat: number };
  photos: string[];
  eventId?: number;
}

/** 民情日志 a grid worker's patrol or visit log entry (E8 seed 民情日志). */
export const patrols = pgTable(
  'patrols',
  {
    id: serial('id').primaryKey(),
    workerUserId: integer('worker_user_id')
      .notNull()
      .references(() => users.id),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    /** The grid's materialised path, for scope. */
    gridPath: text('grid_path').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    route: jsonb('route').$type<{ lng: number; lat: number }[]>().notNull().default([]),
    places: jsonb('places').$type<string[]>().notNull().default([]),
    /** 走访 the people visited, as person ids; names are shown masked per src/people/masking.ts. */
    visitedPersonIds: jsonb('visited_person_ids').$type<number[]>().notNull().default([]),
    findings: jsonb('findings').$type<PatrolFinding[]>().notNull().default([]),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('patrols_grid_path_idx').on(t.gridPath.op('text_pattern_ops')),
    index('patrols_worker_idx').on(t.workerUserId, t.startedAt),
  ],
);
