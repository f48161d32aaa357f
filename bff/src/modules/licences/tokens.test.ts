import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, type JWK } from 'jose';
import { PRESENTATION_TOKEN_TYPE } from '@onevisit/shared-types';
import { loadConfig } from '../../config';
import { AppError } from '../../http/errors';
import { LicenceKeyRing, LICENCE_KEYS_FILE } from './keys';
import { signPresentation, verifyPresentation, type PresentationContent } from './tokens';

const LICENCE_ID = '1.2.156.3005.2.11100000000013338W001.11430000MB0000000X.430104200002290012.001.K';
const CONTENT: PresentationContent = {
  sub: LICENCE_ID,
  lt: 'id_card',
  pur: 'hotel_checkin',
  st: 'valid',
  fld: { name: '李晓明', gender: '男', idNumber: '430104200002290012' },
};
const T0 = new Date('2025-06-01T08:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function ringOf(alg: 'ES256' | 'EdDSA' = 'ES256', kid = 'k1'): Promise<LicenceKeyRing> {
  const { privateJwk } = await LicenceKeyRing.generate(alg, kid);
  return LicenceKeyRing.fromPrivateJwks([privateJwk], { issuer: 'onevisit-430000' });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** Re-encodes a JWS part as JSON changed by `edit`, keeping the other parts (and so the signature). */
function editPart(token: string, index: 0 | 1, edit: (value: Record<string, unknown>) => void): string {
  const parts = token.split('.');
  const value = JSON.parse(Buffer.from(parts[index], 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(value);
  parts[index] = Buffer.from(JSON.stringify(value)).toString('base64url');
  return parts.join('.');
}

describe('presentation tokens', () => {
  it.each(['ES256', 'EdDSA'] as const)('round-trips with %s: header, claims and expiry', async (alg) => {
    const ring = await ringOf(alg);
    const signed = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    expect(signed.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signed.expiresAt).toEqual(at(60));
    const header = JSON.parse(Buffer.from(signed.token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg, kid: 'k1', typ: PRESENTATION_TOKEN_TYPE });

    const claims = await verifyPresentation(ring, signed.token, { now: at(30) });
    expect(claims).toEqual({ iss: 'onevisit-430000', jti: signed.jti, iat: T0.getTime() / 1000, exp: T0.getTime() / 1000 + 60, ...CONTENT });
    // A relying party holding only the published keys verifies the same.
    await expect(verifyPresentation(JSON.parse(JSON.stringify(ring.jwks())) as { keys: JWK[] }, signed.token, { now: at(30), issuer: 'onevisit-430000' })).resolves.toEqual(claims);
  });

  it('gives every token its own 128-bit jti', async () => {
    const ring = await ringOf();
    const jtis = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await signPresentation(ring, CONTENT, { ttlSeconds: 30, now: T0 })).jti)));
    expect(jtis.size).toBe(20);
    expect(Buffer.from([...jtis][0], 'base64url')).toHaveLength(16);
  });

  it('refuses to sign for longer than 60 s, or with claims that are not a presentation', async () => {
    const ring = await ringOf();
    await expect(signPresentation(ring, CONTENT, { ttlSeconds: 61 })).rejects.toThrow(RangeError);
    await expect(signPresentation(ring, CONTENT, { ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(signPresentation(ring, { ...CONTENT, sub: 'not-a-licence-id' }, { ttlSeconds: 30 })).rejects.toThrow();
  });

  it('refuses an expired token (beyond the 5 s clock tolerance)', async () => {
    const ring = await ringOf();
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    await expect(verifyPresentation(ring, token, { now: at(64) })).resolves.toMatchObject({ sub: LICENCE_ID });
    expect(await refusal(verifyPresentation(ring, token, { now: at(65) }))).toBe('PRESENTATION_EXPIRED');
    expect(await refusal(verifyPresentation(ring, token, { now: at(3600) }))).toBe('PRESENTATION_EXPIRED');
    expect(await refusal(verifyPresentation(ring, token, { now: at(61), clockToleranceSeconds: 0 }))).toBe('PRESENTATION_EXPIRED');
  });

  it('refuses a token whose payload was tampered with (one byte, or a re-encoded claim)', async () => {
    const ring = await ringOf();
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    const [h, p, s] = token.split('.');
    const i = Math.floor(p.length / 2);
    const flipped = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
    expect(await refusal(verifyPresentation(ring, flipped, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    const renamed = editPart(token, 1, (c) => ((c.fld as Record<string, string>).name = '王五'));
    expect(await refusal(verifyPresentation(ring, renamed, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    const longer = editPart(token, 1, (c) => (c.exp = (c.exp as number) + 3600));
    expect(await refusal(verifyPresentation(ring, longer, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    const signature = Buffer.from(s, 'base64url');
    signature[0] ^= 1;
    expect(await refusal(verifyPresentation(ring, `${h}.${p}.${signature.toString('base64url')}`, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
  });

  it('refuses a token whose header was tampered with', async () => {
    const ring = await ringOf();
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    const extra = editPart(token, 0, (h) => (h.x5u = 'https://evil.example/cert'));
    expect(await refusal(verifyPresentation(ring, extra, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    // A signed header's typ changed: the signature no longer covers it.
    const retyped = editPart(token, 0, (h) => (h.typ = 'JWT'));
    expect(await refusal(verifyPresentation(ring, retyped, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    // alg switched to EdDSA for an ES256 key.
    const realg = editPart(token, 0, (h) => (h.alg = 'EdDSA'));
    expect(await refusal(verifyPresentation(ring, realg, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    // alg none / HS256 are not presentation tokens at all.
    for (const alg of ['none', 'HS256']) {
      expect(await refusal(verifyPresentation(ring, editPart(token, 0, (h) => (h.alg = alg)), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    }
  });

  it('refuses a token signed by a key that is not published, or naming no key', async () => {
    const ring = await ringOf('ES256', 'k1');
    const stranger = await ringOf('ES256', 'k-stranger');
    const { token } = await signPresentation(stranger, CONTENT, { ttlSeconds: 60, now: T0 });
    expect(await refusal(verifyPresentation(ring, token, { now: at(1) }))).toBe('PRESENTATION_KEY_UNKNOWN');
    // Another key under our kid: the signature does not verify.
    const impostor = await ringOf('ES256', 'k1');
    const forged = await signPresentation(impostor, CONTENT, { ttlSeconds: 60, now: T0 });
    expect(await refusal(verifyPresentation(ring, forged.token, { now: at(1) }))).toBe('PRESENTATION_SIGNATURE_INVALID');
    const noKid = editPart(token, 0, (h) => delete h.kid);
    expect(await refusal(verifyPresentation(ring, noKid, { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
  });

  it('refuses a correctly signed token of another type, issuer or shape', async () => {
    const ring = await ringOf();
    const { kid, alg, key } = ring.signingKey();
    const iat = T0.getTime() / 1000;
    const claims = { iss: 'onevisit-430000', jti: 'abcdefghijklmnopqrstuv', iat, exp: iat + 60, ...CONTENT };
    const sign = (payload: Record<string, unknown>, typ: string | null = PRESENTATION_TOKEN_TYPE) =>
      new SignJWT(payload).setProtectedHeader({ alg, kid, ...(typ ? { typ } : {}) }).sign(key);

    await expect(verifyPresentation(ring, await sign(claims), { now: at(1) })).resolves.toMatchObject({ jti: claims.jti });
    expect(await refusal(verifyPresentation(ring, await sign(claims, 'JWT'), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign(claims, null), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign({ ...claims, iss: 'someone-else' }), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign({ ...claims, lt: 'library_card' }), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign({ ...claims, fld: { shoeSize: '42' } }), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign({ ...claims, jti: undefined }), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
    expect(await refusal(verifyPresentation(ring, await sign({ ...claims, iat: iat + 30 }), { now: at(1) }))).toBe('PRESENTATION_MALFORMED');
  });

  it('refuses a token that lives longer than 60 s, even while it is fresh', async () => {
    const ring = await ringOf();
    const { kid, alg, key } = ring.signingKey();
    const iat = T0.getTime() / 1000;
    const token = await new SignJWT({ iss: 'onevisit-430000', jti: 'abcdefghijklmnopqrstuv', iat, exp: iat + 61, ...CONTENT })
      .setProtectedHeader({ alg, kid, typ: PRESENTATION_TOKEN_TYPE })
      .sign(key);
    const err = await verifyPresentation(ring, token, { now: at(1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'PRESENTATION_MALFORMED', status: 400, message: expect.stringContaining('61 s') });
  });

  it.each([
    ['empty text', ''],
    ['garbage', '这不是二维码 hello world'],
    ['a URL', 'https://example.com/a.b.c'],
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.eyJ9'],
    ['a header that is not JSON', `${Buffer.from('not json').toString('base64url')}.e30.AAAA`],
    ['an oversized text', `${'a'.repeat(9000)}.b.c`],
  ])('refuses %s as malformed', async (_label, text) => {
    const ring = await ringOf();
    expect(await refusal(verifyPresentation(ring, text))).toBe('PRESENTATION_MALFORMED');
  });

  it('rotation: an old key still verifies while published; once retired its tokens are KEY_UNKNOWN', async () => {
    const ring = await ringOf('ES256', 'old');
    const old = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    const newKid = await ring.rotate();
    expect(ring.activeKid).toBe(newKid);
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual(['old', newKid]);
    const fresh = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: T0 });
    expect(JSON.parse(Buffer.from(fresh.token.split('.')[0], 'base64url').toString()).kid).toBe(newKid);

    await expect(verifyPresentation(ring, old.token, { now: at(10) })).resolves.toMatchObject({ jti: old.jti });
    await expect(verifyPresentation(ring, fresh.token, { now: at(10) })).resolves.toMatchObject({ jti: fresh.jti });
    // A relying party's cached copy from before the rotation lacks the new key.
    const published = ring.jwks();

    ring.retire('old');
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
    expect(await refusal(verifyPresentation(ring, old.token, { now: at(10) }))).toBe('PRESENTATION_KEY_UNKNOWN');
    expect(await refusal(verifyPresentation({ keys: published.keys.filter((k) => k.kid !== 'old') }, old.token, { now: at(10) }))).toBe('PRESENTATION_KEY_UNKNOWN');
    await expect(verifyPresentation(ring, fresh.token, { now: at(10) })).resolves.toMatchObject({ jti: fresh.jti });
    expect(() => ring.retire(newKid)).toThrow('cannot be retired');
  });
});

describe('the licence key ring', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-licence-keys-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('publishes public keys only, with kid, alg and use', async () => {
    const a = (await LicenceKeyRing.generate('ES256', 'a')).privateJwk;
    const b = (await LicenceKeyRing.generate('EdDSA', 'b')).privateJwk;
    const ring = await LicenceKeyRing.fromPrivateJwks([a, b], { activeKid: 'a' });
    expect(ring.activeKid).toBe('a');
    const { keys } = ring.jwks();
    expect(keys).toEqual([
      { kty: 'EC', crv: 'P-256', x: a.x, y: (a as { y: string }).y, kid: 'a', alg: 'ES256', use: 'sig' },
      { kty: 'OKP', crv: 'Ed25519', x: b.x, kid: 'b', alg: 'EdDSA', use: 'sig' },
    ]);
    expect(JSON.stringify(keys)).not.toContain(a.d);
    expect(JSON.stringify(keys)).not.toContain('"d"');
  });

  it('generates an ES256 key with a dated thumbprint kid when none is given', async () => {
    const { privateJwk } = await LicenceKeyRing.generate();
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^lic-\d{8}-[A-Za-z0-9_-]{8}$/) });
  });

  it('loads LICENCE_SIGNING_KEYS from the environment, the named key signing', async () => {
    const a = (await LicenceKeyRing.generate('ES256', '2025a')).privateJwk;
    const b = (await LicenceKeyRing.generate('EdDSA', '2025b')).privateJwk;
    const config = loadConfig({ DATA_DIR: dataDir, LICENCE_SIGNING_KEYS: JSON.stringify([a, b]), LICENCE_SIGNING_KID: '2025a', LICENCE_TOKEN_ISSUER: 'onevisit-420000' });
    const ring = await LicenceKeyRing.load(config);
    expect(ring.activeKid).toBe('2025a');
    expect(ring.issuer).toBe('onevisit-420000');
    expect(ring.kids).toEqual(['2025a', '2025b']);
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 30 });
    await expect(verifyPresentation(ring, token)).resolves.toMatchObject({ iss: 'onevisit-420000' });
    // The last key is active when none is named; nothing is written to the data dir.
    expect((await LicenceKeyRing.load(loadConfig({ DATA_DIR: dataDir, LICENCE_SIGNING_KEYS: JSON.stringify([a, b]) }))).activeKid).toBe('2025b');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it.each([
    [{ LICENCE_SIGNING_KEYS: '[{"kid":"a","alg":"RS256","kty":"RSA"}]' }, 'LICENCE_SIGNING_KEYS key 0 (a): alg'],
    [{ LICENCE_SIGNING_KEYS: 'not json' }, 'LICENCE_SIGNING_KEYS must be a JSON array'],
    [{ LICENCE_SIGNING_KEYS: '[]' }, 'LICENCE_SIGNING_KEYS must hold at least one key'],
    [{ LICENCE_SIGNING_KID: 'x' }, 'LICENCE_SIGNING_KID is set but LICENCE_SIGNING_KEYS is not'],
  ])('refuses bad key configuration %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses a key whose public part does not match its private part, and an unknown active kid', async () => {
    const a = (await LicenceKeyRing.generate('ES256', 'a')).privateJwk;
    const b = (await LicenceKeyRing.generate('ES256', 'b')).privateJwk;
    const mixed = { ...a, x: b.x, y: (b as { y: string }).y };
    await expect(LicenceKeyRing.load(loadConfig({ DATA_DIR: dataDir, LICENCE_SIGNING_KEYS: JSON.stringify([mixed]) }))).rejects.toThrow(/key a is not a usable ES256 private key/);
    expect(() => loadConfig({ LICENCE_SIGNING_KEYS: JSON.stringify([a]), LICENCE_SIGNING_KID: 'zz' })).toThrow('LICENCE_SIGNING_KID zz names no key');
    expect(() => loadConfig({ LICENCE_SIGNING_KEYS: JSON.stringify([a, { ...b, kid: 'a' }]) })).toThrow('kids must be unique');
  });

  it('generates a dev key once into the data dir (0600) and reuses it after a restart', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' });
    const first = await LicenceKeyRing.load(config);
    const file = path.join(dataDir, LICENCE_KEYS_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual([LICENCE_KEYS_FILE]);
    const { token } = await signPresentation(first, CONTENT, { ttlSeconds: 60 });
    const second = await LicenceKeyRing.load(config);
    expect(second.activeKid).toBe(first.activeKid);
    expect(second.jwks()).toEqual(first.jwks());
    await expect(verifyPresentation(second, token)).resolves.toMatchObject({ sub: LICENCE_ID });
  });

  it('one key wins when several processes start at once on an empty data dir', async () => {
    const config = loadConfig({ DATA_DIR: path.join(dataDir, 'nested'), NODE_ENV: 'development' });
    const rings = await Promise.all(Array.from({ length: 5 }, () => LicenceKeyRing.load(config)));
    expect(new Set(rings.map((r) => r.activeKid)).size).toBe(1);
    expect(fs.readdirSync(path.join(dataDir, 'nested'))).toEqual([LICENCE_KEYS_FILE]);
  });

  it('refuses to start in production without configured keys, as for PII keys', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', MYSQL_URL: 'mysql://root@127.0.0.1:3306/x', ALLOW_SIMULATORS: 'true' });
    await expect(LicenceKeyRing.load(config)).rejects.toThrow('config error: LICENCE_SIGNING_KEYS is required in production');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
