/**
 * The receiving side of the police business systems' status callbacks (protocol: `./client.ts`).
 * The callback route calls, in this order, before any body parser touches the bytes:
 *
 *   const verdict = await verifyUpstreamCallback(raw, ctx.headers, config.callbackCredentials,
 *     nonceSeen, { path: ctx.originalUrl });
 *   if (!verdict.ok) → 401 with UPSTREAM_CALLBACK_REFUSALS[verdict.reason]
 *   const parsed = parseUpstreamCallback(raw);
 *   if (!parsed.ok) → 400
 *   … store parsed.event (dedupe on eventId), answer 2xx
 *
 * Verification reuses `../signing.ts` (the same HMAC-SHA256 the gateways use); refusals come back
 * as reason codes, never as exceptions. Only the nonce store may throw (a KV outage): let that
 * become a 5xx so the upstream retries.
 */
import type { output as zOutput, ZodType } from 'zod';
import { verifySignedRequest, type SignatureFailure } from '../signing';
import { UpstreamCallbackSchema, type UpstreamStatus, type UpstreamSystem } from './port';

export interface UpstreamCallbackCredentials {
  appKey: string;
  appSecret: string;
}

/** Node's IncomingHttpHeaders (ctx.headers), a fetch Headers object, or a plain record. */
export type CallbackHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };

/**
 * Records a nonce of an app key for ttlSeconds and answers whether it had been seen already —
 * atomically, e.g. `!(await kv.set(\`upstream:nonce:${appKey}:${nonce}\`, '1', { ttlMs: ttlSeconds * 1000, ifAbsent: true }))`.
 */
export type NonceSeen = (appKey: string, nonce: string, ttlSeconds: number) => boolean | Promise<boolean>;

export interface CallbackRequest {
  /** The request target exactly as the upstream sent it (pathname plus `?query`): `ctx.originalUrl`. */
  path: string;
  /** Default 'POST'. */
  method?: string;
  /** Unix seconds; default now. */
  now?: number;
}

export type UpstreamCallbackVerdict = { ok: true; appKey: string } | { ok: false; reason: SignatureFailure };

/** How the callback route answers each refusal (status and a code for the upstream's logs). */
export const UPSTREAM_CALLBACK_REFUSALS: Record<SignatureFailure, { status: number; code: string }> = {
  missing_headers: { status: 401, code: 'SIGNATURE_MISSING' },
  unknown_key: { status: 401, code: 'APP_KEY_UNKNOWN' },
  clock_skew: { status: 401, code: 'TIMESTAMP_EXPIRED' },
  nonce_reused: { status: 401, code: 'NONCE_REUSED' },
  bad_signature: { status: 401, code: 'SIGNATURE_INVALID' },
};

function headerReader(headers: CallbackHeaders): (name: string) => string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const h = headers as { get(name: string): string | null };
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string | string[] | undefined>();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) lower.set(k.toLowerCase(), v);
  return (name) => {
    const v = lower.get(name.toLowerCase());
    // A repeated signature header is ambiguous: treat it as missing.
    return typeof v === 'string' ? v : undefined;
  };
}

/**
 * Verifies a status callback's signature with the upstream's callback credentials (several may be
 * configured: one per system, or old and new during a rotation). Refuses a missing header, an
 * unknown key, a clock skew over 300 s, a wrong signature, or a nonce seen before (in this order;
 * a nonce is only recorded once the signature holds).
 */
export async function verifyUpstreamCallback(
  rawBody: string | Uint8Array,
  headers: CallbackHeaders,
  credentials: UpstreamCallbackCredentials | readonly UpstreamCallbackCredentials[],
  nonceSeen: NonceSeen,
  request: CallbackRequest,
): Promise<UpstreamCallbackVerdict> {
  const list = Array.isArray(credentials) ? (credentials as readonly UpstreamCallbackCredentials[]) : [credentials as UpstreamCallbackCredentials];
  let pending: { appKey: string; nonce: string; ttlSeconds: number } | undefined;
  const verdict = verifySignedRequest({
    method: request.method ?? 'POST',
    path: request.path,
    body: rawBody,
    header: headerReader(headers),
    secretFor: (key) => list.find((c) => c.appKey === key)?.appSecret,
    // The shared verifier's nonce hook is synchronous and runs last, after the signature held:
    // capture the nonce here and ask the (possibly async, shared) store below.
    rememberNonce: (appKey, nonce, ttlSeconds) => {
      pending = { appKey, nonce, ttlSeconds };
      return true;
    },
    now: request.now,
  });
  if (!verdict.ok) return verdict;
  if (!pending) return { ok: false, reason: 'missing_headers' };
  if (await nonceSeen(pending.appKey, pending.nonce, pending.ttlSeconds)) return { ok: false, reason: 'nonce_reused' };
  return verdict;
}

export type ParsedUpstreamCallback =
  | { ok: true; system: UpstreamSystem; event: UpstreamStatus }
  | { ok: false; reason: 'invalid_json' | 'invalid_event'; message: string };

export type ParsedPush<T> = { ok: true; value: T } | { ok: false; reason: 'invalid_json' | 'invalid_event'; message: string };

/**
 * Reads a signed push's body (raw bytes, a string, or already-parsed JSON) as one event of
 * `schema`: the one reading the departments' systems, the courier and the licence library share.
 */
export function parsePushBody<S extends ZodType>(schema: S, body: unknown): ParsedPush<zOutput<S>> {
  let value: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid_json', message: 'body is not JSON' };
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: 'invalid_event', message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** Reads a callback body as one status event. */
export function parseUpstreamCallback(body: unknown): ParsedUpstreamCallback {
  const parsed = parsePushBody(UpstreamCallbackSchema, body);
  if (!parsed.ok) return parsed;
  const { system, ...event } = parsed.value;
  return { ok: true, system, event };
}
