import type { ConsoleSession, StaffRole } from '@onevisit/shared-types';
import type { Logger } from '../logger';

/** A citizen's session, set by the citizen authenticator. */
export interface CitizenPrincipal {
  userId: string;
  sessionId: string;
}

/** A staff member's console session, set by the staff authenticator. */
export interface StaffPrincipal {
  staffId: string;
  username: string;
  displayName: string;
  role: StaffRole;
  sessionId: string;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    citizen?: CitizenPrincipal;
    staff?: StaffPrincipal;
    /** The console session as the client sees it (staff, permissions, CSRF token). */
    consoleSession?: ConsoleSession;
  }
  interface DefaultContext {
    /** Request-scoped logger: every line carries the request id. */
    log: Logger;
  }
}
export {};
