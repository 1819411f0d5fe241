import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Executor } from './db.js';

/**
 * Append-only audit log of every write (and, later, of every unmasked read of personal data).
 * A trigger in the migrations refuses UPDATE and DELETE on this table.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorUserId: integer('actor_user_id'),
    /** Username at the time, or "system" / "cli". */
    actor: text('actor').notNull(),
    /** Dotted verb, e.g. "grid.create", "user.login_failed". */
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityKey: text('entity_key'),
    /** The grid the action concerns, for scoped reading of the log. */
    gridId: integer('grid_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_entity_idx').on(t.entity, t.entityKey)],
);

export interface Actor {
  userId: number | null;
  name: string;
}

export const systemActor: Actor = { userId: null, name: 'system' };

export interface AuditEntry {
  action: string;
  entity: string;
  entityKey?: string | null;
  gridId?: number | null;
  detail?: Record<string, unknown>;
}

/** Write audit rows in the caller's transaction, so a failed command leaves no trace and a done one always does. */
export async function recordAudit(executor: Executor, actor: Actor, at: Date, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (let i = 0; i < entries.length; i += 2000) {
    await executor.insert(auditLog).values(
      entries.slice(i, i + 2000).map((entry) => ({
        at,
        actorUserId: actor.userId,
        actor: actor.name,
        action: entry.action,
        entity: entry.entity,
        entityKey: entry.entityKey ?? null,
        gridId: entry.gridId ?? null,
        detail: entry.detail ?? {},
      })),
    );
  }
}
