import type { Me, SessionResponse } from '@onevisit/shared-types/client';
import type { KeyValueStore } from '../utils/storage';
import { ApiError, isApiError } from './errors';

/** What we keep of a login: the tokens and the (masked) citizen they belong to. */
export interface Session {
  token: string;
  refreshToken: string;
  expiresAt: string;
  me: Me;
}

export type SessionListener = (session: Session | null) => void;

export interface SessionManagerOptions {
  store: KeyValueStore;
  key: string;
  /** `POST /auth/refresh {refreshToken}`, unauthenticated. */
  refresh: (refreshToken: string) => Promise<SessionResponse>;
}

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === 'string' &&
    v.token.length > 0 &&
    typeof v.refreshToken === 'string' &&
    typeof v.expiresAt === 'string' &&
    !!v.me &&
    typeof v.me === 'object' &&
    typeof (v.me as Record<string, unknown>).level === 'string'
  );
}

/**
 * The citizen's session: kept in storage across launches, shared by every page (pages subscribe),
 * refreshed at most once at a time however many requests find their token rejected.
 */
export class SessionManager {
  private current: Session | null;
  private readonly listeners = new Set<SessionListener>();
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly options: SessionManagerOptions) {
    const stored = options.store.get(options.key);
    this.current = isSession(stored) ? stored : null;
    if (stored !== undefined && !this.current) options.store.remove(options.key);
  }

  get session(): Session | null {
    return this.current;
  }
  get token(): string | undefined {
    return this.current?.token;
  }
  get me(): Me | undefined {
    return this.current?.me;
  }
  get loggedIn(): boolean {
    return this.current !== null;
  }

  /** A login, refresh or exchange answered with a new session. */
  adopt(res: SessionResponse): Session {
    this.set({ token: res.token, refreshToken: res.refreshToken, expiresAt: res.expiresAt, me: res.me });
    return this.current!;
  }

  /** A fresh `Me` (after GET /me, real-name, face): same tokens, new citizen data. */
  updateMe(me: Me): void {
    if (this.current) this.set({ ...this.current, me });
  }

  clear(): void {
    if (this.current === null) return;
    this.set(null);
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * The BFF refused `failedToken`. Resolves `true` when a newer token is in place (from this
   * refresh, or one another request already made), `false` when the session is over (refresh
   * token refused: the session is cleared). A network failure rejects and keeps the session.
   */
  refresh(failedToken: string): Promise<boolean> {
    const cur = this.current;
    if (!cur) return Promise.resolve(false);
    if (cur.token !== failedToken) return Promise.resolve(true);
    if (this.refreshing) return this.refreshing;
    const run = this.options
      .refresh(cur.refreshToken)
      .then(
        (res) => {
          // a logout (or another login) while refreshing wins
          if (this.current?.refreshToken !== cur.refreshToken) return this.current !== null;
          this.adopt(res);
          return true;
        },
        (err: unknown) => {
          if (isApiError(err) && err.status >= 400 && err.status < 500) {
            // REFRESH_TOKEN_INVALID (401) or any other refusal: the citizen logs in again
            if (this.current?.refreshToken === cur.refreshToken) this.clear();
            return false;
          }
          throw err;
        },
      )
      .finally(() => {
        this.refreshing = null;
      });
    this.refreshing = run;
    return run;
  }

  private set(next: Session | null): void {
    this.current = next;
    if (next) this.options.store.set(this.options.key, next);
    else this.options.store.remove(this.options.key);
    for (const listener of [...this.listeners]) listener(next);
  }
}

/** The error authenticated calls reject with when nobody is logged in (no request is sent). */
export function notLoggedIn(): ApiError {
  return new ApiError(401, { code: 'UNAUTHENTICATED', message: '请先登录', requestId: '' });
}

/** A 401 that a new access token may cure. */
export function isTokenRejected(err: unknown): boolean {
  return isApiError(err) && err.status === 401 && (err.code === 'SESSION_INVALID' || err.code === 'UNAUTHENTICATED');
}
