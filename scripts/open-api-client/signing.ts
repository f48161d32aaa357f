/**
 * The OneVisit open-API signature, as a partner implements it from docs/open-api.md § Signing.
 *
 * Written from the document alone (nothing from the BFF): it is the second implementation that
 * proves the docs. Both are held to the test vectors in docs/open-api.md.
 *
 *   string to sign = ALGORITHM \n METHOD \n PATH \n CANONICAL_QUERY \n TIMESTAMP \n NONCE \n BODY_HASH
 *   signature      = base64( HMAC-SHA256 | HMAC-SM3 ( key = secret as UTF-8, string to sign as UTF-8 ) )
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignatureAlgorithm } from '@onevisit/shared-types';

export type { SignatureAlgorithm };
export const ALGORITHMS: readonly SignatureAlgorithm[] = ['HMAC-SHA256', 'HMAC-SM3'];

/** Header names (docs § Signing → Headers). */
export const HEADERS = {
  appId: 'X-OV-AppId',
  timestamp: 'X-OV-Timestamp',
  nonce: 'X-OV-Nonce',
  algorithm: 'X-OV-Algorithm',
  bodyHash: 'X-OV-Body-Hash',
  signature: 'X-OV-Signature',
  eventId: 'X-OV-Event-Id',
} as const;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const TIMESTAMP_PATTERN = /^\d{1,12}$/;
export const MAX_SKEW_SECONDS = 300;
export const NONCE_TTL_SECONDS = 600;

function digestName(algorithm: SignatureAlgorithm): string {
  if (algorithm === 'HMAC-SHA256') return 'sha256';
  if (algorithm === 'HMAC-SM3') return 'sm3';
  throw new TypeError(`unsupported algorithm ${String(algorithm)}`);
}

function toBytes(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Step 1: lowercase hex SHA-256 / SM3 of the exact body bytes (empty body → hash of ""). */
export function bodyHash(algorithm: SignatureAlgorithm, body: Uint8Array | string = ''): string {
  return createHash(digestName(algorithm)).update(toBytes(body)).digest('hex');
}

const utf8 = new TextDecoder('utf-8'); // not fatal: invalid bytes become U+FFFD

/**
 * `+` → space, then each run of `%XX` escapes decoded as UTF-8 bytes; a `%` without two hex digits
 * stays literal. (Not URLSearchParams: Node 20's falls back to a Latin-1 decoder for a value that
 * mixes raw non-ASCII characters with an invalid escape, turning 中 into "-".)
 */
function decodeComponent(raw: string): string {
  return raw
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => utf8.decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16))));
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 percent-encoding of the UTF-8 bytes; only A–Z a–z 0–9 - . _ ~ stay literal. */
function encodeComponent(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Step 2: the canonical query of the raw query string (the part after `?`). */
export function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter((piece) => piece.length > 0)
    .map((piece) => {
      const at = piece.indexOf('=');
      const [name, value] = at === -1 ? [piece, ''] : [piece.substring(0, at), piece.substring(at + 1)];
      return { name: encodeComponent(decodeComponent(name)), value: encodeComponent(decodeComponent(value)) };
    });
  const order = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
  pairs.sort((a, b) => order(a.name, b.name) || order(a.value, b.value));
  return pairs.map((p) => p.name + '=' + p.value).join('&');
}

export interface StringToSignInput {
  algorithm: SignatureAlgorithm;
  method: string;
  path: string;
  rawQuery: string;
  timestamp: string;
  nonce: string;
  bodyHash: string;
}

/** Step 3: the seven lines, LF-separated, no trailing newline. */
export function stringToSign(input: StringToSignInput): string {
  const lines = [input.algorithm, input.method.toUpperCase(), input.path, canonicalQuery(input.rawQuery), input.timestamp, input.nonce, input.bodyHash];
  return lines.join('\n');
}

/** Step 4: base64 (standard alphabet, padded) of the HMAC. */
export function computeSignature(algorithm: SignatureAlgorithm, secret: string, toSign: string): string {
  const mac = createHmac(digestName(algorithm), Buffer.from(secret, 'utf8'));
  mac.update(Buffer.from(toSign, 'utf8'));
  return mac.digest().toString('base64');
}

/** Constant-time comparison with the expected signature; false for anything malformed. */
export function signatureMatches(algorithm: SignatureAlgorithm, secret: string, toSign: string, provided: string): boolean {
  try {
    if (!secret || typeof provided !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(provided)) return false;
    const expected = Buffer.from(computeSignature(algorithm, secret, toSign), 'ascii');
    const given = Buffer.from(provided, 'ascii');
    return expected.length === given.length && timingSafeEqual(expected, given);
  } catch {
    return false;
  }
}

/** A new nonce: 32 hex characters from 16 random bytes. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Path and raw query of what goes on the request line — as the URL parser (and fetch) serialises it. */
export function requestTarget(url: URL): { path: string; rawQuery: string } {
  return { path: url.pathname, rawQuery: url.search.startsWith('?') ? url.search.substring(1) : url.search };
}

export interface SignInput {
  algorithm: SignatureAlgorithm;
  appId: string;
  secret: string;
  method: string;
  /** `/path?query`, or an absolute URL (only its path and query are signed). */
  url: string | URL;
  body?: Uint8Array | string;
  timestamp?: number;
  nonce?: string;
}

