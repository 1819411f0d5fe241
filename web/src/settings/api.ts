import { api } from '../api/client';

/**
 * The account and audit endpoints of the server (src/accounts/routes.ts, src/core/audit-routes.ts), typed for the
 * console. The shapes are copied, not imported: server code stays out of the web bundle.
 */

/**
 * A role key of the server (src/accounts/roles.ts); the list and the names come from GET /api/roles
 * (web/src/accounts/server.ts useRoles), so the console keeps no copy of them.
 */
export type Role = string;

/** A user as an administrator sees it (GET /api/users). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  /** Codes of the bound grids. */
  grids: string[];
  disabled: boolean;
  failedAttempts: number;
  /** Set while the account is locked after failed sign-ins. */
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UserPage {
  items: User[];
  total: number;
}

export interface NewUser {
  username: string;
  password: string;
  displayName?: string;
  roles: Role[];
  grids: string[];
}

export interface UserChanges {
  displayName?: string;
  roles?: Role[];
  grids?: string[];
  disabled?: boolean;
  password?: string;
}

/** One row of the audit log (GET /api/audit). */
export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: number | null;
  /** Username at the time, or "system", "cli", "demo", "anonymous". */
  actor: string;
  action: string;
  entity: string;
  entityKey: string | null;
  gridId: number | null;
  gridCode: string | null;
  detail: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEntry[];
  total: number;
}

export interface AuditFilter {
  action?: string;
  entity?: string;
  entityKey?: string;
  actor?: string;
  /** ISO instant, inclusive. */
  from?: string;
  /** ISO instant, exclusive. */
  to?: string;
}

export const userApi = {
  list(page: number, pageSize: number, signal?: AbortSignal) {
    return api<UserPage>('/api/users', { query: { page, pageSize }, signal });
  },
  create(body: NewUser) {
    return api<User>('/api/users', { method: 'POST', body });
  },
  update(id: number, body: UserChanges) {
    return api<User>(`/api/users/${id}`, { method: 'PATCH', body });
  },
  unlock(id: number) {
    return api<User>(`/api/users/${id}/unlock`, { method: 'POST' });
  },
};

export const auditApi = {
  list(filter: AuditFilter, page: number, pageSize: number, signal?: AbortSignal) {
    return api<AuditPage>('/api/audit', { query: { ...filter, page, pageSize }, signal });
  },
};
