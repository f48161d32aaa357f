import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { ConfigError, type Config, type LicencePrivateJwk } from '../../config';

/** The algorithms a presentation token may be signed with. */
export type LicenceSigningAlg = 'ES256' | 'EdDSA';
export const LICENCE_SIGNING_ALGS: readonly LicenceSigningAlg[] = ['ES256', 'EdDSA'];

/** A public key as `/.well-known/jwks.json` publishes it. */
export type LicencePublicJwk = JWK & { kid: string; alg: LicenceSigningAlg; use: 'sig' };

interface RingKey {
  kid: string;
  alg: LicenceSigningAlg;
  privateKey: CryptoKey;
  publicJwk: LicencePublicJwk;
}

/** Where the embedded default keeps its generated key (beside the PII dev keys). */
export const LICENCE_KEYS_FILE = 'licence-keys.json';

/**
 * The platform's presentation signing keys. Every key's public half is published as JWKS; only the
 * active key signs. Rotation: configure a new key beside the old ones and make it active
 * (LICENCE_SIGNING_KID); keep the old key published at least PRESENTATION_MAX_SECONDS plus the
 * JWKS cache time (300 s), then retire it.
 *
 * With nothing configured (embedded default, dev, tests) an ES256 key is generated on first start
 * into DATA_DIR/licence-keys.json (mode 0600), so restarts and offline verifiers holding its public
 * key keep working; production refuses to start without LICENCE_SIGNING_KEYS, as it does without
 * PII_KEYS.
 */
export class LicenceKeyRing {
  private constructor(
    private readonly keys: Map<string, RingKey>,
    private active: string,
    /** The `iss` of the tokens this ring signs. */
    readonly issuer: string,
  ) {}

  /** Loads the configured keys, or (outside production) the generated dev key under `dataDir`. */
  static async load(config: Pick<Config, 'env' | 'dataDir'> & { licences: Pick<Config['licences'], 'signingKeys' | 'signingKid' | 'tokenIssuer'> }): Promise<LicenceKeyRing> {
    const { signingKeys, signingKid, tokenIssuer } = config.licences;
    if (signingKeys?.length) return LicenceKeyRing.fromPrivateJwks(signingKeys, { activeKid: signingKid, issuer: tokenIssuer, source: 'LICENCE_SIGNING_KEYS' });
    if (config.env === 'production') throw new ConfigError('config error: LICENCE_SIGNING_KEYS is required in production');
    const stored = await loadOrCreateDevKeys(path.join(config.dataDir, LICENCE_KEYS_FILE));
    return LicenceKeyRing.fromPrivateJwks(stored.keys, { activeKid: stored.activeKid, issuer: tokenIssuer, source: LICENCE_KEYS_FILE });
  }

  /** A ring from private JWKs (each with kid and alg); the active key defaults to the last. */
  static async fromPrivateJwks(
    privateJwks: readonly LicencePrivateJwk[],
    options: { activeKid?: string; issuer?: string; source?: string } = {},
  ): Promise<LicenceKeyRing> {
    const source = options.source ?? 'licence signing keys';
    if (!privateJwks.length) throw new ConfigError(`config error: ${source} holds no key`);
    const keys = new Map<string, RingKey>();
    for (const jwk of privateJwks) {
      if (keys.has(jwk.kid)) throw new ConfigError(`config error: ${source} has two keys with kid ${jwk.kid}`);
      keys.set(jwk.kid, await importRingKey(jwk, source));
    }
    const activeKid = options.activeKid ?? privateJwks.at(-1)!.kid;
    if (!keys.has(activeKid)) throw new ConfigError(`config error: the active licence signing key ${activeKid} is not among ${source}`);
    return new LicenceKeyRing(keys, activeKid, options.issuer ?? 'onevisit-430000');
  }

  /** Shorthand of fromPrivateJwks (tests): `fromJwks([privateJwk], kid)`. */
  static fromJwks(privateJwks: readonly LicencePrivateJwk[], activeKid?: string, issuer?: string): Promise<LicenceKeyRing> {
    return LicenceKeyRing.fromPrivateJwks(privateJwks, { activeKid, issuer });
  }

