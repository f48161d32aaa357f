import { createHash } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { OPEN_API_HEADERS, OPEN_API_MAX_SKEW_SECONDS, SIGNATURE_ALGORITHMS, type ErrorBody, type PartnerScope, type SignatureAlgorithm } from '@onevisit/shared-types';
import { AppError, toAppError } from '../../http/errors';
import { readRawBody } from '../../http/rawBody';
import type { AnyRouteDef, Authenticator } from '../../http/route';
import type { Kv } from '../../kv';
import type { Evidence } from './evidence';
import { envelopeError, envelopeSuccess, fromDialect, MappingError, toDialect, type DocumentType } from './mapping/engine';
import type { MappingProfile } from './mapping/profile';
import type { ProfileRegistry } from './mapping/registry';
import { ipAllowed, type PartnerCredentials, type PartnerRegistry } from './registry';
import { bodyHash, NONCE_PATTERN, NONCE_TTL_SECONDS, signatureMatches, stringToSign } from './signature';

/** The verified caller of an open-API route. */
export interface PartnerPrincipal {
  credentials: PartnerCredentials;
  profile: MappingProfile;
}

/** What the gateway learns about one call, for its evidence row and its response envelope. */
interface OpenCall {
  appId: string | null;
  /** `ok` once the signature verified, else the refusal's code (`unverified` if something else failed first). */
  result: string;
  bodySha256: string;
  profile: MappingProfile | null;
  responseDoc?: DocumentType;
  /** Set once the route is known (the authenticator ran): only then is a success enveloped. */
  routed?: boolean;
  raw?: Buffer;
}

declare module 'koa' {
  interface DefaultState {
    partner?: PartnerPrincipal;
    openCall?: OpenCall;
  }
}

/** The scope a route needs and the mapping documents of its body and response. */
export interface OpenRouteMeta {
  scope: PartnerScope;
  requestDoc?: DocumentType;
  /** The mapping document of the answer; without one the answer is canonical (in the profile's envelope). */
  responseDoc?: DocumentType;
}
const routeMeta = new WeakMap<AnyRouteDef, OpenRouteMeta>();

