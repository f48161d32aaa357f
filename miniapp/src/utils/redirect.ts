import { KNOWN_PAGES, TAB_PAGES } from './routes';

/**
 * `redirect` query parameters: after a login or identity step the citizen goes back to where they
 * came from. The value arrives from a URL anyone can craft, so it must name one of our own pages:
 * a path (`/pages/item/index?code=…`), never a scheme, host, `..`, or an unknown page.
 */
export interface PageTarget {
  /** Without leading slash: `pages/item/index`. */
  route: string;
  query: Record<string, string>;
  /** Normalised URL: `/pages/item/index?code=X`. */
  url: string;
}

// Control characters and '#' have no place in a page query; anything else is re-encoded by buildUrl.
// eslint-disable-next-line no-control-regex
const BAD_QUERY = /[\u0000-\u001f\u007f#]/;

function decodeOnce(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function parseQuery(qs: string): Record<string, string> | undefined {
  const query: Record<string, string> = {};
  if (!qs) return query;
  if (BAD_QUERY.test(qs)) return undefined;
  for (const pair of qs.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const rawKey = at < 0 ? pair : pair.slice(0, at);
    const rawValue = at < 0 ? '' : pair.slice(at + 1);
    // H5 hands values over decoded already: a lone '%' (as in "100%") stays as it is
    const key = decodeOnce(rawKey) ?? rawKey;
    const value = decodeOnce(rawValue) ?? rawValue;
    if (!key) return undefined;
    query[key] = value;
  }
  return query;
}

function buildUrl(route: string, query: Record<string, string>): string {
  const qs = Object.keys(query)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`)
    .join('&');
  return `/${route}${qs ? `?${qs}` : ''}`;
}

/**
 * Parses a redirect target. Accepts the URL percent-encoded once (mini-programs hand query values
 * over encoded; H5 decodes them first), with or without the leading slash; returns undefined for
 * anything that is not one of `KNOWN_PAGES`.
 */
export function parseRedirect(raw: string | undefined | null, known: readonly string[] = KNOWN_PAGES): PageTarget | undefined {
  if (!raw || typeof raw !== 'string' || raw.length > 512) return undefined;
  let value = raw.trim();
  // still encoded (…%2Fpages%2F… or %3F): decode once, never more
  if (!value.includes('/') && /%2F/i.test(value)) {
    const decoded = decodeOnce(value);
    if (decoded === undefined) return undefined;
    value = decoded;
  }
  if (value.startsWith('#')) value = value.slice(1);
  if (/[\\\s]|\/\/|:|\.\./.test(value.split('?')[0])) return undefined;
  const [path, ...rest] = value.split('?');
  if (rest.length > 1) return undefined;
  const route = path.replace(/^\//, '');
  if (!known.includes(route)) return undefined;
  const query = parseQuery(rest[0] ?? '');
  if (!query) return undefined;
  return { route, query, url: buildUrl(route, query) };
}

/** The redirect URL, or `fallback` when missing or not acceptable. */
export function safeRedirect(raw: string | undefined | null, fallback: string): string {
  return parseRedirect(raw)?.url ?? fallback;
}

export function isTabPage(target: PageTarget): boolean {
  return TAB_PAGES.includes(target.route);
}

/**
 * A page of the navigation stack, as Taro's getCurrentPages() describes it: weapp/alipay pages
 * have `route` and `options`; H5 pages a `path` whose query holds only Taro's `stamp`; both carry
 * the page's query in `$taroParams` (values still percent-encoded on H5).
 */
export interface StackPage {
  route?: string;
  path?: string;
  options?: Record<string, unknown>;
  $taroParams?: Record<string, unknown>;
}

/** Query keys Taro adds to a page's params. */
const TARO_KEYS = ['stamp', '$taroTimestamp'];

function stackEntry(page: StackPage): { route: string; query: Record<string, string> } {
  const [pathRoute, qs] = (page.path ?? '').split('?');
  const route = (page.route || pathRoute || '').replace(/^\//, '');
  const query: Record<string, string> = {};
  const fromPath = qs ? parseQuery(qs) : undefined;
  if (fromPath) Object.assign(query, fromPath);
  for (const params of [page.options, page.$taroParams]) {
    for (const [k, v] of Object.entries(params ?? {})) if (typeof v === 'string' && !TARO_KEYS.includes(k)) query[k] = decodeOnce(v) ?? v;
  }
  for (const k of TARO_KEYS) delete query[k];
  return { route, query };
}

/**
 * How many pages to go back to reach `target` (the nearest matching page below the top), or
 * undefined when it is not in the stack. A page matches when its route is the same and it has
 * every query value of the target (H5 adds its own `stamp`).
 */
export function backDelta(stack: readonly StackPage[], target: PageTarget): number | undefined {
  for (let i = stack.length - 2; i >= 0; i--) {
    const entry = stackEntry(stack[i]);
    if (entry.route !== target.route) continue;
    if (Object.keys(target.query).every((k) => entry.query[k] === target.query[k])) return stack.length - 1 - i;
  }
  return undefined;
}

/** The URL of a stack page (to hand over as someone's redirect). */
export function stackPageUrl(page: StackPage): string | undefined {
  const { route, query } = stackEntry(page);
  return route ? buildUrl(route, query) : undefined;
}
