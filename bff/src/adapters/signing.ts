/**
 * Request signing for the gateways we define ourselves (SMS, household 人口信息核验, H5 face):
 * JSON over HTTPS, each request signed with HMAC-SHA256 over
 *
 *     METHOD \n PATH \n TIMESTAMP \n NONCE \n SHA256_HEX(body)
 *
 * METHOD upper case; PATH the request target exactly as sent (path with any base-URL prefix, plus
 * `?query` when there is one); TIMESTAMP unix seconds; NONCE 16–64 characters of [A-Za-z0-9_-];
 * body the raw bytes (the empty string for GET). Headers: `X-App-Key`, `X-Timestamp`, `X-Nonce`,
 * `X-Signature` (base64). The receiving side refuses an unknown key, a clock skew over 300 s, a
 * nonce seen before within the skew window, or a wrong signature.
 *
 * The one implementation both sides use: the adapters sign with it, the simulators verify with it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = {
  appKey: 'x-app-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

export const MAX_CLOCK_SKEW_SECONDS = 300;

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(method: string, path: string, timestamp: string, nonce: string, body: string | Uint8Array): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`;
}

export function hmacSignature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('base64');
}

export interface SignInput {
  method: string;
  /** Request target as sent: pathname plus `?query` if any. */
  path: string;
  body: string;
  appKey: string;
  appSecret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  nonce?: string;
}

/** The four headers of a signed request. */
export function signRequest(input: SignInput): Record<string, string> {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  return {
    'X-App-Key': input.appKey,
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Signature': hmacSignature(input.appSecret, stringToSign(input.method, input.path, timestamp, nonce, input.body)),
  };
}

/** Why a signed request was refused. */
export type SignatureFailure = 'missing_headers' | 'unknown_key' | 'clock_skew' | 'nonce_reused' | 'bad_signature';

export interface VerifyInput {
  method: string;
  path: string;
  body: string | Uint8Array;
  /** Header lookup, case-insensitive names as in SIGNATURE_HEADERS. */
  header(name: string): string | undefined;
  /** The secret of an app key, or undefined when the key is unknown. */
  secretFor(appKey: string): string | undefined;
  /** Records a nonce for this key; false when it was already seen (replay). */
  rememberNonce(appKey: string, nonce: string, ttlSeconds: number): boolean;
  /** Unix seconds; defaults to now. */
  now?: number;
  maxSkewSeconds?: number;
}

export type VerifyResult = { ok: true; appKey: string } | { ok: false; reason: SignatureFailure };

export function verifySignedRequest(input: VerifyInput): VerifyResult {
  const appKey = input.header(SIGNATURE_HEADERS.appKey);
  const timestamp = input.header(SIGNATURE_HEADERS.timestamp);
  const nonce = input.header(SIGNATURE_HEADERS.nonce);
  const signature = input.header(SIGNATURE_HEADERS.signature);
  if (!appKey || !timestamp || !nonce || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return { ok: false, reason: 'missing_headers' };
  const secret = input.secretFor(appKey);
  if (secret === undefined) return { ok: false, reason: 'unknown_key' };
  const maxSkew = input.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > maxSkew) return { ok: false, reason: 'clock_skew' };
  const expected = Buffer.from(hmacSignature(secret, stringToSign(input.method, input.path, timestamp, nonce, input.body)), 'base64');
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  // Remember the nonce only once the signature holds, so nobody can burn a nonce they cannot sign.
  if (!input.rememberNonce(appKey, nonce, 2 * maxSkew)) return { ok: false, reason: 'nonce_reused' };
  return { ok: true, appKey };
}
