import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { isValidIdNumber, type IdentityLevel } from '@onevisit/shared-types';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';

export interface TrustedIssuer {
  /** Our short name for it, e.g. `hubei`. */
  id: string;
  /** Shown to citizens and staff, e.g. 湖北政务服务网. */
  name: string;
  /** The `iss` its tokens carry. */
  issuer: string;
  jwksUrl: string;
}

export interface RecognisedIdentity {
  issuerId: string;
  issuerName: string;
  subject: string;
  name: string;
  idNumber: string;
  /** The assurance the issuer vouches for (acr claim): L2 real-name or L3 real-person. */
  level: Extract<IdentityLevel, 'L2' | 'L3'>;
  issuedAt: Date;
}

const ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'];

/**
 * Mutual recognition (用户互认): verifies tokens of the provincial identity platform and of
 * neighbouring provinces with jose — signature against the issuer's JWKS (fetched, cached, and
 * refetched when an unknown key id appears), issuer, audience, expiry and not-before — and refuses
 * a token seen before (its jti, until it expires). Each failure has its own error code.
 */
export class TrustedIssuers {
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    private readonly issuers: () => TrustedIssuer[],
    private readonly audience: string,
    private readonly kv: Kv,
  ) {}

  private keysOf(issuer: TrustedIssuer) {
    let set = this.jwks.get(issuer.id);
    if (!set) {
      set = createRemoteJWKSet(new URL(issuer.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      this.jwks.set(issuer.id, set);
    }
    return set;
  }

  async verify(token: string): Promise<RecognisedIdentity> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AppError('TOKEN_MALFORMED', 'the token is not a JWT');
    }
    const issuer = this.issuers().find((i) => i.issuer === unverified.iss);
    if (!issuer) throw new AppError('TOKEN_UNKNOWN_ISSUER', `tokens of ${String(unverified.iss)} are not recognised here`);

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keysOf(issuer), {
        issuer: issuer.issuer,
        audience: this.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      throw mapJoseError(err, issuer);
    }
    const identity = this.identityFrom(issuer, payload);
    if (payload.jti) {
      const ttlMs = Math.max(1000, payload.exp! * 1000 - Date.now() + 60_000);
      const first = await this.kv.set(`mr:jti:${issuer.id}:${payload.jti}`, '1', { ttlMs, ifAbsent: true });
      if (!first) throw new AppError('TOKEN_REPLAYED', 'this token has been used already');
    }
    return identity;
  }

  private identityFrom(issuer: TrustedIssuer, payload: JWTPayload): RecognisedIdentity {
    const name = payload.name;
    const idNumber = typeof payload.id_number === 'string' ? payload.id_number.toUpperCase() : '';
    if (typeof name !== 'string' || !/^[\u4e00-\u9fa5·]{2,30}$/.test(name) || !isValidIdNumber(idNumber)) {
      throw new AppError('TOKEN_CLAIMS_INVALID', 'the token lacks a valid name and resident ID number');
    }
    return {
      issuerId: issuer.id,
      issuerName: issuer.name,
      subject: payload.sub!,
      name,
      idNumber,
      level: payload.acr === 'L3' ? 'L3' : 'L2',
      issuedAt: new Date(payload.iat! * 1000),
    };
  }
}

function mapJoseError(err: unknown, issuer: TrustedIssuer): AppError {
  const e = joseErrors;
  if (err instanceof e.JWTExpired) return new AppError('TOKEN_EXPIRED', 'the token has expired');
  if (err instanceof e.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' || err.claim === 'iat') return new AppError('TOKEN_NOT_YET_VALID', 'the token is not valid yet');
    if (err.claim === 'aud') return new AppError('TOKEN_AUDIENCE_INVALID', 'the token was issued for another audience');
    return new AppError('TOKEN_CLAIMS_INVALID', `the token's ${err.claim} claim is invalid`);
  }
  if (err instanceof e.JWSSignatureVerificationFailed || err instanceof e.JWKSNoMatchingKey || err instanceof e.JWKSMultipleMatchingKeys) {
    return new AppError('TOKEN_SIGNATURE_INVALID', `the token's signature does not verify against ${issuer.name}'s keys`);
  }
  if (err instanceof e.JOSEAlgNotAllowed || err instanceof e.JWSInvalid || err instanceof e.JWTInvalid) {
    return new AppError('TOKEN_MALFORMED', 'the token is not a valid signed JWT');
  }
  // Timeouts, a non-200 JWKS answer, an unreachable host, a broken key set: the issuer, not the token.
  return new AppError('UPSTREAM_UNAVAILABLE', `the keys of ${issuer.name} could not be fetched`);
}
