import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { events } from '../events/tables.js';

/**
 * 12345 工单 every hotline ticket received, by webhook or by file, keyed by the hotline's own number. A ticket with a
 * location is filed as an event at once (`event_id`); one without coordinates waits here (`pending`, without an
 * event) until the command centre locates it (待定位). `due_at` is the hotline's own 办理时限, used for the overdue flag
 * of the status export.
 */
export const hotlineTickets = pgTable(
  'hotline_tickets',
  {
    ticket: text('ticket').primaryKey(),
    eventId: integer('event_id').references(() => events.id),
    /** webhook | file */
    channel: text('channel').notNull(),
    calledAt: timestamp('called_at', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The report waiting for a location (no phone in it: that is `phone_cipher`); null once filed. */
    pending: jsonb('pending').$type<Record<string, unknown>>(),
    /** 联系电话 of a pending ticket, encrypted (src/people/protection.ts). */
    phoneCipher: text('phone_cipher'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    locatedAt: timestamp('located_at', { withTimezone: true }),
  },
  (t) => [index('hotline_tickets_event_idx').on(t.eventId)],
);
