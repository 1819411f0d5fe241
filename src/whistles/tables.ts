import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../accounts/tables.js';
import { events } from '../events/tables.js';
import { grids } from '../grids/tables.js';
import { organisations } from '../people/tables.js';

/**
 * 吹哨 whistles (E6): a grid leader, area leader or the command centre summons departments and grids across
 * areas, departments and levels (三跨) to an event, with a response deadline. 问题发现—吹哨响应—联合处置—跟踪评估.
 */
export const whistles = pgTable(
  'whistles',
  {
    id: serial('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    /** The event's grid and its materialised path: the whistling grid, for scope. */
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    gridPath: text('grid_path').notNull(),
    whistlerUserId: integer('whistler_user_id')
      .notNull()
      .references(() => users.id),
    whistlerName: text('whistler_name').notNull(),
    reason: text('reason').notNull(),
    urgent: boolean('urgent').notNull().default(false),
    respondBy: timestamp('respond_by', { withTimezone: true }).notNull(),
    /** open | closed */
    state: text('state').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('whistles_event_idx').on(t.eventId),
    index('whistles_grid_path_idx').on(t.gridPath.op('text_pattern_ops')),
    check('whistles_state_check', sql`${t.state} in ('open', 'closed')`),
  ],
);

/** A party summoned by a whistle: a department or a grid (whose leaders answer), and its answer 一键响应. */
export const whistleParties = pgTable(
  'whistle_parties',
  {
    id: serial('id').primaryKey(),
    whistleId: integer('whistle_id')
      .notNull()
      .references(() => whistles.id),
    /** department | grid */
    kind: text('kind').notNull(),
    departmentId: integer('department_id').references(() => organisations.id),
    gridId: integer('grid_id').references(() => grids.id),
    /** summoned | accepted | overdue (no answer by the deadline; a later answer makes it accepted and late) */
    status: text('status').notNull().default('summoned'),
    late: boolean('late').notNull().default(false),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    responderUserId: integer('responder_user_id').references(() => users.id),
    handlerUserId: integer('handler_user_id').references(() => users.id),
    handlerName: text('handler_name'),
  },
  (t) => [
    index('whistle_parties_whistle_idx').on(t.whistleId),
    uniqueIndex('whistle_parties_department_unique').on(t.whistleId, t.departmentId),
    uniqueIndex('whistle_parties_grid_unique').on(t.whistleId, t.gridId),
    check('whistle_parties_kind_check', sql`${t.kind} in ('department', 'grid')`),
    check('whistle_parties_status_check', sql`${t.status} in ('summoned', 'accepted', 'overdue')`),
    check(
      'whistle_parties_target_check',
      sql`(${t.kind} = 'department' and ${t.departmentId} is not null and ${t.gridId} is null)
        or (${t.kind} = 'grid' and ${t.gridId} is not null and ${t.departmentId} is null)`,
    ),
  ],
);

/** 联合处置 progress notes of the joint handling, by the whistler or a summoned party. */
export const whistleNotes = pgTable(
  'whistle_notes',
  {
    id: serial('id').primaryKey(),
    whistleId: integer('whistle_id')
      .notNull()
      .references(() => whistles.id),
    partyId: integer('party_id').references(() => whistleParties.id),
    authorUserId: integer('author_user_id').references(() => users.id),
    authorName: text('author_name').notNull(),
    note: text('note').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('whistle_notes_whistle_idx').on(t.whistleId)],
);

/**
 * That party P of whistle W has been rated — and nothing else: no score, no time, no rater. It only prevents a
 * second rating.
 */
export const whistleRatingTokens = pgTable(
  'whistle_rating_tokens',
  {
    whistleId: integer('whistle_id')
      .notNull()
      .references(() => whistles.id),
    partyId: integer('party_id')
      .notNull()
      .references(() => whistleParties.id),
  },
  (t) => [primaryKey({ columns: [t.whistleId, t.partyId] })],
);

/**
 * 一键评价 anonymous ratings. Deliberately without rater, whistle, party row or precise time: only who was rated
 * (a department or a grid), the score, an optional comment and the China calendar date. The id is random so that
 * it tells nothing of the order of insertion. Read only as aggregates of at least k ratings (WhistlePolicy).
 */
export const whistleRatings = pgTable(
  'whistle_ratings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: integer('department_id').references(() => organisations.id),
    gridId: integer('grid_id').references(() => grids.id),
    score: smallint('score').notNull(),
    comment: text('comment'),
    ratedOn: date('rated_on', { mode: 'string' }).notNull(),
  },
  (t) => [
    index('whistle_ratings_department_idx').on(t.departmentId, t.ratedOn),
    index('whistle_ratings_grid_idx').on(t.gridId, t.ratedOn),
    check('whistle_ratings_score_check', sql`${t.score} between 1 and 5`),
    check('whistle_ratings_target_check', sql`(${t.departmentId} is null) <> (${t.gridId} is null)`),
  ],
);

/**
 * The ballot box: a rating waits here until the daily count (whistle.ratings.count job) moves every waiting ballot
 * into whistle_ratings in one transaction and in random order. A rating written in the request's own transaction
 * would share that transaction's id (xmin) with the rating token, which names the whistle and the party; moved
 * in a batch, it shares it only with the other ballots of the day.
 */
export const whistleRatingBallots = pgTable(
  'whistle_rating_ballots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: integer('department_id').references(() => organisations.id),
    gridId: integer('grid_id').references(() => grids.id),
    score: smallint('score').notNull(),
    comment: text('comment'),
    ratedOn: date('rated_on', { mode: 'string' }).notNull(),
  },
  (t) => [
    check('whistle_rating_ballots_score_check', sql`${t.score} between 1 and 5`),
    check('whistle_rating_ballots_target_check', sql`(${t.departmentId} is null) <> (${t.gridId} is null)`),
  ],
);
