import { useEffect, useState } from 'react';
import { api, tokenStore } from '../api/client';
import { updateStoredStartGrid, type StartGrid } from './session';

/**
 * What the server says about roles and permissions, asked once per session: the role names (GET /api/roles, from
 * src/accounts/roles.ts, so the console keeps no copy) and the permissions of the signed-in user (GET /api/auth/me),
 * for showing the buttons the server would allow. The server still decides every request.
 */
export interface RoleName {
  key: string;
  zh: string;
  en: string;
}

interface Me {
  id: number;
  roles: string[];
  permissions: string[];
  startGrid?: StartGrid | null;
}

let rolesPromise: Promise<RoleName[]> | null = null;
let me: { token: string | null; promise: Promise<Me> } | null = null;

function loadRoles(): Promise<RoleName[]> {
  rolesPromise ??= api<RoleName[]>('/api/roles').catch((error: unknown) => {
    rolesPromise = null;
    throw error;
  });
  return rolesPromise;
}

function loadMe(): Promise<Me> {
  const token = tokenStore.get();
  if (!me || me.token !== token) {
    const promise = api<Me>('/api/auth/me').then(
      (answer) => {
        if (answer.startGrid !== undefined) updateStoredStartGrid(answer.id, answer.startGrid);
        return answer;
      },
      (error: unknown) => {
        me = null;
        throw error;
      },
    );
    me = { token, promise };
  }
  return me.promise;
}

/** The roles of the platform in the server's order; empty until they arrive. */
export function useRoles(): RoleName[] {
  const [roles, setRoles] = useState<RoleName[]>([]);
  useEffect(() => {
    let live = true;
    loadRoles()
      .then((answer) => live && setRoles(answer))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return roles;
}

/** The permissions of the signed-in user; null while unknown (show nothing that needs one). */
export function usePermissions(): ReadonlySet<string> | null {
  const [permissions, setPermissions] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    let live = true;
    loadMe()
      .then((answer) => live && setPermissions(new Set(answer.permissions)))
      .catch(() => live && setPermissions(new Set()));
    return () => {
      live = false;
    };
  }, []);
  return permissions;
}
