import fs from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK, type ProtectedHeaderParameters } from 'jose';
import {
  LICENCE_COLOURS,
  LICENCE_FIELD_KEYS,
  LICENCE_FIELDS,
  LICENCE_STATUS_NAMES,
  LICENCE_TYPES,
  licenceColour,
  PRESENTATION_MAX_SECONDS,
  PRESENTATION_PURPOSES,
  PRESENTATION_TOKEN_TYPE,
  PresentationClaimsSchema,
  type LicenceColour,
  type LicenceField,
  type LicenceType,
  type PresentationClaims,
  type PresentationPurpose,
} from '@onevisit/shared-types';

/*
 * Offline verification of OneVisit e-licence presentation tokens (亮证二维码), for a relying
 * party's own system (a hotel's front-desk software, a car-rental counter …). It needs the
 * platform's public keys (JWKS) once; after that it verifies without calling the platform as long
 * as the token's key id is cached. It checks the signature, typ, issuer, claims, lifetime (≤ 60 s)
 * and expiry, and reports the licence's status as it was when the QR code was made (abnormal: red). It CANNOT check that a token is used only once, nor whether the licence has been
 * revoked since: only the online API (POST /open/v1/licences/verify) knows that, and it also
 * records the use for the citizen. Standalone: depends on jose and @onevisit/shared-types only.
 */

export type OfflineRefusalCode =
  | 'PRESENTATION_MALFORMED'
  | 'PRESENTATION_KEY_UNKNOWN'
  | 'PRESENTATION_SIGNATURE_INVALID'
  | 'PRESENTATION_EXPIRED'
  /** No key set at all: none given, none cached, and none could be fetched. */
  | 'KEYS_UNAVAILABLE';

export interface DisclosedField {
  key: LicenceField;
  label: string;
  value: string;
}

export type OfflineVerifyResult =
  | {
      ok: true;
      claims: PresentationClaims;
      /** The disclosed fields with their display labels, in the standard order. */
      fields: DisclosedField[];
      licenceType: { code: LicenceType; name: string };
      purpose: { code: PresentationPurpose; name: string };
      /**
       * The licence's status when the holder made the QR code, with the colour to show: red for an
       * abnormal licence (e.g. a driving licence at 12 points). It may have changed since; only the
       * online API knows the status now.
       */
      status: { code: PresentationClaims['st']; name: string; colour: LicenceColour; colourName: string };
      expiresAt: Date;
      /** The key that signed it. */
      kid: string;
    }
  | { ok: false; code: OfflineRefusalCode; message: string };

export interface OfflineVerifierOptions {
  /** Where to fetch the platform's keys, e.g. https://gaj.example.gov.cn/.well-known/jwks.json. */
  jwksUrl?: string;
  /** Keys given directly (e.g. shipped with the software). */
  jwks?: { keys: JWK[] };
  /** A JSON file the keys are read from and fetched keys are saved to. */
  cacheFile?: string;
  /** The `iss` the tokens must carry, e.g. onevisit-430000. */
  issuer: string;
  /** Clock skew allowed on exp and iat, seconds (default 5). */
  clockToleranceSeconds?: number;
  /** After a fetch, don't fetch again for an unknown kid sooner than this (default 60 s). */
  refetchCooldownMs?: number;
  /** Injectable for tests and proxies. */
  fetch?: typeof fetch;
}

