import Router from '@koa/router';
import { OPEN_API_PREFIX, openPaths } from '@onevisit/shared-types';
import { parseUpstreamCallback, UPSTREAM_CALLBACK_REFUSALS, verifyUpstreamCallback, type UpstreamCallbackCredentials } from '../../adapters/upstream';
import { readRawBody } from '../../http/rawBody';
import type { Kv } from '../../kv';
import type { CallbackOutcome, UpstreamBridge } from './upstreamBridge';

const MAX_CALLBACK_BYTES = 256 * 1024;

/** How each outcome answers the department's system: 2xx ends its retries, others it retries or gives up on. */
const OUTCOME_STATUS: Record<CallbackOutcome, number> = { applied: 200, duplicate: 200, unknown_case: 404, wrong_system: 409, illegal: 409 };

/**
 * `POST /open/v1/upstream/callback`: status events from the departments' systems, signed with
 * their callback credentials over the raw body (so it is mounted before the JSON parser).
 * Refused with 401 and nothing applied: a missing or wrong signature, an unknown key, a clock skew
 * over 300 s, a nonce seen before. Answers in the upstream gateway's own `{code, message}` form.
 */
export function upstreamCallbackRouter(bridge: UpstreamBridge, credentials: () => UpstreamCallbackCredentials[], kv: Kv): Router {
  const router = new Router({ prefix: OPEN_API_PREFIX });
  router.post(openPaths.upstreamCallback, async (ctx) => {
    const raw = await readRawBody(ctx, MAX_CALLBACK_BYTES);
    const verdict = await verifyUpstreamCallback(raw, ctx.headers, credentials(), async (appKey, nonce, ttlSeconds) => !(await kv.set(`upcb:nonce:${appKey}:${nonce}`, '1', { ttlMs: ttlSeconds * 1000, ifAbsent: true })), { path: ctx.originalUrl, method: 'POST' });
    if (!verdict.ok) {
      const refusal = UPSTREAM_CALLBACK_REFUSALS[verdict.reason];
      ctx.status = refusal.status;
      ctx.body = { code: refusal.code, message: 'callback refused' };
      return;
    }
    const parsed = parseUpstreamCallback(raw);
    if (!parsed.ok) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_EVENT', message: parsed.message };
      return;
    }
    const outcome = await bridge.apply(parsed.system, parsed.event);
    ctx.status = OUTCOME_STATUS[outcome];
    ctx.body = { code: outcome === 'applied' || outcome === 'duplicate' ? 'OK' : outcome.toUpperCase(), message: outcome };
  });
  return router;
}
