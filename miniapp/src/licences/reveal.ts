import type { KeyValueStore } from '../utils/storage';

/**
 * "查看完整信息" needs a recent face check. When the BFF answers FRESH_FACE_REQUIRED the detail page
 * marks the reveal as pending and opens the face page; back on the detail page (by navigating back
 * in WeChat and Alipay, or by a fresh page load after H5's verification page) it takes the mark
 * and asks again — once.
 */
export const REVEAL_PENDING_KEY = 'ov.licences.revealPending';
/** A mark older than this is forgotten (the face check was abandoned). */
export const REVEAL_PENDING_TTL_MS = 15 * 60_000;
/** Revealed values are masked again after this long on screen (and whenever the page hides). */
export const REVEAL_VISIBLE_MS = 2 * 60_000;

export function markRevealPending(store: KeyValueStore, licenceId: string, now: number = Date.now()): void {
  store.set(REVEAL_PENDING_KEY, { licenceId, at: now });
}

/** Whether a reveal of this licence is pending; consumes the mark either way when it is this licence's or stale. */
export function takeRevealPending(store: KeyValueStore, licenceId: string, now: number = Date.now()): boolean {
  const v = store.get(REVEAL_PENDING_KEY) as { licenceId?: unknown; at?: unknown } | undefined;
  if (!v || typeof v !== 'object' || typeof v.licenceId !== 'string' || typeof v.at !== 'number') {
    if (v !== undefined) store.remove(REVEAL_PENDING_KEY);
    return false;
  }
  const fresh = now - v.at >= 0 && now - v.at <= REVEAL_PENDING_TTL_MS;
  if (!fresh) {
    store.remove(REVEAL_PENDING_KEY);
    return false;
  }
  if (v.licenceId !== licenceId) return false;
  store.remove(REVEAL_PENDING_KEY);
  return true;
}
