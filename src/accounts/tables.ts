import { index, integer, pgTable, primaryKey, serial, text, timestamp, boolean } from 'drizzle-orm/pg-core';
import { grids } from '../grids/tables.js';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Role keys, see roles.ts. */
  roles: text('roles').array().notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The grids a user is bound to; the user's data scope is these grids and all their descendants. */
export const userGrids = pgTable(
  'user_grids',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    gridId: integer('grid_id')
      .notNull()
      .references(() => grids.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.gridId] }), index('user_grids_grid_idx').on(t.gridId)],
);

/** Bearer tokens; only a SHA-256 of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
