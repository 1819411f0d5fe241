import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Per-installation settings that override the documented policy defaults (see policy.ts). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
