import { PRESENTATION_MAX_SECONDS, type Presentation } from '@onevisit/shared-types/client';

/**
 * Timing of a shown QR code: when the token runs out on this device, when to fetch the next one,
 * and when to stop refreshing by itself. All pure (times in ms since the epoch).
 */

/** A new token is fetched at least this long before the shown one expires. */
export const REFRESH_LEAD_MS = 5_000;
/** Never two automatic fetches closer than this (a token that is born nearly expired cannot make a tight loop). */
export const MIN_REFRESH_GAP_MS = 2_000;
/** Automatic refreshing stops after this long; the citizen taps to continue. */
export const AUTO_REFRESH_WINDOW_MS = 10 * 60_000;
/** Backoff of failed refreshes (then the last value again). */
export const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000] as const;

const MAX_MS = PRESENTATION_MAX_SECONDS * 1000;

/**
 * When the token stops being valid, by this device's clock. The answer's `expiresInSeconds` is
 * counted from when the request was sent (`sentAt`): never later than the real expiry whatever the
 * network delay, and immune to a device clock that is off (`expiresAt` is the server's clock).
 * `expiresAt` is the fallback when the lifetime is missing; either is capped at the contract's 60 s.
 */
export function localExpiry(p: Pick<Presentation, 'expiresAt' | 'expiresInSeconds'>, sentAt: number): number {
  if (typeof p.expiresInSeconds === 'number' && Number.isFinite(p.expiresInSeconds) && p.expiresInSeconds > 0) {
    return sentAt + Math.min(p.expiresInSeconds * 1000, MAX_MS);
  }
  const at = Date.parse(p.expiresAt);
  if (Number.isNaN(at)) return sentAt;
  return Math.min(at, sentAt + MAX_MS);
}

/** Ms from `now` until the refresh of a token expiring at `expiresAt`: `leadMs` before expiry, never negative. */
export function refreshDelay(now: number, expiresAt: number, leadMs: number = REFRESH_LEAD_MS): number {
  const ms = expiresAt - Math.max(0, leadMs) - now;
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms)) : 0;
}

/** `refreshDelay`, but at least MIN_REFRESH_GAP_MS after the last fetch was sent. */
export function nextRefreshDelay(now: number, expiresAt: number, lastSentAt: number, leadMs: number = REFRESH_LEAD_MS): number {
  const gap = lastSentAt + MIN_REFRESH_GAP_MS - now;
  return Math.max(refreshDelay(now, expiresAt, leadMs), Math.floor(gap), 0);
}

/** Whether the automatic refreshing that began at `startedAt` has run its course. */
export function windowOver(startedAt: number, now: number, windowMs: number = AUTO_REFRESH_WINDOW_MS): boolean {
  return now - startedAt >= windowMs;
}

/** The delay before retry number `attempt` (1-based) of a failed refresh. */
export function retryDelay(attempt: number): number {
  const i = Math.min(Math.max(1, Math.floor(attempt)), RETRY_DELAYS_MS.length) - 1;
  return RETRY_DELAYS_MS[i];
}

/** Whole seconds the token has left, never negative. */
export function secondsToExpiry(now: number, expiresAt: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 1000));
}

/** The countdown line under the QR code. */
export function countdownText(seconds: number): string {
  return seconds > 0 ? `${seconds} 秒后失效，将自动刷新` : '二维码已失效';
}
