import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
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
import { users } from '../accounts/tables.js';
import { eventCategories } from '../catalogue/tables.js';
import { grids } from '../grids/tables.js';
import { organisations } from '../people/tables.js';

/**
 * The public number of an event (E20261125-000123) takes its running part from this sequence: numbers are unique
 * without a counter row that every concurrent report would have to lock.
 */
export const eventNumberSequence = pgSequence('event_number_seq');

/** One located grid of an event's chain, top level first (district … micro-grid). */
export interface EventGridLink {
  id: number;
  code: string;
  level: string;
  name: string;
}

/** The routing suggestion made at intake (E2), shown with its reasons; the dispatcher may override it. */
export interface RoutingSuggestion {
  departmentId?: number;
  handlingGridCode?: string;
  reasons: { zh: string; en: string }[];
}

/** A request waiting for a leader's approval (挂账 / 延期 / 作废 / 强制结案). */
export interface PendingRequest {
  kind: 'suspension' | 'extension' | 'cancellation' | 'force_close';
  byUserId: number;
  byName: string;
  at: string;
  reason: string;
  days?: number;
}

/**
 * 事件 events (E1, E3): a matter from report to rating. The state machine lives in machine.ts; every change of
 * state writes a row of event_timeline in the same transaction, guarded by `version` (optimistic concurrency).
 */
export const events = pgTable(
  'events',
  {
    id: serial('id').primaryKey(),
    /** Public number, E + China date of the report + '-' + running number. */
    number: text('number').notNull(),
    /** patrol | resident | hotline | whistle | iot | meeting | proactive */
    source: text('source').notNull(),
    categoryCode: text('category_code')
      .notNull()
      .references(() => eventCategories.code),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    address: text('address'),
    /** The deepest grid containing the point (normally the micro-grid) and its materialised path, for scope. */
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
    gridPath: text('grid_path').notNull(),
    /** The whole chain as located at intake, top level first. */
    gridChain: jsonb('grid_chain').$type<EventGridLink[]>().notNull(),
    reporterUserId: integer('reporter_user_id').references(() => users.id),
    reporterName: text('reporter_name'),
    /** Reporter's phone, encrypted (src/people/protection.ts) with a keyed hash for look-up. */
    reporterPhoneCipher: text('reporter_phone_cipher'),
    reporterPhoneHash: text('reporter_phone_hash'),
    /** normal | urgent | critical */
    urgency: text('urgency').notNull().default('normal'),
    state: text('state').notNull().default('reported'),
    version: integer('version').notNull().default(1),
    /** general | difficult | complex (000 三级闭环: 24 h / 48 h 会商 / 7 days and a special meeting) */
    difficulty: text('difficulty').notNull().default('general'),
    /** 城运中心 user who claimed the new report from the shared pool and owns its acceptance. */
    claimedBy: integer('claimed_by').references(() => users.id),
    /** 核实 the grid worker sent to check the report on site before acceptance. */
    fieldCheckUserId: integer('field_check_user_id').references(() => users.id),
    assignedDepartmentId: integer('assigned_department_id').references(() => organisations.id),
    handlingGridId: integer('handling_grid_id').references(() => grids.id),
    handlingGridPath: text('handling_grid_path'),
    selfHandled: boolean('self_handled').notNull().default(false),
    suspendedFrom: text('suspended_from'),
    pendingRequest: jsonb('pending_request').$type<PendingRequest>(),
    hotlineTicket: text('hotline_ticket'),
    possibleDuplicateOf: integer('possible_duplicate_of').references((): AnyPgColumn => events.id),
    duplicateFlag: boolean('duplicate_flag').notNull().default(false),
    suggestion: jsonb('suggestion').$type<RoutingSuggestion>(),
    /** 督办 supervised as long-pending (E5): re-dispatched with a double notice; the mark stays on record. */
    supervised: boolean('supervised').notNull().default(false),
    supervisedAt: timestamp('supervised_at', { withTimezone: true }),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('events_number_unique').on(t.number),
    uniqueIndex('events_hotline_ticket_unique').on(t.hotlineTicket),
    index('events_grid_path_idx').on(t.gridPath.op('text_pattern_ops')),
    index('events_state_idx').on(t.state),
    index('events_created_idx').on(t.createdAt),
    // the duplicate check: same category, a narrow band of latitude, then longitude and time
    index('events_duplicate_idx').on(t.categoryCode, t.lat),
    index('events_department_idx').on(t.assignedDepartmentId),
    index('events_reporter_idx').on(t.reporterUserId),
    check(
      'events_source_check',
      sql`${t.source} in ('patrol', 'resident', 'hotline', 'whistle', 'iot', 'meeting', 'proactive')`,
    ),
    check('events_difficulty_check', sql`${t.difficulty} in ('general', 'difficult', 'complex')`),
    check('events_rating_check', sql`${t.rating} is null or ${t.rating} between 1 and 5`),
  ],
);

/**
 * The append-only trail of an event (E3): who did what, when, from which state to which. A trigger in the
 * migrations refuses UPDATE, DELETE and TRUNCATE.
 */
export const eventTimeline = pgTable(
  'event_timeline',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    actorUserId: integer('actor_user_id'),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('event_timeline_event_idx').on(t.eventId, t.id)],
);

/**
 * Photos and documents. The bytes are stored once per content under DATA_DIR/attachments/ab/cdef… (sha256);
 * a row says which event (if any yet) and who uploaded it. Uploaded before the report, a row waits with no event
 * and is linked when the report names its hash.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: serial('id').primaryKey(),
    hash: text('hash').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    eventId: integer('event_id').references(() => events.id),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('attachments_hash_idx').on(t.hash), index('attachments_event_idx').on(t.eventId)],
);

/** Idempotency-Key of POST /api/events: a retry with the same key answers the first answer and creates nothing. */
export const eventIdempotencyKeys = pgTable(
  'event_idempotency_keys',
  {
    /** "u<user id>" for a signed-in client. */
    client: text('client').notNull(),
    key: text('key').notNull(),
    /** sha256 of the request body: the same key with another body is refused. */
    requestHash: text('request_hash').notNull(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    response: jsonb('response').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('event_idempotency_keys_unique').on(t.client, t.key)],
);

/**
 * 时限 the clock of one stage of an event (E4): started when the event enters the stage, met when it leaves it in
 * time, overdue (超时) once the due job fires. The overdue fact stays even after the event closes.
 */
export const eventDeadlines = pgTable(
  'event_deadlines',
  {
    id: serial('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    /** accept | respond | consult | plan | handle | verify (the catalogue's stages) */
    stage: text('stage').notNull(),
    clockType: text('clock_type').notNull(),
    seconds: integer('seconds').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    warnAt: timestamp('warn_at', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** running | met | overdue | paused | superseded (replaced by a new clock when the difficulty was classified) */
    state: text('state').notNull().default('running'),
    overdue: boolean('overdue').notNull().default(false),
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
    /** Highest level of the escalation ladder reached (升级), -1 before any. */
    escalationLevel: integer('escalation_level').notNull().default(-1),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** 挂账 the open suspension's start, and the seconds suspended so far (reported on the detail). */
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    pausedSeconds: integer('paused_seconds').notNull().default(0),
  },
  (t) => [
    index('event_deadlines_event_idx').on(t.eventId),
    check(
      'event_deadlines_state_check',
      sql`${t.state} in ('running', 'met', 'overdue', 'paused', 'superseded')`,
    ),
  ],
);
