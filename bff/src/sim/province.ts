/**
 * The provincial government service platform (湖南省一件事一次办 / 政务服务平台) as the receiver of
 * our pushes, speaking the protocol of `adapters/province/client.ts`:
 *
 *   POST <prefix>/province/api/v1/catalog/items   signed; the `catalogPage` document in the dialect
 *   POST <prefix>/province/api/v1/cases/events     signed; the `event` document in the dialect
 *   GET  <prefix>/province/dev/received            dev: what arrived (catalogue versions, events, counts)
 *   POST <prefix>/province/dev/fail                dev: {n, mode?: 'error' | 'timeout'} — the next n requests fail
 *   POST <prefix>/province/dev/reset               dev: forget everything received
 *
 * Each request is verified as our own open API verifies a partner's (docs/open-api.md § Signing),
 * in the same order and with the same codes — headers, app id, clock skew (300 s), algorithm,
 * body size, body hash, signature, nonce (remembered 600 s, only once the signature holds) — and
 * refused in the dialect's error envelope (`envelopeError` of the province's mapping profile).
 * A verified body is read back with `fromDialect` and checked with the shared-types schemas
 * (VALIDATION_FAILED naming the dialect field otherwise), then stored: catalogue items by
 * itemCode with their versions (a push equal to the latest version is counted as a repeat, not a
 * new version), case events by eventId (a repeat is counted, not stored twice). Answers are the
 * profile's success envelope.
 *
 * Faults: `failNext(n)` makes the next n requests answer HTTP 500 (the dialect's INTERNAL_ERROR
 * envelope) or, with mode 'timeout', hang until the caller gives up; they are consumed before any
 * verification (no nonce is burnt). The shared fault board (`setFault('province', …)`) applies too.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import {
  errorStatus,
  OPEN_API_HEADERS,
  OPEN_API_MAX_SKEW_SECONDS,
  OpenCaseEventSchema,
  OpenCatalogPageSchema,
  SIGNATURE_ALGORITHMS,
  type ErrorCode,
  type OpenCaseEvent,
  type OpenCatalogItem,
  type SignatureAlgorithm,
} from '@onevisit/shared-types';
import { PROVINCE_PATHS } from '../adapters/province/port';
import { envelopeError, envelopeSuccess, fromDialect, MappingError, type DocumentType } from '../modules/partners/mapping/engine';
import type { MappingProfile } from '../modules/partners/mapping/profile';
import { bodyHash, NONCE_PATTERN, NONCE_TTL_SECONDS, signatureMatches, stringToSign } from '../modules/partners/signature';
import { guarded, type SimContext } from './context';
import { ExpiringMap, parseJsonObject, randomToken, readRawBody, SimTimers, type SystemName } from './util';

export const PROVINCE_FAULT_SYSTEM: SystemName = 'province';
export const PROVINCE_MAX_BODY_BYTES = 1024 * 1024;

/** What the province issued to us: we sign our pushes with these. */
export interface ProvinceSimCredentials {
  appId: string;
  secret: string;
  algorithm: SignatureAlgorithm;
}

export function generateProvinceCredentials(algorithm: SignatureAlgorithm = 'HMAC-SM3'): ProvinceSimCredentials {
  return { appId: `onevisit-${randomToken(3)}`, secret: randomToken(24, 'base64url'), algorithm };
}

export interface ProvinceSimulatorOptions {
  credentials: ProvinceSimCredentials;
  /** The province's dialect. */
  profile: MappingProfile;
  /** How long a 'timeout' fault holds a request when the caller does not give up first; default 30 s. */
  hangMs?: number;
}

export interface ProvinceRequestRecord {
  path: string;
  /** The X-OV-* headers as they arrived (lower-case names). */
  headers: Record<string, string>;
  /** The body as sent (the dialect), parsed when it was JSON. */
  body: unknown;
  /** `ok`, the refusal's code (ours, before the dialect maps it), or `fault:error` / `fault:timeout`. */
  outcome: string;
  at: string;
}

export interface ProvinceCatalogEntry {
  itemCode: string;
  /** Distinct versions in arrival order (decoded to the canonical shape); the last is current. */
  versions: OpenCatalogItem[];
  /** Accepted pushes of this item, repeats included. */
  pushes: number;
}

export interface ProvinceReceived {
  catalog: ProvinceCatalogEntry[];
  /** Distinct events in arrival order (decoded to the canonical shape). */
  events: OpenCaseEvent[];
  /** Pushes of an event already received (the same eventId). */
  duplicateEvents: number;
  /** Pushes of an item equal to its latest version. */
  repeatedItems: number;
  /** Every request, oldest first (the last 1000). */
  requests: ProvinceRequestRecord[];
}

