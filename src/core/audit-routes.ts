import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import type { Scope } from '../accounts/scope.js';
import { grids } from '../grids/tables.js';
import { auditLog } from './audit.js';
import type { Db } from './db.js';
import { problemResponses, type App } from './http.js';

const DateTime = Type.String({ format: 'date-time' });

export const AuditQuery = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. user.login_failed' })),
  entity: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. user, grid' })),
  entityKey: Type.Optional(Type.String({ maxLength: 256 })),
  actor: Type.Optional(Type.String({ maxLength: 256, description: '操作人 Username of the actor' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'at ≥ from' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'at < to' })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorUserId: Type.Union([Type.Integer(), Type.Null()]),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityKey: Type.Union([Type.String(), Type.Null()]),
  gridId: Type.Union([Type.Integer(), Type.Null()]),
  gridCode: Type.Union([Type.String(), Type.Null()], { description: '所涉网格 Code of the grid concerned' }),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditList = Type.Object({ items: Type.Array(AuditEntry), total: Type.Integer() });

/**
 * Read the audit log, newest first. Outside "everything" only rows filed under a grid in the scope are seen;
 * rows filed under no grid (an administrator's own actions, unknown-username logins) are for administrators.
 */
export async function readAuditLog(
  db: Db,
  scope: Scope,
  query: AuditQuery,
): Promise<{ items: AuditEntry[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.action !== undefined) conditions.push(eq(auditLog.action, query.action));
  if (query.entity !== undefined) conditions.push(eq(auditLog.entity, query.entity));
  if (query.entityKey !== undefined) conditions.push(eq(auditLog.entityKey, query.entityKey));
  if (query.actor !== undefined) conditions.push(eq(auditLog.actor, query.actor));
  if (query.from !== undefined) conditions.push(gte(auditLog.at, new Date(query.from)));
  if (query.to !== undefined) conditions.push(lt(auditLog.at, new Date(query.to)));
  if (!scope.all) conditions.push(scope.pathCondition(grids.path));
  const where = conditions.length > 0 ? and(...conditions) : undefined;

  // an inner join drops the rows without a grid, which is what a scoped reader must not see
  const base = scope.all
    ? db.select({ total: count() }).from(auditLog).leftJoin(grids, eq(grids.id, auditLog.gridId))
    : db.select({ total: count() }).from(auditLog).innerJoin(grids, eq(grids.id, auditLog.gridId));
  const [totalRow] = await base.where(where);

  const columns = {
    id: auditLog.id,
    at: auditLog.at,
    actorUserId: auditLog.actorUserId,
    actor: auditLog.actor,
    action: auditLog.action,
    entity: auditLog.entity,
    entityKey: auditLog.entityKey,
    gridId: auditLog.gridId,
    gridCode: grids.code,
    detail: auditLog.detail,
  };
  const rows = await (
    scope.all
      ? db.select(columns).from(auditLog).leftJoin(grids, eq(grids.id, auditLog.gridId))
      : db.select(columns).from(auditLog).innerJoin(grids, eq(grids.id, auditLog.gridId))
  )
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);

  return {
    items: rows.map((row) => ({ ...row, at: row.at.toISOString(), gridCode: row.gridCode ?? null })),
    total: Number(totalRow?.total ?? 0),
  };
}

/** GET /api/audit; registered by accountRoutes. */
export async function auditRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: '审计日志 Audit log, newest first, limited to the caller’s grids',
        querystring: AuditQuery,
        response: { 200: AuditList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'audit.read');
      return readAuditLog(services.database.db, user.scope, request.query);
    },
  );
}