const ALGORITHMS = ['ES256', 'EdDSA'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The keys the platform publishes; private parts are refused. */
function publicKeySet(value: unknown, source: string): { keys: JWK[] } {
  const keys = value && typeof value === 'object' && Array.isArray((value as { keys?: unknown }).keys) ? ((value as { keys: unknown[] }).keys as JWK[]) : null;
  if (!keys) throw new Error(`${source} is not a JWKS ({"keys": [...]})`);
  const usable = keys.filter((k) => k && typeof k === 'object' && typeof k.kid === 'string' && (k.alg === undefined || ALGORITHMS.includes(k.alg)));
  if (usable.some((k) => 'd' in k)) throw new Error(`${source} holds a private key: a verifier needs public keys only`);
  return { keys: usable.map((k) => ({ ...k })) };
}

export class OfflineVerifier {
  private keys: { keys: JWK[] } | null = null;
  private lastFetch = 0;
  private readonly tolerance: number;

  constructor(private readonly options: OfflineVerifierOptions) {
    if (!options.issuer) throw new Error('OfflineVerifier: issuer is required');
    this.tolerance = options.clockToleranceSeconds ?? 5;
    if (options.jwks) this.keys = publicKeySet(options.jwks, 'jwks');
  }

  /** The key ids currently held (after loading the cache file, if any). */
  get kids(): string[] {
    return (this.cachedKeys()?.keys ?? []).map((k) => k.kid!);
  }

  /** Fetches the key set from jwksUrl, keeps it, and writes the cache file. Throws when it cannot. */
  async refreshKeys(): Promise<{ keys: JWK[] }> {
    const url = this.options.jwksUrl;
    if (!url) throw new Error('OfflineVerifier: no jwksUrl to refresh the keys from');
    this.lastFetch = Date.now();
    const res = await (this.options.fetch ?? fetch)(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
    const set = publicKeySet(await res.json(), url);
    if (!set.keys.length) throw new Error(`${url} publishes no presentation key`);
    this.keys = set;
    if (this.options.cacheFile) writeJsonAtomic(this.options.cacheFile, set);
    return set;
  }

  /** Verifies the text of a QR code; never throws for a bad token. */
  async verify(qrText: string, now: Date = new Date()): Promise<OfflineVerifyResult> {
    const token = typeof qrText === 'string' ? qrText.trim() : '';
    if (token.length > 8192 || !COMPACT_JWS.test(token)) return refuse('PRESENTATION_MALFORMED', 'the text is not a presentation token (compact JWS)');
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return refuse('PRESENTATION_MALFORMED', "the token's header is not valid JSON");
    }
    if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) return refuse('PRESENTATION_MALFORMED', "the token's alg must be ES256 or EdDSA");
    if (typeof header.kid !== 'string' || !header.kid) return refuse('PRESENTATION_MALFORMED', 'the token names no key (kid)');

    let keySet = this.cachedKeys();
    if (!keySet?.keys.some((k) => k.kid === header.kid) && this.options.jwksUrl && Date.now() - this.lastFetch >= (this.options.refetchCooldownMs ?? 60_000)) {
      // Unknown kid: perhaps the platform rotated its key since we cached.
      keySet = await this.refreshKeys().catch(() => keySet);
    }
    if (!keySet?.keys.length) return refuse('KEYS_UNAVAILABLE', "no platform keys: give jwks, a cacheFile, or a reachable jwksUrl");
    if (!keySet.keys.some((k) => k.kid === header.kid)) return refuse('PRESENTATION_KEY_UNKNOWN', `the token is signed with key ${header.kid}, which is not among the platform's keys`);

    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(keySet), {
        algorithms: ALGORITHMS,
        typ: PRESENTATION_TOKEN_TYPE,
        issuer: this.options.issuer,
        currentDate: now,
        clockTolerance: this.tolerance,
        requiredClaims: ['iss', 'jti', 'iat', 'exp'],
      }));
    } catch (err) {
      return joseRefusal(err);
    }
    const parsed = PresentationClaimsSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse('PRESENTATION_MALFORMED', `the token's claims are not a presentation (${issue.path.join('.') || 'payload'}: ${issue.message})`);
    }
    const claims = parsed.data;
    if (claims.exp - claims.iat > PRESENTATION_MAX_SECONDS) return refuse('PRESENTATION_MALFORMED', `the token lives ${claims.exp - claims.iat} s, more than ${PRESENTATION_MAX_SECONDS} s`);
    if (claims.exp <= claims.iat) return refuse('PRESENTATION_MALFORMED', 'the token expires before it was issued');
    if (claims.iat > Math.floor(now.getTime() / 1000) + this.tolerance) return refuse('PRESENTATION_MALFORMED', 'the token is issued in the future (check this clock)');

    return {
      ok: true,
      claims,
      fields: LICENCE_FIELD_KEYS.filter((key) => claims.fld[key] !== undefined).map((key) => ({ key, label: LICENCE_FIELDS[key].label, value: claims.fld[key]! })),
      licenceType: { code: claims.lt, name: LICENCE_TYPES[claims.lt].name },
      purpose: { code: claims.pur, name: PRESENTATION_PURPOSES[claims.pur].name },
      status: statusOf(claims.st),
      expiresAt: new Date(claims.exp * 1000),
      kid: header.kid,
    };
  }

  private cachedKeys(): { keys: JWK[] } | null {
    if (!this.keys && this.options.cacheFile && fs.existsSync(this.options.cacheFile)) {
      this.keys = publicKeySet(JSON.parse(fs.readFileSync(this.options.cacheFile, 'utf8')), this.options.cacheFile);
    }
    return this.keys;
  }
}

function statusOf(st: PresentationClaims['st']): Extract<OfflineVerifyResult, { ok: true }>['status'] {
  const colour = licenceColour(st);
  return { code: st, name: LICENCE_STATUS_NAMES[st], colour, colourName: LICENCE_COLOURS[colour] };
}

function refuse(code: OfflineRefusalCode, message: string): OfflineVerifyResult {
  return { ok: false, code, message };
}

function joseRefusal(err: unknown): OfflineVerifyResult {
  const e = joseErrors;
  if (err instanceof e.JWTExpired) return refuse('PRESENTATION_EXPIRED', 'the presentation has expired; ask the holder to refresh the QR code');
  if (err instanceof e.JWSSignatureVerificationFailed || err instanceof e.JWKSNoMatchingKey || err instanceof e.JWKSMultipleMatchingKeys) {
    return refuse('PRESENTATION_SIGNATURE_INVALID', "the token's signature does not verify: tampered or forged");
  }
  if (err instanceof e.JWTClaimValidationFailed) {
    if (err.claim === 'typ') return refuse('PRESENTATION_MALFORMED', `the token's typ is not ${PRESENTATION_TOKEN_TYPE}`);
    if (err.claim === 'iss') return refuse('PRESENTATION_MALFORMED', 'the token was issued by someone else');
    return refuse('PRESENTATION_MALFORMED', `the token's ${err.claim} claim is invalid`);
  }
  // A broken key set is the verifier's problem, not the token's: let it surface.
  if (err instanceof e.JOSEError && !(err instanceof e.JWKInvalid || err instanceof e.JWKSInvalid)) return refuse('PRESENTATION_MALFORMED', `the token is not a valid signed presentation (${err.code})`);
  throw err;
}

function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temp, file);
}