export interface ProvinceSimulator {
  credentials: ProvinceSimCredentials;
  profile: MappingProfile;
  /** A snapshot (copies) of everything received. */
  received(): ProvinceReceived;
  /** How often this event arrived (0: never). */
  eventCount(eventId: string): number;
  /** The next n requests fail: HTTP 500 in the dialect's envelope, or a hang until the caller times out. */
  failNext(n: number, mode?: 'error' | 'timeout'): void;
  /** Faults still to be served. */
  pendingFaults(): number;
  /** Forgets everything received (not the nonces). */
  reset(): void;
  /** Releases hanging requests; nothing is held afterwards. */
  stop(): void;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Structural equality of JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function provinceSimulator(sim: SimContext, options: ProvinceSimulatorOptions): ProvinceSimulator {
  const { credentials, profile } = options;
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(credentials.algorithm)) throw new Error(`province simulator: unknown algorithm ${credentials.algorithm}`);
  const hangMs = options.hangMs ?? 30_000;
  const nonces = new ExpiringMap<true>(sim.now, 200_000);
  const timers = new SimTimers();
  const hanging = new Set<() => void>();

  let catalog = new Map<string, ProvinceCatalogEntry>();
  let events = new Map<string, { event: OpenCaseEvent; count: number }>();
  let duplicateEvents = 0;
  let repeatedItems = 0;
  let requests: ProvinceRequestRecord[] = [];
  const faults: ('error' | 'timeout')[] = [];

  function record(entry: ProvinceRequestRecord) {
    requests.push(entry);
    if (requests.length > 1000) requests.splice(0, requests.length - 1000);
  }

  function answer(ctx: Context, requestId: string, result: { status: number; body: unknown }) {
    ctx.status = result.status;
    ctx.body = result.body;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Request-Id', requestId);
  }

  function refuse(ctx: Context, requestId: string, code: ErrorCode, message: string, status: number = errorStatus[code]) {
    answer(ctx, requestId, envelopeError(profile, { code, message, requestId }, status));
  }

  /** The checks of docs/open-api.md § Signing, in order; the raw body when they all hold. */
  async function verify(ctx: Context): Promise<Buffer> {
    const h = (name: string) => ctx.get(name);
    const appId = h(OPEN_API_HEADERS.appId);
    const timestamp = h(OPEN_API_HEADERS.timestamp);
    const nonce = h(OPEN_API_HEADERS.nonce);
    const algorithm = h(OPEN_API_HEADERS.algorithm) as SignatureAlgorithm;
    const claimedHash = h(OPEN_API_HEADERS.bodyHash);
    const signature = h(OPEN_API_HEADERS.signature);
    if (!APP_ID.test(appId) || !/^\d{1,12}$/.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_ALGORITHMS.includes(algorithm) || !HEX64.test(claimedHash) || !signature) {
      throw new Refusal('SIGNATURE_HEADERS_MISSING', 'X-OV-AppId, X-OV-Timestamp, X-OV-Nonce, X-OV-Algorithm, X-OV-Body-Hash and X-OV-Signature are required');
    }
    if (appId !== credentials.appId) throw new Refusal('PARTNER_UNKNOWN', `no app ${appId}`);
    const skew = Math.abs(Math.floor(sim.now() / 1000) - Number(timestamp));
    if (skew > OPEN_API_MAX_SKEW_SECONDS) throw new Refusal('SIGNATURE_TIMESTAMP_SKEWED', `the timestamp is ${skew} s from our clock; at most ${OPEN_API_MAX_SKEW_SECONDS} s`);
    if (algorithm !== credentials.algorithm) throw new Refusal('SIGNATURE_ALGORITHM_MISMATCH', `${appId} signs with ${credentials.algorithm}`);
    let raw: Buffer;
    try {
      raw = await readRawBody(ctx, PROVINCE_MAX_BODY_BYTES);
    } catch {
      throw new Refusal('PAYLOAD_TOO_LARGE', `at most ${PROVINCE_MAX_BODY_BYTES} bytes`);
    }
    if (bodyHash(algorithm, raw) !== claimedHash) throw new Refusal('BODY_HASH_MISMATCH', 'the body changed after signing');
    const toSign = stringToSign({ algorithm, method: ctx.method, path: ctx.path, rawQuery: ctx.querystring, timestamp, nonce, bodyHash: claimedHash });
    if (!signatureMatches(algorithm, credentials.secret, toSign, signature)) throw new Refusal('SIGNATURE_INVALID', 'the signature does not match');
    const key = `${appId}\u0000${nonce}`;
    if (nonces.get(key)) throw new Refusal('SIGNATURE_NONCE_REPLAYED', 'this nonce was used already');
    nonces.set(key, true, NONCE_TTL_SECONDS * 1000);
    return raw;
  }

