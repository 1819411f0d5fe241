import { boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { grids } from '../grids/tables.js';
import { events } from '../events/tables.js';

/** 案例库 (E7): a closed event kept as a case — the problem and how it was solved; admins curate it. */
export const cases = pgTable(
  'cases',
  {
    id: serial('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    categoryCode: text('category_code').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    /** 解决方案 from the handling and closing notes of the timeline; curators may rewrite it. */
    solution: text('solution').notNull(),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    gridPath: text('grid_path').notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
    /** 典型案例 a typical case, marked by a curator. */
    typical: boolean('typical').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('cases_event_unique').on(t.eventId),
    index('cases_grid_path_idx').on(t.gridPath.op('text_pattern_ops')),
  ],
);
