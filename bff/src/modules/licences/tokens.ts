import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWK, type ProtectedHeaderParameters } from 'jose';
import {
  PRESENTATION_MAX_SECONDS,
  PRESENTATION_TOKEN_TYPE,
  PresentationClaimsSchema,
  type LicenceFieldValues,
  type LicenceType,
  type PresentationClaims,
  type PresentationPurpose,
} from '@onevisit/shared-types';
import { AppError } from '../../http/errors';
import { LICENCE_SIGNING_ALGS, LicenceKeyRing } from './keys';

/*
 * Presentation tokens (亮证二维码): compact JWS, header {alg, kid, typ: ov-licence+jwt}, payload
 * PresentationClaims {iss, jti, iat, exp, sub, lt, pur, fld, st}, at most PRESENTATION_MAX_SECONDS long.
 * The same checks run in the offline verifier (scripts/licence-verifier) and the /verify page.
 */

/** Longest token text considered at all (a QR code holds < 3 KB). */
const MAX_TOKEN_CHARS = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface PresentationContent {
  /** The licence's GB/T 36904 identifier. */
  sub: string;
  lt: LicenceType;
  pur: PresentationPurpose;
  /** The disclosed field values (only what the citizen chose). */
  fld: LicenceFieldValues;
  /** The licence's status at presentation (revoked and expired licences are never presented). */
  st: PresentationClaims['st'];
}

export interface SignedPresentation {
  token: string;
  jti: string;
  expiresAt: Date;
}

/** Signs a presentation with the ring's active key; `ttlSeconds` is 1…PRESENTATION_MAX_SECONDS. */
export async function signPresentation(
  ring: LicenceKeyRing,
  claims: PresentationContent,
  options: { ttlSeconds: number; now?: Date },
): Promise<SignedPresentation> {
  const { ttlSeconds } = options;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > PRESENTATION_MAX_SECONDS) {
    throw new RangeError(`a presentation lives 1–${PRESENTATION_MAX_SECONDS} s, not ${ttlSeconds}`);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jti = randomBytes(16).toString('base64url');
  // Validated before signing: a token we could not verify ourselves is never issued.
  const payload = PresentationClaimsSchema.parse({ iss: ring.issuer, jti, iat, exp: iat + ttlSeconds, sub: claims.sub, lt: claims.lt, pur: claims.pur, fld: claims.fld, st: claims.st });
  const { kid, alg, key } = ring.signingKey();
  const token = await new SignJWT(payload).setProtectedHeader({ alg, kid, typ: PRESENTATION_TOKEN_TYPE }).sign(key);
  return { token, jti, expiresAt: new Date(payload.exp * 1000) };
}

export interface VerifyPresentationOptions {
  now?: Date;
  /** The `iss` required; default: the ring's issuer when a ring is given, otherwise not checked. */
  issuer?: string;
  /** Seconds of clock skew allowed on exp and iat (default 5). */
  clockToleranceSeconds?: number;
}

/**
 * Verifies a presentation token's signature, type, claims, lifetime and expiry. Refusals:
 * PRESENTATION_MALFORMED (not a JWS, bad header, wrong typ or issuer, claims not a presentation,
 * lifetime over PRESENTATION_MAX_SECONDS, issued in the future), PRESENTATION_KEY_UNKNOWN (kid not
 * in the key set), PRESENTATION_SIGNATURE_INVALID (tampered, or another key), PRESENTATION_EXPIRED.
 * Single use and revocation are the caller's (online) business.
 */
export async function verifyPresentation(
  jwks: { keys: JWK[] } | LicenceKeyRing,
  token: string,
  options: VerifyPresentationOptions = {},
): Promise<PresentationClaims> {
  const keySet = jwks instanceof LicenceKeyRing ? jwks.jwks() : jwks;
  const issuer = options.issuer ?? (jwks instanceof LicenceKeyRing ? jwks.issuer : undefined);
  const tolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? new Date();
  const text = typeof token === 'string' ? token.trim() : '';
  if (text.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(text)) throw malformed('the text is not a presentation token (compact JWS)');

  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(text);
  } catch {
    throw malformed("the token's header is not valid JSON");
  }
  if (typeof header.alg !== 'string' || !(LICENCE_SIGNING_ALGS as readonly string[]).includes(header.alg)) {
    throw malformed(`the token's alg must be ${LICENCE_SIGNING_ALGS.join(' or ')}`);
  }
  if (typeof header.kid !== 'string' || !header.kid) throw malformed('the token names no key (kid)');
  if (!keySet.keys.some((k) => k.kid === header.kid)) {
    throw new AppError('PRESENTATION_KEY_UNKNOWN', `the token is signed with key ${header.kid}, which is not among the published keys`);
  }

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(text, createLocalJWKSet(keySet), {
      algorithms: [...LICENCE_SIGNING_ALGS],
      typ: PRESENTATION_TOKEN_TYPE,
      currentDate: now,
      clockTolerance: tolerance,
      requiredClaims: ['iss', 'jti', 'iat', 'exp'],
      ...(issuer === undefined ? {} : { issuer }),
    }));
  } catch (err) {
    throw mapJoseError(err);
  }

  const parsed = PresentationClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(`the token's claims are not a presentation (${issue.path.join('.') || 'payload'}: ${issue.message})`);
  }
  const claims = parsed.data;
  if (claims.exp - claims.iat > PRESENTATION_MAX_SECONDS) throw malformed(`the token lives ${claims.exp - claims.iat} s, more than ${PRESENTATION_MAX_SECONDS} s`);
  if (claims.exp <= claims.iat) throw malformed('the token expires before it was issued');
  if (claims.iat > Math.floor(now.getTime() / 1000) + tolerance) throw malformed('the token is issued in the future');
  return claims;
}

function malformed(message: string): AppError {
  return new AppError('PRESENTATION_MALFORMED', message);
}

function mapJoseError(err: unknown): AppError {
  const e = joseErrors;
  if (err instanceof e.JWTExpired) return new AppError('PRESENTATION_EXPIRED', 'the presentation has expired; ask the holder to refresh the QR code');
  if (err instanceof e.JWSSignatureVerificationFailed || err instanceof e.JWKSNoMatchingKey || err instanceof e.JWKSMultipleMatchingKeys) {
    // No matching key although the kid is published: the header's alg does not fit that key — tampered.
    return new AppError('PRESENTATION_SIGNATURE_INVALID', "the token's signature does not verify against the platform's key");
  }
  if (err instanceof e.JWTClaimValidationFailed) {
    if (err.claim === 'typ') return malformed(`the token's typ is not ${PRESENTATION_TOKEN_TYPE}`);
    if (err.claim === 'iss') return malformed('the token was issued by someone else');
    return malformed(`the token's ${err.claim} claim is invalid`);
  }
  if (err instanceof e.JWSInvalid || err instanceof e.JWTInvalid || err instanceof e.JOSEAlgNotAllowed || err instanceof e.JOSENotSupported) {
    return malformed('the token is not a valid signed presentation');
  }
  // A broken key set (not the token's fault) is a bug of ours: let it surface.
  throw err;
}
