/**
 * The receiving side of our signed JSON gateways, as the SMS, household and face simulators run
 * it: verifies with the same `adapters/signing.ts` the clients sign with, and answers a refusal
 * with 401 and a distinct code per reason.
 */
import type { Context } from 'koa';
import { verifySignedRequest, type SignatureFailure } from '../adapters/signing';
import { nonceMemory, parseJsonObject, readRawBody } from './util';

export const SIGNATURE_ERROR_CODES: Record<SignatureFailure, { code: string; message: string }> = {
  missing_headers: { code: 'SIGNATURE_MISSING', message: 'X-App-Key, X-Timestamp, X-Nonce and X-Signature are required' },
  unknown_key: { code: 'APP_KEY_UNKNOWN', message: 'unknown app key' },
  clock_skew: { code: 'TIMESTAMP_EXPIRED', message: 'timestamp differs from server time by more than 300 s' },
  nonce_reused: { code: 'NONCE_REUSED', message: 'nonce already used' },
  bad_signature: { code: 'SIGNATURE_INVALID', message: 'signature does not match' },
};

export interface SignedGatewayServer {
  /**
   * Verifies the request's signature; on success returns the JSON body (an empty object for GET),
   * on failure answers 401/400 itself and returns undefined.
   */
  accept(ctx: Context): Promise<Record<string, unknown> | undefined>;
}

export function signedGatewayServer(credentials: { appKey: string; appSecret: string }, now: () => number): SignedGatewayServer {
  const remember = nonceMemory(now);
  return {
    async accept(ctx) {
      const raw = await readRawBody(ctx);
      const verdict = verifySignedRequest({
        method: ctx.method,
        path: ctx.originalUrl,
        body: raw,
        header: (name) => ctx.get(name) || undefined,
        secretFor: (key) => (key === credentials.appKey ? credentials.appSecret : undefined),
        rememberNonce: remember,
        now: Math.floor(now() / 1000),
      });
      if (!verdict.ok) {
        ctx.status = 401;
        ctx.body = SIGNATURE_ERROR_CODES[verdict.reason];
        return undefined;
      }
      if (ctx.method === 'GET') return {};
      const body = parseJsonObject(raw);
      if (!body) {
        ctx.status = 400;
        ctx.body = { code: 'INVALID_JSON', message: 'body must be a JSON object' };
        return undefined;
      }
      return body;
    },
  };
}

export function refuse(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { code, message };
}