/** Declares an open-API route with its scope and mapping documents. */
export function openRoute<R extends AnyRouteDef>(meta: OpenRouteMeta, def: R): R {
  routeMeta.set(def, meta);
  return def;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const APP_ID = /^[a-z][a-z0-9-]{2,31}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface GatewayOptions {
  registry: PartnerRegistry;
  profiles: ProfileRegistry;
  kv: Kv;
  evidence: Evidence;
  maxBodyBytes: number;
  now?: () => number;
}

/**
 * The open API's door: verifies each signed request (the checks in docs/open-api.md, in order,
 * each refusal its own code), records evidence of every call, and speaks the partner's dialect —
 * its mapping profile shapes the response and the error envelope. The route's authenticator then
 * checks the scope and maps the body from the dialect to our canonical shape.
 */
export class OpenApiGateway {
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  private readonly now: () => number;

  constructor(private readonly o: GatewayOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Middleware for the requests `applies` selects (the partner routes under /open/v1). */
  door(applies: (ctx: Context) => boolean): Middleware {
    return async (ctx: Context, next: Next) => {
      if (!applies(ctx)) return next();
      const started = performance.now();
      const call: OpenCall = { appId: null, result: 'unverified', bodySha256: EMPTY_SHA256, profile: null };
      ctx.state.openCall = call;
      try {
        await this.verify(ctx, call);
        await next();
        this.shapeSuccess(ctx, call);
      } catch (err) {
        this.shapeError(ctx, call, err);
      } finally {
        await this.o.evidence
          .record({
            requestId: ctx.state.requestId,
            appId: call.appId,
            method: ctx.method,
            path: ctx.querystring ? `${ctx.path}?${ctx.querystring}` : ctx.path,
            bodySha256: call.bodySha256,
            signatureResult: call.result,
            status: ctx.status,
            latencyMs: Math.round(performance.now() - started),
            ip: ctx.ip,
          })
          .catch((err: unknown) => ctx.log.error({ err }, 'open API evidence not recorded'));
      }
    };
  }

  /** For `security: 'partner'` routes: the scope, then the body from the partner's dialect. */
  authenticator(): Authenticator {
    return async (ctx, route) => {
      const partner = ctx.state.partner;
      const call = ctx.state.openCall;
      const meta = routeMeta.get(route);
      if (!partner || !call || !meta) throw new AppError('UNAUTHENTICATED', 'sign the request (docs/open-api.md)');
      if (!partner.credentials.scopes.has(meta.scope)) throw new AppError('SCOPE_MISSING', `this needs the ${meta.scope} scope`, { scope: meta.scope });
      call.responseDoc = meta.responseDoc;
      call.routed = true;
      if (route.body) (ctx.request as { body?: unknown }).body = this.parseBody(call.raw ?? Buffer.alloc(0), partner.profile, meta.requestDoc);
    };
  }

  private parseBody(raw: Buffer, profile: MappingProfile, doc: DocumentType | undefined): unknown {
    if (!raw.length) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('MALFORMED_JSON', 'request body is not valid JSON');
    }
    if (!doc) return parsed;
    try {
      return fromDialect(profile, doc, parsed);
    } catch (err) {
      if (err instanceof MappingError) throw new AppError('VALIDATION_FAILED', err.message, { issues: [{ field: err.field ? `body.${err.field}` : 'body', message: err.message }] });
      throw err;
    }
  }

  private async verify(ctx: Context, call: OpenCall): Promise<void> {
    const h = (name: string) => ctx.get(name);
    const appId = h(OPEN_API_HEADERS.appId);
    const timestamp = h(OPEN_API_HEADERS.timestamp);
    const nonce = h(OPEN_API_HEADERS.nonce);
    const algorithm = h(OPEN_API_HEADERS.algorithm) as SignatureAlgorithm;
    const claimedHash = h(OPEN_API_HEADERS.bodyHash);
    const signature = h(OPEN_API_HEADERS.signature);
    call.appId = APP_ID.test(appId) ? appId : null;
    if (!call.appId || !/^\d{1,12}$/.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_ALGORITHMS.includes(algorithm) || !HEX64.test(claimedHash) || !signature) {
      throw refuse(call, 'SIGNATURE_HEADERS_MISSING', `sign the request: ${Object.values(OPEN_API_HEADERS).filter((n) => n !== OPEN_API_HEADERS.eventId).join(', ')} (docs/open-api.md)`);
    }
    const partner = await this.o.registry.credentials(appId);
    if (!partner) throw refuse(call, 'PARTNER_UNKNOWN', `no partner ${appId}`);
    call.profile = this.o.profiles.get(partner.profileId) ?? null;
    if (!partner.enabled) throw refuse(call, 'PARTNER_DISABLED', `partner ${appId} is disabled`);
    if (!ipAllowed(partner.ipAllow, ctx.ip)) throw refuse(call, 'IP_NOT_ALLOWED', `calls from ${ctx.ip} are not allowed for ${appId}`);
    await this.consumeRate(call, partner);
    const skew = Math.abs(Math.floor(this.now() / 1000) - Number(timestamp));
    if (skew > OPEN_API_MAX_SKEW_SECONDS) throw refuse(call, 'SIGNATURE_TIMESTAMP_SKEWED', `the timestamp is ${skew} s from our clock; at most ${OPEN_API_MAX_SKEW_SECONDS} s`, { serverTime: Math.floor(this.now() / 1000) });
    if (algorithm !== partner.algorithm) throw refuse(call, 'SIGNATURE_ALGORITHM_MISMATCH', `${appId} signs with ${partner.algorithm}`);
    const raw = await readRawBody(ctx, this.o.maxBodyBytes).catch((err: unknown) => {
      if (err instanceof AppError) call.result = err.code;
      throw err;
    });
    call.bodySha256 = createHash('sha256').update(raw).digest('hex');
    if (bodyHash(algorithm, raw) !== claimedHash) throw refuse(call, 'BODY_HASH_MISMATCH', `the body's hash is not ${OPEN_API_HEADERS.bodyHash}: the body changed after signing`);
    const canonical = stringToSign({ algorithm, method: ctx.method, path: ctx.path, rawQuery: ctx.querystring, timestamp, nonce, bodyHash: claimedHash });
    if (!partner.secrets.some((secret) => signatureMatches(algorithm, secret, canonical, signature))) throw refuse(call, 'SIGNATURE_INVALID', 'the signature does not match');
    const fresh = await this.o.kv.set(`open:nonce:${appId}:${nonce}`, '1', { ttlMs: NONCE_TTL_SECONDS * 1000, ifAbsent: true });
    if (!fresh) throw refuse(call, 'SIGNATURE_NONCE_REPLAYED', 'this nonce was used already: a replayed request');
    call.raw = raw;
    call.result = 'ok';
    ctx.state.partner = { credentials: partner, profile: call.profile ?? this.o.profiles.require('canonical') };
  }

  /** A fixed one-minute window per partner, shared by every BFF process through the KV. */
  private async consumeRate(call: OpenCall, partner: PartnerCredentials): Promise<void> {
    let limiter = this.limiters.get(partner.rateLimitPerMinute);
    if (!limiter) {
      limiter = this.o.kv.rateLimiter({ name: `open-${partner.rateLimitPerMinute}`, points: partner.rateLimitPerMinute, durationSeconds: 60 });
      this.limiters.set(partner.rateLimitPerMinute, limiter);
    }
    try {
      await limiter.consume(partner.appId);
    } catch (rejection) {
      if (rejection instanceof Error) return; // the KV is down: fail open, like the citizen API
      const retryAfterSeconds = Math.max(1, Math.ceil((rejection as { msBeforeNext: number }).msBeforeNext / 1000));
      throw refuse(call, 'PARTNER_RATE_LIMITED', `over ${partner.rateLimitPerMinute} requests a minute`, { retryAfterSeconds });
    }
  }

  private shapeSuccess(ctx: Context, call: OpenCall): void {
    if (ctx.status === 404 && ctx.body === undefined) throw new AppError('ROUTE_NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    if (!call.profile || !call.routed || ctx.body === undefined || ctx.body === null || ctx.status === 304) return;
    const profile = call.profile;
    // Our own dialect: the answer goes out as the route made it (a cached page stays one string).
    if (profile.envelope.kind === 'canonical' && (!call.responseDoc || !profile.documents[call.responseDoc])) return;
    const body: unknown = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body;
    const data = call.responseDoc ? toDialect(profile, call.responseDoc, body) : body;
    const shaped = envelopeSuccess(profile, data, ctx.state.requestId, ctx.status);
    ctx.remove('ETag'); // the route's ETag named the canonical bytes
    ctx.status = shaped.status;
    ctx.body = shaped.body;
  }

  private shapeError(ctx: Context, call: OpenCall, err: unknown): void {
    const known = toAppError(err);
    const error = known ?? new AppError('INTERNAL_ERROR', 'internal error');
    if (known) ctx.log.info({ code: known.code, status: known.status, appId: call.appId }, known.message);
    else ctx.log.error({ err }, 'unhandled error');
    const body: ErrorBody = { code: error.code, message: error.message, requestId: ctx.state.requestId, ...(error.details === undefined ? {} : { details: error.details }) };
    const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retryAfter) ctx.set('Retry-After', String(retryAfter));
    const shaped = call.profile ? envelopeError(call.profile, body, error.status) : { status: error.status, body };
    ctx.status = shaped.status;
    ctx.body = shaped.body;
  }
}

function refuse(call: OpenCall, code: ConstructorParameters<typeof AppError>[0], message: string, details?: unknown): AppError {
  call.result = code;
  return new AppError(code, message, details);
}