  /** The dialect body back to the canonical document, checked by its schema. */
  function decode<T>(raw: Buffer, doc: DocumentType, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T {
    const body = parseJsonObject(raw);
    if (!body) throw new Refusal('MALFORMED_JSON', 'the body is not a JSON object');
    let canonical: unknown;
    try {
      canonical = fromDialect(profile, doc, body);
    } catch (err) {
      if (err instanceof MappingError) throw new Refusal('VALIDATION_FAILED', err.message);
      throw err;
    }
    const parsed = schema.safeParse(canonical);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Refusal('VALIDATION_FAILED', `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
    }
    return parsed.data;
  }

  function headersOf(ctx: Context): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.values(OPEN_API_HEADERS)) {
      const v = ctx.get(name);
      if (v) out[name.toLowerCase()] = v;
    }
    return out;
  }

  function rawJson(raw: Buffer | undefined): unknown {
    if (!raw) return undefined;
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8').slice(0, 2000);
    }
  }

  async function hang(ctx: Context): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        hanging.delete(done);
        timers.cancel(timer);
        resolve();
      };
      hanging.add(done);
      const timer = timers.schedule(hangMs, done);
      if (!timer) done();
      ctx.res.once('close', done);
    });
  }

  /** One push endpoint: fault, verification, decoding, storing, the envelope. */
  function endpoint(store: (raw: Buffer) => unknown) {
    return guarded(sim, PROVINCE_FAULT_SYSTEM, async (ctx: Context) => {
      const requestId = `prov-${randomBytes(8).toString('hex')}`;
      const at = new Date(sim.now()).toISOString();
      const fault = faults.shift();
      if (fault) {
        record({ path: ctx.path, headers: headersOf(ctx), body: undefined, outcome: `fault:${fault}`, at });
        if (fault === 'timeout') await hang(ctx);
        // An outage answers its HTTP status whatever the envelope's habit (a gateway in front fails).
        const status = fault === 'timeout' ? 504 : 500;
        answer(ctx, requestId, { status, body: envelopeError(profile, { code: 'INTERNAL_ERROR', message: fault === 'timeout' ? 'gateway timeout' : 'simulated outage', requestId }, status).body });
        return;
      }
      let raw: Buffer | undefined;
      try {
        raw = await verify(ctx);
        const data = store(raw);
        record({ path: ctx.path, headers: headersOf(ctx), body: rawJson(raw), outcome: 'ok', at });
        answer(ctx, requestId, envelopeSuccess(profile, data, requestId));
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        record({ path: ctx.path, headers: headersOf(ctx), body: rawJson(raw), outcome: err.code, at });
        refuse(ctx, requestId, err.code, err.message);
      }
    });
  }

  const base = '/province';

  sim.router.post(
    `${base}${PROVINCE_PATHS.catalogItems}`,
    endpoint((raw) => {
      const page = decode(raw, 'catalogPage', OpenCatalogPageSchema);
      if (!page.items.length) throw new Refusal('VALIDATION_FAILED', 'items: at least one item');
      let versions = 0;
      for (const item of page.items) {
        let entry = catalog.get(item.itemCode);
        if (!entry) catalog.set(item.itemCode, (entry = { itemCode: item.itemCode, versions: [], pushes: 0 }));
        entry.pushes += 1;
        if (entry.versions.length && sameJson(entry.versions[entry.versions.length - 1], item)) repeatedItems += 1;
        else {
          entry.versions.push(item);
          versions += 1;
        }
      }
      return { received: page.items.length, newVersions: versions };
    }),
  );

  sim.router.post(
    `${base}${PROVINCE_PATHS.caseEvents}`,
    endpoint((raw) => {
      const event = decode(raw, 'event', OpenCaseEventSchema);
      const known = events.get(event.eventId);
      if (known) {
        known.count += 1;
        duplicateEvents += 1;
        return { duplicate: true };
      }
      events.set(event.eventId, { event, count: 1 });
      return { duplicate: false };
    }),
  );

  const hooks: ProvinceSimulator = {
    credentials,
    profile,
    received: () =>
      clone({
        catalog: [...catalog.values()],
        events: [...events.values()].map((e) => e.event),
        duplicateEvents,
        repeatedItems,
        requests,
      }),
    eventCount: (eventId) => events.get(eventId)?.count ?? 0,
    failNext(n, mode = 'error') {
      if (!Number.isInteger(n) || n < 0 || n > 1000) throw new RangeError('province simulator: failNext takes 0–1000');
      faults.length = 0;
      for (let i = 0; i < n; i++) faults.push(mode);
    },
    pendingFaults: () => faults.length,
    reset() {
      catalog = new Map();
      events = new Map();
      duplicateEvents = 0;
      repeatedItems = 0;
      requests = [];
      faults.length = 0;
    },
    stop() {
      for (const done of [...hanging]) done();
      timers.stop();
    },
  };

  // ---- dev routes (this router is never mounted in production)

  sim.router.get(`${base}/dev/received`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const r = hooks.received();
    ctx.body = { ...r, requests: r.requests.slice(-50) };
  });

  sim.router.post(`${base}/dev/fail`, async (ctx) => {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    const n = body?.n;
    const mode = body?.mode ?? 'error';
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1000 || (mode !== 'error' && mode !== 'timeout')) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_ARGUMENT', message: "{n: 0–1000, mode?: 'error' | 'timeout'}" };
      return;
    }
    hooks.failNext(n, mode);
    ctx.body = { ok: true, pending: faults.length };
  });

  sim.router.post(`${base}/dev/reset`, (ctx) => {
    hooks.reset();
    ctx.body = { ok: true };
  });

  return hooks;
}
