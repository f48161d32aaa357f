/**
 * Simulated trusted issuers for mutual recognition of users (用户互认): the provincial identity
 * platform and three neighbouring provinces' platforms. Each has its own ES256 key pair
 * (generated with jose on first use; `kid` in every token header) and publishes
 *
 *   GET <prefix>/idp/<id>/.well-known/jwks.json             public keys (JWKS)
 *   GET <prefix>/idp/<id>/.well-known/openid-configuration  {issuer, jwks_uri, …}
 *
 * Tokens are minted by a dev hook: iss `<publicBase><prefix>/idp/<id>`, aud, sub, iat, nbf, exp
 * (5 minutes by default) and the claims `name`, `id_number`, `acr` ('L2' | 'L3'). Options override
 * exp/nbf/aud/iss/kid for negative tests. Key rotation adds a new kid and keeps the old key
 * published until it is removed, so tokens signed before rotation verify until then.
 */
import type { Context } from 'koa';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { guarded, type SimContext } from './context';
import { randomToken } from './util';

export const SIM_IDP_ISSUERS = Object.freeze([
  { id: 'hunan', name: '湖南省统一身份认证平台' },
  { id: 'hubei', name: '湖北政务服务网' },
  { id: 'chongqing', name: '渝快办' },
  { id: 'sichuan', name: '天府通办' },
] as const);

export type SimIdpId = (typeof SIM_IDP_ISSUERS)[number]['id'];

export interface SimIssuer {
  id: SimIdpId;
  name: string;
  /** The `iss` its tokens carry. */
  issuer: string;
  jwksUrl: string;
}

/** The simulated issuers as trusted-issuer config entries, for a BFF reachable at publicBase. */
export function simulatedIssuers(publicBase: string, prefix = '/sim'): SimIssuer[] {
  const base = publicBase.replace(/\/+$/, '');
  return SIM_IDP_ISSUERS.map(({ id, name }) => {
    const issuer = `${base}${prefix}/idp/${id}`;
    return { id, name, issuer, jwksUrl: `${issuer}/.well-known/jwks.json` };
  });
}

export interface IdpClaims {
  sub: string;
  name: string;
  idNumber: string;
  acr: 'L2' | 'L3';
  /** Anything else to put in the payload. */
  extra?: Record<string, unknown>;
}

export interface IdpTokenOptions {
  /** Default: the simulators' `idpAudience` option (onevisit-430000). */
  aud?: string | string[];
  /** Default: the issuer's own iss. */
  iss?: string;
  /** Absolute unix seconds; default iat + expiresIn. */
  exp?: number;
  /** Lifetime in seconds when exp is not given; default 300. */
  expiresIn?: number;
  /** Absolute unix seconds; default iat. */
  nbf?: number;
  /** Absolute unix seconds; default now. */
  iat?: number;
  /** Sign with this (still published or removed) key instead of the current one. */
  kid?: string;
}

interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface IdpSimulator {
  issuers(ctx?: Context): SimIssuer[];
  mintToken(issuerId: SimIdpId, claims: IdpClaims, options?: IdpTokenOptions): Promise<string>;
  /** Adds a new current key (new kid); the old ones stay published unless removeOld. */
  rotateKey(issuerId: SimIdpId, options?: { removeOld?: boolean }): Promise<{ kid: string; removed: string[] }>;
  /** Stops publishing a key; tokens it signed then fail verification (after the verifier refetches). */
  removeKey(issuerId: SimIdpId, kid: string): void;
  currentKid(issuerId: SimIdpId): Promise<string>;
  jwks(issuerId: SimIdpId): Promise<{ keys: JWK[] }>;
}

export function isSimIdpId(id: string): id is SimIdpId {
  return SIM_IDP_ISSUERS.some((i) => i.id === id);
}

