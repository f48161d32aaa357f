/**
 * The receiving side of the licence library's status callbacks (protocol: `./client.ts`). The
 * licences module's route at `/open/v1/licence-library/callback` calls, in this order, before
 * any body parser touches the bytes:
 *
 *   const verdict = await verifyLibraryCallback(raw, ctx.headers, callbackCredentials(),
 *     nonceSeen, { path: ctx.originalUrl });
 *   if (!verdict.ok) → LIBRARY_CALLBACK_REFUSALS[verdict.reason] (401 + code)
 *   const parsed = parseLibraryCallback(raw);
 *   if (!parsed.ok) → 400
 *   … apply parsed.event (dedupe on eventId; on replacedBy fetch the new licence), answer 2xx
 *
 * The signature is the same HMAC-SHA256 request signature as the police systems' callbacks
 * (`../signing.ts`), so verification is the one implementation of `../upstream/callback.ts`:
 * refused, in this order, a missing or malformed header, an unknown key, a clock skew over 300 s,
 * a wrong signature, then a nonce seen before (recorded only once the signature holds, for
 * 600 s). Refusals come back as reason codes, never as exceptions; only the nonce store may throw
 * (a KV outage): let that become a 5xx so the library retries.
 *
 * nonceSeen, atomic in the shared KV so several BFF processes agree:
 *   (appKey, nonce, ttlSeconds) => kv.set(`licence-library:nonce:${appKey}:${nonce}`, '1',
 *     { ttlMs: ttlSeconds * 1000, ifAbsent: true }).then((stored) => !stored)
 */
import type { SignatureFailure } from '../signing';
import {
  parsePushBody,
  UPSTREAM_CALLBACK_REFUSALS,
  verifyUpstreamCallback,
  type CallbackHeaders,
  type CallbackRequest,
  type NonceSeen,
  type UpstreamCallbackCredentials,
  type UpstreamCallbackVerdict,
} from '../upstream/callback';
import { LicenceLibraryCallbackSchema, type LicenceLibraryEvent } from './port';

export type LibraryCallbackCredentials = UpstreamCallbackCredentials;
export type LibraryCallbackVerdict = UpstreamCallbackVerdict;
export type { CallbackHeaders, CallbackRequest, NonceSeen };

/** How the callback route answers each refusal (status and a code for the library's logs). */
export const LIBRARY_CALLBACK_REFUSALS: Record<SignatureFailure, { status: number; code: string }> = UPSTREAM_CALLBACK_REFUSALS;

/**
 * Verifies a status callback's signature with the library's callback credentials (several may be
 * configured, e.g. old and new during a rotation).
 */
export function verifyLibraryCallback(
  rawBody: string | Uint8Array,
  headers: CallbackHeaders,
  credentials: LibraryCallbackCredentials | readonly LibraryCallbackCredentials[],
  nonceSeen: NonceSeen,
  request: CallbackRequest,
): Promise<LibraryCallbackVerdict> {
  return verifyUpstreamCallback(rawBody, headers, credentials, nonceSeen, request);
}

export type ParsedLibraryCallback = { ok: true; event: LicenceLibraryEvent } | { ok: false; reason: 'invalid_json' | 'invalid_event'; message: string };

/** Reads a callback body (raw bytes, a string, or already-parsed JSON) as one status event. */
export function parseLibraryCallback(body: unknown): ParsedLibraryCallback {
  const parsed = parsePushBody(LicenceLibraryCallbackSchema, body);
  return parsed.ok ? { ok: true, event: parsed.value } : parsed;
}
