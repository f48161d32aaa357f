import { createContext, useContext } from 'react';
import type { ConsoleSession, Permission } from '@onevisit/shared-types/client';

export interface SessionState {
  session: ConsoleSession;
  /** What the server granted this session (`ConsoleSession.permissions`, i.e. ROLE_PERMISSIONS of the role). */
  can(permission: Permission): boolean;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside <SessionContext>');
  return state;
}
