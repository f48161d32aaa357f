import { useEffect, useState } from 'react';
import { session, type Session } from '../api';

/** The citizen's session (null when logged out); follows logins, refreshes, logouts and expiry. */
export function useSession(): Session | null {
  const [current, setCurrent] = useState(session.session);
  useEffect(() => {
    setCurrent(session.session);
    return session.subscribe(setCurrent);
  }, []);
  return current;
}
