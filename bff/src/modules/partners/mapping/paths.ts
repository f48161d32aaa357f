/**
 * Path patterns of the mapping profiles: dot-separated keys, `[]` after a key for "each element
 * of this array". `timeline[].at` is the `at` of every element of `timeline`; `items[].deliveryOptions[]`
 * is every element of every item's `deliveryOptions`. The root of a document is the empty pattern.
 *
 * A pattern is kept as its string (map keys) and, where walked, as tokens: keys, and `[]` for an
 * array step. Concrete paths (for messages) put the index in the brackets: `timeline[2].at`.
 */

export const ARRAY = '[]';
export type Token = string; // a key, or ARRAY

/** Canonical field names are identifiers; `[]` follows an array. */
export const CANONICAL_PATH_PATTERN = /^[A-Za-z_$][\w$]*(\[\])*(\.[A-Za-z_$][\w$]*(\[\])*)*$/;
/** Dialect field names may be anything but `.`, brackets and white space (pinyin, UPPER_SNAKE, even 汉字). */
export const DIALECT_PATH_PATTERN = /^[^.[\]\s]+(\[\])*(\.[^.[\]\s]+(\[\])*)*$/;
/** Keys never copied into an output object (assigning `__proto__` would replace its prototype). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/** Memo tables keyed by patterns stop growing here (a partner's JSON may carry any keys). */
export const MAX_CACHED_PATTERNS = 10_000;
const tokenCache = new Map<string, Token[]>();

export function tokens(pattern: string): Token[] {
  let cached = tokenCache.get(pattern);
  if (cached) return cached;
  cached = [];
  if (pattern !== '') {
    for (const segment of pattern.split('.')) {
      let key = segment;
      let arrays = 0;
      while (key.endsWith(ARRAY)) {
        key = key.slice(0, -2);
        arrays += 1;
      }
      cached.push(key);
      for (let i = 0; i < arrays; i++) cached.push(ARRAY);
    }
  }
  // bounded: patterns read back from a partner's JSON may carry any keys
  if (tokenCache.size < MAX_CACHED_PATTERNS) tokenCache.set(pattern, cached);
  return cached;
}

export function patternOf(toks: readonly Token[]): string {
  let out = '';
  for (const t of toks) out += t === ARRAY ? ARRAY : out === '' ? t : `.${t}`;
  return out;
}

export function childPattern(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function elementPattern(array: string): string {
  return `${array}${ARRAY}`;
}

/** The parent pattern and the last step (a key, or ARRAY). The root has no parent. */
export function splitPattern(pattern: string): { parent: string; step: Token } {
  if (pattern.endsWith(ARRAY)) return { parent: pattern.slice(0, -2), step: ARRAY };
  const dot = pattern.lastIndexOf('.');
  return dot < 0 ? { parent: '', step: pattern } : { parent: pattern.slice(0, dot), step: pattern.slice(dot + 1) };
}

/** Proper ancestors, nearest first, ending with the root ''. */
export function ancestors(pattern: string): string[] {
  const out: string[] = [];
  let p = pattern;
  while (p !== '') {
    p = splitPattern(p).parent;
    out.push(p);
  }
  return out;
}

export function isWithin(pattern: string, ancestor: string): boolean {
  if (ancestor === '') return pattern !== '';
  return pattern.startsWith(ancestor) && (pattern[ancestor.length] === '.' || pattern.startsWith(ARRAY, ancestor.length));
}

export function arrayCount(pattern: string): number {
  return tokens(pattern).filter((t) => t === ARRAY).length;
}

/** The pattern up to (not including) its n-th array step (n from 0). */
export function prefixBeforeArray(pattern: string, n: number): string {
  const toks = tokens(pattern);
  let seen = -1;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i] === ARRAY && ++seen === n) return patternOf(toks.slice(0, i));
  }
  throw new Error(`${pattern} has no array step ${n}`);
}

/** `timeline[2].at` from the tokens of `timeline[].at` and the indices [2]. */
export function concretePath(toks: readonly Token[], indices: readonly number[]): string {
  let out = '';
  let j = 0;
  for (const t of toks) {
    if (t === ARRAY) out += `[${indices[j++] ?? ''}]`;
    else out += out === '' ? t : `.${t}`;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Realm-independent (a JSON.parse in another vm context has another Object.prototype):
  // a plain object's prototype is null or a prototype whose own prototype is null.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]');
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** A deep copy of JSON-like data (arrays and plain objects copied; strings and other values shared). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!FORBIDDEN_KEYS.has(k)) out[k] = cloneJson(v);
    return out as T;
  }
  return value;
}

/**
 * Calls `visit` with every plain object found at `pattern` under `root` and the array indices on
 * the way (the root itself for the empty pattern). Missing or non-object nodes are skipped.
 */
export function forEachObject(
  root: unknown,
  pattern: string,
  visit: (node: Record<string, unknown>, indices: number[]) => void,
): void {
  const toks = tokens(pattern);
  const walk = (node: unknown, at: number, indices: number[]): void => {
    if (at === toks.length) {
      if (isPlainObject(node)) visit(node, indices);
      return;
    }
    const t = toks[at];
    if (t === ARRAY) {
      if (Array.isArray(node)) node.forEach((el, i) => walk(el, at + 1, [...indices, i]));
    } else if (isPlainObject(node) && hasOwn(node, t)) {
      walk(node[t], at + 1, indices);
    }
  };
  walk(root, 0, []);
}