  /** A new private signing JWK (with kid, alg and use), e.g. to put into LICENCE_SIGNING_KEYS. */
  static async generate(alg: LicenceSigningAlg = 'ES256', kid?: string): Promise<{ privateJwk: LicencePrivateJwk }> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const id = kid ?? `lic-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${(await calculateJwkThumbprint(jwk)).slice(0, 8)}`;
    return { privateJwk: { ...jwk, kid: id, alg, use: 'sig' } as LicencePrivateJwk };
  }

  /** The kid of the key that signs new tokens. */
  get activeKid(): string {
    return this.active;
  }

  /** The kids of every published key, active one included. */
  get kids(): string[] {
    return [...this.keys.keys()];
  }

  /** The public keys, for `/.well-known/jwks.json`: never a private part. */
  jwks(): { keys: LicencePublicJwk[] } {
    return { keys: [...this.keys.values()].map((k) => ({ ...k.publicJwk })) };
  }

  /** The active key, for signing (tokens.ts). */
  signingKey(): { kid: string; alg: LicenceSigningAlg; key: CryptoKey } {
    const key = this.keys.get(this.active)!;
    return { kid: key.kid, alg: key.alg, key: key.privateKey };
  }

  /** Generates a new key in memory and makes it active; the old keys stay published. Returns its kid. */
  async rotate(alg: LicenceSigningAlg = 'ES256'): Promise<string> {
    let kid: string;
    do kid = `lic-${randomBytes(6).toString('hex')}`;
    while (this.keys.has(kid));
    const { privateJwk } = await LicenceKeyRing.generate(alg, kid);
    this.keys.set(kid, await importRingKey(privateJwk, 'rotate'));
    this.active = kid;
    return kid;
  }

  /** Stops publishing a key that no longer signs (tokens signed by it then fail with PRESENTATION_KEY_UNKNOWN). */
  retire(kid: string): void {
    if (kid === this.active) throw new Error(`the active licence signing key ${kid} cannot be retired`);
    this.keys.delete(kid);
  }
}

async function importRingKey(jwk: LicencePrivateJwk, source: string): Promise<RingKey> {
  const { kid, alg } = jwk;
  if (!LICENCE_SIGNING_ALGS.includes(alg)) throw new ConfigError(`config error: ${source} key ${kid}: alg must be ES256 or EdDSA`);
  const publicPart: JWK =
    jwk.alg === 'ES256' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  let privateKey: CryptoKey;
  try {
    const { kty, crv, x, d } = jwk;
    const key = await importJWK({ kty, crv, x, d, ...(jwk.alg === 'ES256' ? { y: jwk.y } : {}) }, alg, { extractable: false });
    if (key instanceof Uint8Array) throw new Error('not an asymmetric key');
    privateKey = key;
    // The public half must belong to the private key: sign and verify once.
    const probe = await new CompactSign(new TextEncoder().encode(kid)).setProtectedHeader({ alg }).sign(privateKey);
    await compactVerify(probe, await importJWK(publicPart, alg)).catch(() => {
      throw new Error(`its public part (x${alg === 'ES256' ? ', y' : ''}) does not match d`);
    });
  } catch (err) {
    throw new ConfigError(`config error: ${source} key ${kid} is not a usable ${alg} private key (${err instanceof Error ? err.message : String(err)})`);
  }
  return { kid, alg, privateKey, publicJwk: { ...publicPart, kid, alg, use: 'sig' } };
}

interface StoredKeys {
  keys: LicencePrivateJwk[];
  activeKid?: string;
}

/** Reads DATA_DIR/licence-keys.json, creating it (0600, atomically: one winner among racing processes) on first start. */
async function loadOrCreateDevKeys(file: string): Promise<StoredKeys> {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { privateJwk } = await LicenceKeyRing.generate('ES256');
    const stored: StoredKeys = { keys: [privateJwk], activeKid: privateJwk.kid };
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  let stored: StoredKeys;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredKeys;
  } catch (err) {
    throw new ConfigError(`config error: ${file} is not readable JSON (${err instanceof Error ? err.message : String(err)}); delete it to generate a new dev key`);
  }
  if (!Array.isArray(stored?.keys) || !stored.keys.length) throw new ConfigError(`config error: ${file} holds no key; delete it to generate a new dev key`);
  return stored;
}
