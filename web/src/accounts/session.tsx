import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedListener, tokenStore } from '../api/client';

/** A grid a user is bound to; the login answer may give codes or small objects. */
export type BoundGrid = string | { code: string; name?: string };

/** The grid the first screen (the dashboard's map and portrait) starts from, as the server chose it. */
export interface StartGrid {
  code: string;
  name: string;
  level: string;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  roles: string[];
  grids: BoundGrid[];
  /** Absent in a session stored before the server gave it; null for a user without grids. */
  startGrid?: StartGrid | null;
}

export interface LoginAnswer {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

interface StoredSession {
  expiresAt: string;
  user: SessionUser;
}

export type SignOutReason = 'user' | 'expired';

interface SessionContextValue {
  user: SessionUser | null;
  /** Why the last session ended, to tell the person on the login page. */
  signOutReason: SignOutReason | null;
  signIn(username: string, password: string): Promise<SessionUser>;
  signOut(reason?: SignOutReason): void;
}

const USER_KEY = 'gezhi.session';
const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * The stored session's user as it was when the page opened (null without a live session), for code that runs
 * before React: the start-up requests of the first screen.
 */
export function readStoredSession(): SessionUser | null {
  if (!tokenStore.get()) return null;
  try {
    const stored = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as StoredSession | null;
    if (!stored || Date.parse(stored.expiresAt) <= Date.now()) {
      tokenStore.set(null);
      return null;
    }
    return stored.user;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(readStoredSession);
  const [signOutReason, setSignOutReason] = useState<SignOutReason | null>(null);

  const signOut = useCallback((reason: SignOutReason = 'user') => {
    if (reason === 'user' && tokenStore.get()) {
      // the server revokes the token at once; the page does not wait for it
      api<void>('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    }
    tokenStore.set(null);
    try {
      localStorage.removeItem(USER_KEY);
    } catch {
      // nothing stored
    }
    setSignOutReason(reason);
    setUser(null);
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await api<LoginAnswer>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    tokenStore.set(answer.token);
    try {
      localStorage.setItem(
        USER_KEY,
        JSON.stringify({ expiresAt: answer.expiresAt, user: answer.user } satisfies StoredSession),
      );
    } catch {
      // the session then lasts until reload
    }
    setSignOutReason(null);
    setUser(answer.user);
    return answer.user;
  }, []);

  useEffect(() => {
    setUnauthorizedListener(() => signOut('expired'));
    return () => setUnauthorizedListener(null);
  }, [signOut]);

  const value = useMemo(
    () => ({ user, signOutReason, signIn, signOut }),
    [user, signOutReason, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * Keeps the stored session's first-screen grid in step with the server's (GET /api/auth/me): when the user's grids
 * change, the next start asks for the right map at once.
 */
export function updateStoredStartGrid(userId: number, startGrid: StartGrid | null): void {
  try {
    const stored = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as StoredSession | null;
    if (!stored || stored.user.id !== userId) return;
    if (JSON.stringify(stored.user.startGrid ?? null) === JSON.stringify(startGrid)) return;
    localStorage.setItem(USER_KEY, JSON.stringify({ ...stored, user: { ...stored.user, startGrid } }));
  } catch {
    // nothing stored
  }
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
