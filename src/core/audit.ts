import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
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
export async function recordAudit(
  executor: Executor,
  actor: Actor,
  at: Date,
  entries: AuditEntry[],
): Promise<void> {
  // One jsonb parameter per batch: far cheaper to send and plan than thousands of bound parameters.
  for (let i = 0; i < entries.length; i += 10_000) {
    const batch = entries.slice(i, i + 10_000).map((entry) => ({
      action: entry.action,
      entity: entry.entity,
      entity_key: entry.entityKey ?? null,
      grid_id: entry.gridId ?? null,
      detail: entry.detail ?? {},
    }));
    await executor.execute(sql`
      insert into audit_log (at, actor_user_id, actor, action, entity, entity_key, grid_id, detail)
      select ${at}, ${actor.userId}, ${actor.name}, r.action, r.entity, r.entity_key, r.grid_id, r.detail
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as r(action text, entity text, entity_key text, grid_id int, detail jsonb)`);
  }
}
