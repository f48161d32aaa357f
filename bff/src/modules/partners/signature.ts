/**
 * The open API's request signature (docs/open-api.md § Signing) — pure functions, node:crypto only.
 * The signature middleware verifies partners' requests with them and the webhook dispatcher signs
 * our pushes with them. A second, independent implementation lives in the reference partner
 * client (scripts/open-api-client/signing.ts); both are held to the test vectors in the docs.
 *
 * String to sign: seven lines joined by LF, no trailing newline —
 *
 *     ALGORITHM \n METHOD \n PATH \n CANONICAL_QUERY \n TIMESTAMP \n NONCE \n BODY_HASH
 *
 * Signature: base64 (standard, padded) of HMAC-SHA256 or HMAC-SM3 keyed with the secret's UTF-8
 * bytes. Body hash: lowercase hex SHA-256 (or SM3 for HMAC-SM3) of the raw body bytes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OPEN_API_HEADERS, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '@onevisit/shared-types';

/** 16–64 characters of [A-Za-z0-9_-]. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** A nonce is remembered (and refused when seen again) this long: twice the allowed clock skew. */
export const NONCE_TTL_SECONDS = 600;

const HASH_OF: Record<SignatureAlgorithm, 'sha256' | 'sm3'> = { 'HMAC-SHA256': 'sha256', 'HMAC-SM3': 'sm3' };

function hashName(algorithm: SignatureAlgorithm): 'sha256' | 'sm3' {
  const name = (HASH_OF as Record<string, 'sha256' | 'sm3' | undefined>)[algorithm];
  if (!name || !(SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm)) throw new TypeError(`unknown signature algorithm: ${String(algorithm)}`);
  return name;
}

/** Lowercase hex SHA-256 (HMAC-SHA256) or SM3 (HMAC-SM3) of the raw body; a string is hashed as UTF-8. */
export function bodyHash(algorithm: SignatureAlgorithm, body: Uint8Array | string): string {
  const hash = createHash(hashName(algorithm));
  if (typeof body === 'string') hash.update(body, 'utf8');
  else hash.update(body);
  return hash.digest('hex');
}

const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * `+` → space, then percent-decoding of the UTF-8 bytes — the WHATWG
 * application/x-www-form-urlencoded rules: a `%` not followed by two hex digits stays a literal
 * `%`; bytes that are not valid UTF-8 decode to U+FFFD. Never throws. (Not URLSearchParams: Node
 * 20's falls back to a Latin-1 decoder when raw non-ASCII meets an invalid escape.)
 */
function formDecode(raw: string): string {
  const bytes = Buffer.from(raw.replace(/\+/g, ' '), 'utf8');
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return utf8.decode(out.subarray(0, n));
}

/** RFC 3986: everything but the unreserved A–Z a–z 0–9 - . _ ~ is percent-encoded (UTF-8, upper-case hex). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * CANONICAL_QUERY of a raw query string (what follows `?`, without it): split on `&`, drop empty
 * pieces, split each at the first `=` (none → empty value), decode (`+` is a space) and re-encode
 * name and value per RFC 3986, sort by encoded name then encoded value (code-unit order), join
 * `name=value` with `&`. The empty string when there is no query.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([rfc3986(formDecode(name)), rfc3986(formDecode(value))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** The seven lines, joined by LF without a trailing newline. */
export function stringToSign(input: {
  algorithm: SignatureAlgorithm;
  method: string;
  path: string;
  rawQuery: string;
  timestamp: string;
  nonce: string;
  bodyHash: string;
}): string {
  return [input.algorithm, input.method.toUpperCase(), input.path, canonicalQuery(input.rawQuery), input.timestamp, input.nonce, input.bodyHash].join('\n');
}

/** Base64 (standard alphabet, padded) of the HMAC of the string to sign, keyed with the secret's UTF-8 bytes. */
export function computeSignature(algorithm: SignatureAlgorithm, secret: string, toSign: string): string {
  return createHmac(hashName(algorithm), Buffer.from(secret, 'utf8')).update(toSign, 'utf8').digest('base64');
}

/**
 * Whether `provided` is the signature of `toSign` under `secret` — compared in constant time over
 * the base64 text (so a non-canonical encoding of the right bytes does not match either). False on
 * any malformed input: an unknown algorithm, an empty secret, a non-string value.
 */
export function signatureMatches(algorithm: SignatureAlgorithm, secret: string, toSign: string, provided: string): boolean {
  if (typeof secret !== 'string' || secret === '' || typeof toSign !== 'string' || typeof provided !== 'string') return false;
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm)) return false;
  const expected = Buffer.from(computeSignature(algorithm, secret, toSign), 'utf8');
  const given = Buffer.from(provided, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Path and raw query of a request target: `/p?q`, or an absolute http(s) URL (a webhook's), as fetch sends it. */
function splitTarget(url: string): { path: string; rawQuery: string } {
  if (/^https?:\/\//i.test(url)) {
    const parsed = new URL(url);
    return { path: parsed.pathname, rawQuery: parsed.search.replace(/^\?/, '') };
  }
  const withoutFragment = url.split('#', 1)[0];
  const q = withoutFragment.indexOf('?');
  return q < 0 ? { path: withoutFragment, rawQuery: '' } : { path: withoutFragment.slice(0, q), rawQuery: withoutFragment.slice(q + 1) };
}

/**
 * The six X-OV-* headers for a request (or a webhook). `url` is path plus optional `?query`
 * (an absolute http(s) URL — a partner's webhook URL — is also accepted: its path and query as
 * the URL parser, and so fetch, sends them). Timestamp defaults to now, nonce to 22 random
 * base64url characters. Sign each attempt afresh: a retried webhook needs a new nonce.
 */
export function signedHeaders(input: {
  algorithm: SignatureAlgorithm;
  appId: string;
  secret: string;
  method: string;
  url: string;
  body?: Uint8Array | string;
  timestamp?: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError('timestamp: unix seconds, a non-negative integer');
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  if (!NONCE_PATTERN.test(nonce)) throw new TypeError('nonce: 16–64 characters of [A-Za-z0-9_-]');
  const { path, rawQuery } = splitTarget(input.url);
  const hash = bodyHash(input.algorithm, input.body ?? '');
  const toSign = stringToSign({ algorithm: input.algorithm, method: input.method, path, rawQuery, timestamp: String(timestamp), nonce, bodyHash: hash });
  return {
    [OPEN_API_HEADERS.appId]: input.appId,
    [OPEN_API_HEADERS.timestamp]: String(timestamp),
    [OPEN_API_HEADERS.nonce]: nonce,
    [OPEN_API_HEADERS.algorithm]: input.algorithm,
    [OPEN_API_HEADERS.bodyHash]: hash,
    [OPEN_API_HEADERS.signature]: computeSignature(input.algorithm, input.secret, toSign),
  };
}
