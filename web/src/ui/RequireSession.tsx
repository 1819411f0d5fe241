import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from '../accounts/session';

/** Pages behind the login: without a session, go to the login page and come back afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user)
    return <Navigate to="/console/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}