/** The six X-OV-* headers of a signed request. */
export function signedHeaders(input: SignInput): Record<string, string> {
  const url = typeof input.url === 'string' ? new URL(input.url, 'http://signing.invalid') : input.url;
  const { path, rawQuery } = requestTarget(url);
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? newNonce();
  if (!TIMESTAMP_PATTERN.test(timestamp)) throw new TypeError('timestamp must be unix seconds');
  if (!NONCE_PATTERN.test(nonce)) throw new TypeError('nonce must be 16–64 characters of [A-Za-z0-9_-]');
  const hash = bodyHash(input.algorithm, input.body ?? '');
  const signature = computeSignature(
    input.algorithm,
    input.secret,
    stringToSign({ algorithm: input.algorithm, method: input.method, path, rawQuery, timestamp, nonce, bodyHash: hash }),
  );
  return {
    [HEADERS.appId]: input.appId,
    [HEADERS.timestamp]: timestamp,
    [HEADERS.nonce]: nonce,
    [HEADERS.algorithm]: input.algorithm,
    [HEADERS.bodyHash]: hash,
    [HEADERS.signature]: signature,
  };
}

/** Why a signed message was refused, with the same codes the OneVisit server uses. */
export type VerifyFailure =
  | 'SIGNATURE_HEADERS_MISSING'
  | 'PARTNER_UNKNOWN'
  | 'SIGNATURE_TIMESTAMP_SKEWED'
  | 'SIGNATURE_ALGORITHM_MISMATCH'
  | 'BODY_HASH_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_NONCE_REPLAYED';

export interface VerifyInput {
  /** Header lookup by name, case-insensitive (Node lower-cases incoming header names). */
  header(name: string): string | undefined;
  method: string;
  path: string;
  rawQuery: string;
  body: Uint8Array | string;
  expectedAppId: string;
  secrets: readonly string[];
  algorithm: SignatureAlgorithm;
  /** Records the nonce; false when it was seen within NONCE_TTL_SECONDS. Called only after a valid signature. */
  rememberNonce(nonce: string): boolean;
  nowSeconds?: number;
}

export type VerifyResult = { ok: true } | { ok: false; code: VerifyFailure; message: string };

/**
 * Verification in the documented order: headers → app id → timestamp skew → algorithm → body hash
 * → signature (any of the secrets) → nonce. A partner verifies our webhooks with it.
 */
export function verifySigned(input: VerifyInput): VerifyResult {
  const get = (name: string) => input.header(name.toLowerCase()) ?? input.header(name);
  const appId = get(HEADERS.appId);
  const timestamp = get(HEADERS.timestamp);
  const nonce = get(HEADERS.nonce);
  const algorithm = get(HEADERS.algorithm);
  const hash = get(HEADERS.bodyHash);
  const signature = get(HEADERS.signature);
  if (!appId || !timestamp || !nonce || !algorithm || !hash || !signature) return fail('SIGNATURE_HEADERS_MISSING', 'a signature header is missing');
  if (!TIMESTAMP_PATTERN.test(timestamp) || !NONCE_PATTERN.test(nonce) || !/^[0-9a-f]{64}$/.test(hash)) {
    return fail('SIGNATURE_HEADERS_MISSING', 'a signature header is ill-formed');
  }
  if (appId !== input.expectedAppId) return fail('PARTNER_UNKNOWN', 'X-OV-AppId is not ours');
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS) return fail('SIGNATURE_TIMESTAMP_SKEWED', `timestamp more than ${MAX_SKEW_SECONDS} s from our clock`);
  if (algorithm !== input.algorithm) return fail('SIGNATURE_ALGORITHM_MISMATCH', `expected ${input.algorithm}`);
  if (bodyHash(input.algorithm, input.body) !== hash) return fail('BODY_HASH_MISMATCH', 'X-OV-Body-Hash is not the hash of the body received');
  const toSign = stringToSign({ algorithm: input.algorithm, method: input.method, path: input.path, rawQuery: input.rawQuery, timestamp, nonce, bodyHash: hash });
  if (!input.secrets.some((secret) => signatureMatches(input.algorithm, secret, toSign, signature))) return fail('SIGNATURE_INVALID', 'signature does not match');
  if (!input.rememberNonce(nonce)) return fail('SIGNATURE_NONCE_REPLAYED', 'nonce seen before');
  return { ok: true };
}

function fail(code: VerifyFailure, message: string): VerifyResult {
  return { ok: false, code, message };
}

/** A bounded in-memory nonce memory with expiry (enough for one receiver process). */
export class NonceMemory {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlSeconds = NONCE_TTL_SECONDS,
    private readonly maxEntries = 100_000,
  ) {}

  remember(nonce: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    for (const [key, expires] of this.seen) {
      if (expires > nowSeconds && this.seen.size < this.maxEntries) break; // insertion order ≈ expiry order
      this.seen.delete(key);
    }
    const expires = this.seen.get(nonce);
    if (expires !== undefined && expires > nowSeconds) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, nowSeconds + this.ttlSeconds);
    return true;
  }
}
