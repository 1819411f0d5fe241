import type { Static } from 'typebox';
import type { AuthUser } from './auth.js';
import { may, type Permission } from './roles.js';
import type { MeResponse, SessionUser, User } from './schema.js';
import type { Account } from './service.js';

/** What each caller sees of a user. The password hash never leaves the service. */

/** Every permission once; a Record so that a new Permission fails to compile until it is listed here. */
const PERMISSION_LIST: Record<Permission, true> = {
  'grid.read': true,
  'grid.write': true,
  'grid.import': true,
  'user.manage': true,
  'audit.read': true,
  'settings.manage': true,
  'people.read': true,
  'people.write': true,
  'people.unmask': true,
  'special_group.read': true,
  'position.write': true,
  'duty.read': true,
  'duty.manage': true,
  'category.manage': true,
  'deadline.manage': true,
  'webhook.manage': true,
  'force.write': true,
  'party.write': true,
  'talent.read': true,
  'talent.write': true,
  'points.read': true,
  'points.write': true,
  'points.manage': true,
  'event.report': true,
  'whistle.blow': true,
  'whistle.read': true,
  'whistle.respond': true,
  'whistle.ratings': true,
  'patrol.read': true,
  'patrol.write': true,
  'case.read': true,
  'case.manage': true,
};

export function presentSessionUser(account: Account, startGrid: SessionUser['startGrid']): SessionUser {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: account.roles,
    grids: account.gridCodes,
    startGrid,
  };
}

export function presentMe(user: AuthUser, startGrid: SessionUser['startGrid']): Static<typeof MeResponse> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    grids: user.gridCodes,
    startGrid,
    permissions: (Object.keys(PERMISSION_LIST) as Permission[]).filter((permission) =>
      may(user.roles, permission),
    ),
  };
}

/** The administrator's view; a lock that has run out is shown as none. */
export function presentUser(account: Account, now: Date): User {
  const lockedUntil =
    account.lockedUntil && account.lockedUntil > now ? account.lockedUntil.toISOString() : null;
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: account.roles,
    grids: account.gridCodes,
    disabled: account.disabled,
    failedAttempts: account.failedAttempts,
    lockedUntil,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