export function idpSimulator(sim: SimContext, opts: { audience?: string } = {}): IdpSimulator {
  const audience = opts.audience ?? 'onevisit-430000';
  /** Published keys per issuer, oldest first; the last is current. All keys ever made, for `kid` signing. */
  const published = new Map<SimIdpId, IssuerKey[]>();
  const everMade = new Map<string, IssuerKey>();
  const ready = new Map<SimIdpId, Promise<void>>();

  async function newKey(id: SimIdpId): Promise<IssuerKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const day = new Date(sim.now()).toISOString().slice(0, 10).replace(/-/g, '');
    const kid = `${id}-${day}-${randomToken(4)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const key = { kid, privateKey, publicJwk };
    everMade.set(kid, key);
    return key;
  }

  function ensure(id: SimIdpId): Promise<void> {
    let p = ready.get(id);
    if (!p) {
      p = newKey(id).then((k) => {
        published.set(id, [k]);
      });
      ready.set(id, p);
    }
    return p;
  }

  function issuersFor(ctx?: Context): SimIssuer[] {
    return simulatedIssuers(sim.publicBase(ctx), sim.prefix);
  }

  async function mintToken(issuerId: SimIdpId, claims: IdpClaims, options: IdpTokenOptions = {}, ctx?: Context): Promise<string> {
    if (!isSimIdpId(issuerId)) throw new Error(`unknown simulated issuer ${issuerId}`);
    await ensure(issuerId);
    const keys = published.get(issuerId)!;
    const key = options.kid ? everMade.get(options.kid) : keys[keys.length - 1];
    if (!key) throw new Error(options.kid ? `no key ${options.kid}` : `issuer ${issuerId} publishes no key: rotateKey first`);
    const iat = options.iat ?? Math.floor(sim.now() / 1000);
    const iss = options.iss ?? issuersFor(ctx).find((i) => i.id === issuerId)!.issuer;
    return new SignJWT({ ...claims.extra, name: claims.name, id_number: claims.idNumber, acr: claims.acr })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(iss)
      .setAudience(options.aud ?? audience)
      .setSubject(claims.sub)
      .setIssuedAt(iat)
      .setNotBefore(options.nbf ?? iat)
      .setExpirationTime(options.exp ?? iat + (options.expiresIn ?? 300))
      .setJti(randomToken(12))
      .sign(key.privateKey);
  }

  async function jwks(issuerId: SimIdpId) {
    await ensure(issuerId);
    return { keys: published.get(issuerId)!.map((k) => k.publicJwk) };
  }

  sim.router.get(
    '/idp/:issuer/.well-known/jwks.json',
    guarded(sim, 'idp', async (ctx) => {
      const id = ctx.params.issuer;
      if (!isSimIdpId(id)) {
        ctx.status = 404;
        ctx.body = { error: 'unknown_issuer' };
        return;
      }
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = await jwks(id);
    }),
  );

  sim.router.get(
    '/idp/:issuer/.well-known/openid-configuration',
    guarded(sim, 'idp', (ctx) => {
      const found = issuersFor(ctx).find((i) => i.id === ctx.params.issuer);
      if (!found) {
        ctx.status = 404;
        ctx.body = { error: 'unknown_issuer' };
        return;
      }
      ctx.body = {
        issuer: found.issuer,
        jwks_uri: found.jwksUrl,
        id_token_signing_alg_values_supported: ['ES256'],
        claims_supported: ['sub', 'name', 'id_number', 'acr'],
        acr_values_supported: ['L2', 'L3'],
        service_name: found.name,
      };
    }),
  );

  return {
    issuers: issuersFor,
    mintToken: (issuerId, claims, options) => mintToken(issuerId, claims, options),
    async rotateKey(issuerId, options = {}) {
      await ensure(issuerId);
      const keys = published.get(issuerId)!;
      const fresh = await newKey(issuerId);
      const removed = options.removeOld ? keys.map((k) => k.kid) : [];
      published.set(issuerId, options.removeOld ? [fresh] : [...keys, fresh]);
      return { kid: fresh.kid, removed };
    },
    removeKey(issuerId, kid) {
      const keys = published.get(issuerId);
      if (keys) published.set(issuerId, keys.filter((k) => k.kid !== kid));
    },
    async currentKid(issuerId) {
      await ensure(issuerId);
      const keys = published.get(issuerId)!;
      return keys[keys.length - 1].kid;
    },
    jwks,
  };
}
