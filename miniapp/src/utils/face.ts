import { IDENTITY_ROOT } from './routes';
import { STORAGE_KEYS, type KeyValueStore } from './storage';

/** Where the H5 verification page sends the citizen back: this app's face page (hash router). */
export function h5FaceReturnUrl(location: { origin: string; pathname: string }): string {
  return `${location.origin}${location.pathname || '/'}#/${IDENTITY_ROOT}/face/index`;
}

const CERTIFY_ID = /^[A-Za-z0-9_.:-]{8,128}$/;

function fromQueryString(qs: string): string | undefined {
  for (const pair of qs.replace(/^[?#]/, '').split('&')) {
    const [k, v] = pair.split('=');
    if (k === 'certifyId' && v) {
      try {
        return decodeURIComponent(v);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The certifyId the verification page came back with: in the page's route params (appended after
 * the hash route), or in the real query string (inserted before the hash). Ignores malformed ones.
 */
export function returnedCertifyId(params: Record<string, string | undefined>, location?: { search: string; hash: string }): string | undefined {
  const candidates = [params.certifyId, location ? fromQueryString(location.search) : undefined, location ? fromQueryString(location.hash.split('?')[1] ?? '') : undefined];
  return candidates.find((c): c is string => typeof c === 'string' && CERTIFY_ID.test(c));
}

/** An H5 verification in progress: kept across the round trip to the verification page. */
export interface FacePending {
  certifyId: string;
  redirect?: string;
  startedAt: number;
  completed?: boolean;
}

const PENDING_TTL_MS = 30 * 60 * 1000;

export function readFacePending(store: KeyValueStore, now: number = Date.now()): FacePending | undefined {
  const v = store.get(STORAGE_KEYS.facePending) as Partial<FacePending> | undefined;
  if (!v || typeof v !== 'object' || typeof v.certifyId !== 'string' || typeof v.startedAt !== 'number') return undefined;
  if (now - v.startedAt > PENDING_TTL_MS || v.startedAt > now + 60_000) {
    store.remove(STORAGE_KEYS.facePending);
    return undefined;
  }
  return { certifyId: v.certifyId, redirect: typeof v.redirect === 'string' ? v.redirect : undefined, startedAt: v.startedAt, completed: v.completed === true };
}

export function writeFacePending(store: KeyValueStore, pending: FacePending): void {
  store.set(STORAGE_KEYS.facePending, pending);
}
