/**
 * The receiving side of the courier's tracking pushes (protocol: `./client.ts`). The push route
 * calls, in this order, before any body parser touches the bytes:
 *
 *   const verdict = await verifyCourierPush(raw, ctx.headers, config.courierPushCredentials,
 *     nonceSeen, { path: ctx.originalUrl });
 *   if (!verdict.ok) → 401 with COURIER_PUSH_REFUSALS[verdict.reason]
 *   const parsed = parseCourierPush(raw);
 *   if (!parsed.ok) → 400
 *   … store parsed.event (dedupe on eventId), answer 2xx
 *
 * The signature is the same HMAC-SHA256 request signature as the upstream systems' callbacks, so
 * verification is the one implementation in `../upstream/callback.ts` (missing header, unknown key,
 * clock skew over 300 s, wrong signature, then a nonce seen before — recorded only once the
 * signature holds). Refusals come back as reason codes; only the nonce store may throw (a KV
 * outage): let that become a 5xx so the courier retries.
 */
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
import type { SignatureFailure } from '../signing';
import { CourierEventSchema, type CourierEvent } from './port';

export type CourierPushCredentials = UpstreamCallbackCredentials;
export type CourierPushVerdict = UpstreamCallbackVerdict;
export type { CallbackHeaders, CallbackRequest, NonceSeen };

/** How the push route answers each refusal (status and a code for the courier's logs). */
export const COURIER_PUSH_REFUSALS: Record<SignatureFailure, { status: number; code: string }> = UPSTREAM_CALLBACK_REFUSALS;

/**
 * Verifies a tracking push's signature with the courier's push credentials (several may be
 * configured, e.g. old and new during a rotation). `nonceSeen` records a nonce atomically and
 * answers whether it had been seen: `!(await kv.set(\`courier:nonce:${appKey}:${nonce}\`, '1',
 * { ttlMs: ttlSeconds * 1000, ifAbsent: true }))`.
 */
export function verifyCourierPush(
  rawBody: string | Uint8Array,
  headers: CallbackHeaders,
  credentials: CourierPushCredentials | readonly CourierPushCredentials[],
  nonceSeen: NonceSeen,
  request: CallbackRequest,
): Promise<CourierPushVerdict> {
  return verifyUpstreamCallback(rawBody, headers, credentials, nonceSeen, request);
}

export type ParsedCourierPush = { ok: true; event: CourierEvent } | { ok: false; reason: 'invalid_json' | 'invalid_event'; message: string };

/** Reads a push body (raw bytes, a string, or already-parsed JSON) as one tracking event. */
export function parseCourierPush(body: unknown): ParsedCourierPush {
  const parsed = parsePushBody(CourierEventSchema, body);
  return parsed.ok ? { ok: true, event: parsed.value } : parsed;
}
