import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedListener, tokenStore } from '../api/client';

/** A grid a user is bound to; the login answer may give codes or small objects. */
export type BoundGrid = string | { code: string; name?: string };

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  roles: string[];
  grids: BoundGrid[];
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

function readStoredSession(): SessionUser | null {
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

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
