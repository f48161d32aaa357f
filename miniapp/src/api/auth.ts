import type { RequestFn, RequestOptions } from './client';
import { isTokenRejected, notLoggedIn, type SessionManager } from './session';

function withToken(options: RequestOptions, token: string): RequestOptions {
  return { ...options, header: { ...options.header, Authorization: `Bearer ${token}` } };
}

/**
 * `request` for calls that need the citizen: sends `Authorization: Bearer <token>`; when the BFF
 * answers 401 SESSION_INVALID, refreshes once (shared with any other call doing the same) and
 * retries. When the refresh token is refused too, the session is cleared (pages subscribed to it
 * show their login entry) and the original 401 is thrown.
 */
export function createAuthedRequest(request: RequestFn, session: SessionManager): RequestFn {
  return async function authed<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const token = session.token;
    if (!token) throw notLoggedIn();
    try {
      return await request<T>(path, withToken(options, token));
    } catch (err) {
      if (!isTokenRejected(err)) throw err;
      const renewed = await session.refresh(token);
      const next = session.token;
      if (!renewed || !next) throw err;
      try {
        return await request<T>(path, withToken(options, next));
      } catch (again) {
        // a token fresh from /auth/refresh refused as well: this session cannot be used
        if (isTokenRejected(again) && session.token === next) session.clear();
        throw again;
      }
    }
  };
}
