import Router from '@koa/router';
import { OPEN_API_PREFIX, openPaths } from '@onevisit/shared-types';
import { LIBRARY_CALLBACK_REFUSALS, parseLibraryCallback, verifyLibraryCallback, type LibraryCallbackCredentials } from '../../adapters/licenceLibrary';
import { readRawBody } from '../../http/rawBody';
import type { Kv } from '../../kv';
import type { LicenceService } from './service';

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * `POST /open/v1/licence-library/callback`: the licence library's status pushes (revoked,
 * replaced by a reissue, abnormal, expired, valid again), signed over the raw body. From the
 * moment one is applied, presentations of a revoked licence fail verification. A refused
 * signature changes nothing (401); an unknown licence is acknowledged (nobody holds it here).
 */
export function licenceLibraryCallbackRouter(licences: LicenceService, credentials: () => LibraryCallbackCredentials[], kv: Kv): Router {
  const router = new Router({ prefix: OPEN_API_PREFIX });
  router.post(openPaths.licenceLibraryCallback, async (ctx) => {
    const raw = await readRawBody(ctx, MAX_CALLBACK_BYTES);
    const seen = async (appKey: string, nonce: string, ttlSeconds: number) => !(await kv.set(`llcb:nonce:${appKey}:${nonce}`, '1', { ttlMs: ttlSeconds * 1000, ifAbsent: true }));
    const verdict = await verifyLibraryCallback(raw, ctx.headers, credentials(), seen, { path: ctx.originalUrl, method: 'POST' });
    if (!verdict.ok) {
      const refusal = LIBRARY_CALLBACK_REFUSALS[verdict.reason];
      ctx.status = refusal.status;
      ctx.body = { code: refusal.code, message: 'callback refused' };
      return;
    }
    const parsed = parseLibraryCallback(raw);
    if (!parsed.ok) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_EVENT', message: parsed.message };
      return;
    }
    const { licenceId, status, statusNote, at, replacedBy } = parsed.event;
    const applied = await licences.applyLibraryStatus({ licenceId, status, statusNote: statusNote ?? null, at, replacedBy: replacedBy ?? null });
    ctx.status = 200;
    ctx.body = { code: 'OK', message: applied ? 'applied' : 'no change' };
  });
  return router;
}
