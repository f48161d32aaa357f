import { API_PREFIX } from '@onevisit/shared-types/client';

/** A query-string value; `undefined`, `null` and `''` are left out. */
export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/**
 * `{ domain: 'household', page: 2, onlineOnly: true }` → `?domain=household&page=2&onlineOnly=true`.
 * Keys keep their order (the URL is also the ETag cache key); values are percent-encoded.
 * Written by hand: `URLSearchParams` does not exist in the mini-program runtimes.
 */
export function buildQuery(query?: Query): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `base` + `/api/v1` + `path` + query. `base` is `''` (same origin, H5) or an absolute origin. */
export function buildUrl(base: string, path: string, query?: Query): string {
  const trimmed = base.replace(/\/+$/, '');
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${trimmed}${API_PREFIX}${p}${buildQuery(query)}`;
}
