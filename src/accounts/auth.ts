import type { FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import type { App } from '../core/http.js';
import { may, type Permission, type Role } from './roles.js';
import type { Scope } from './scope.js';

/** The signed-in user as every route sees it. */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  /** Codes of the grids the user is bound to. */
  gridCodes: string[];
  scope: Scope;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

export type TokenResolver = (token: string) => Promise<AuthUser | null>;

/** Reads the bearer token of every request; routes then ask for a user with requireUser/requirePermission. */
export function installAuth(app: App, resolve: TokenResolver): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // A stale or malformed token leaves the request anonymous: public routes (login, locate) still answer,
    // and every protected route refuses it with 401 through requireUser.
    request.user = match ? await resolve(match[1]!) : null;
  });
}

export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw errors.unauthenticated();
  return request.user;
}

export function requirePermission(request: FastifyRequest, permission: Permission): AuthUser {
  const user = requireUser(request);
  if (!may(user.roles, permission)) throw errors.forbidden();
  return user;
}

/** The actor recorded in the audit log for this request. */
export function actorOf(user: AuthUser | null): { userId: number | null; name: string } {
  return user ? { userId: user.id, name: user.username } : { userId: null, name: 'anonymous' };
}
