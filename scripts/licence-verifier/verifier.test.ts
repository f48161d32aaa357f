import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { LicenceKeyRing } from '../../bff/src/modules/licences/keys';
import { jwksRouter } from '../../bff/src/modules/licences/jwksRoute';
import { signPresentation, type PresentationContent } from '../../bff/src/modules/licences/tokens';
import { OfflineVerifier } from './verifier';

const ISSUER = 'onevisit-430000';
const CONTENT: PresentationContent = {
  sub: '1.2.156.3005.2.11100000000013338W001.11430000MB0000000X.4301042000.001.K',
  lt: 'id_card',
  pur: 'hotel_checkin',
  st: 'valid',
  fld: { idNumber: '430104200002290012', name: '李晓明', gender: '男' },
};

async function ringOf(kid: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<LicenceKeyRing> {
  const { privateJwk } = await LicenceKeyRing.generate(alg, kid);
  return LicenceKeyRing.fromPrivateJwks([privateJwk], { issuer: ISSUER });
}

/** A fetch that must not be called. */
const noNetwork = (async () => {
  throw new Error('the offline verifier called the network');
}) as unknown as typeof fetch;

describe('offline verifier (library)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-verifier-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['ES256', 'EdDSA'] as const)('accepts a fresh %s token minted by the BFF, with labelled fields', async (alg) => {
    const ring = await ringOf('k1', alg);
    const signed = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    const verifier = new OfflineVerifier({ jwks: ring.jwks(), issuer: ISSUER, fetch: noNetwork });
    const result = await verifier.verify(`  ${signed.token}\n`);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ jti: signed.jti, iss: ISSUER, ...CONTENT }),
      // In the standard order, whatever the token's.
      fields: [
        { key: 'name', label: '姓名', value: '李晓明' },
        { key: 'gender', label: '性别', value: '男' },
        { key: 'idNumber', label: '公民身份号码', value: '430104200002290012' },
      ],
      licenceType: { code: 'id_card', name: '居民身份证' },
      purpose: { code: 'hotel_checkin', name: '酒店入住' },
      status: { code: 'valid', name: '有效', colour: 'green', colourName: '正常' },
      expiresAt: signed.expiresAt,
      kid: 'k1',
    });
  });

  it('reports a licence abnormal when shown (a driving licence at 12 points) in red, still verified', async () => {
    const ring = await ringOf('k1');
    const abnormal: PresentationContent = {
      sub: '1.2.156.3005.2.11100000000013338W002.11430000MB0000000X.4301042000.001.K',
      lt: 'driving_licence',
      pur: 'car_rental',
      st: 'abnormal',
      fld: { name: '李晓明', drivingClass: 'C1' },
    };
    const { token } = await signPresentation(ring, abnormal, { ttlSeconds: 60 });
    const result = await new OfflineVerifier({ jwks: ring.jwks(), issuer: ISSUER, fetch: noNetwork }).verify(token);
    expect(result).toMatchObject({ ok: true, status: { code: 'abnormal', name: '状态异常', colour: 'red', colourName: '异常' }, licenceType: { code: 'driving_licence' } });
    // A token without a status claim is not a presentation.
    const [h, p, s] = token.split('.');
    const { st: _dropped, ...claims } = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(await new OfflineVerifier({ jwks: ring.jwks(), issuer: ISSUER, fetch: noNetwork }).verify(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`)).toMatchObject({ ok: false });
  });

  it('rejects a token after its expiry (injected clock), and one from another issuer', async () => {
    const ring = await ringOf('k1');
    const t0 = new Date('2025-06-01T08:00:00Z');
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 30, now: t0 });
    const verifier = new OfflineVerifier({ jwks: ring.jwks(), issuer: ISSUER });
    expect((await verifier.verify(token, new Date(t0.getTime() + 20_000))).ok).toBe(true);
    expect(await verifier.verify(token, new Date(t0.getTime() + 36_000))).toMatchObject({ ok: false, code: 'PRESENTATION_EXPIRED' });
    const other = new OfflineVerifier({ jwks: ring.jwks(), issuer: 'onevisit-420000' });
    expect(await other.verify(token, t0)).toMatchObject({ ok: false, code: 'PRESENTATION_MALFORMED', message: expect.stringContaining('issued by someone else') });
  });

  it('rejects a tampered token, a token of an unknown key, and garbage', async () => {
    const ring = await ringOf('k1');
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    const verifier = new OfflineVerifier({ jwks: ring.jwks(), issuer: ISSUER, fetch: noNetwork });
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { fld: Record<string, string> };
    claims.fld.name = '王五';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(await verifier.verify(tampered)).toMatchObject({ ok: false, code: 'PRESENTATION_SIGNATURE_INVALID' });

    const stranger = await ringOf('k-stranger');
    const foreign = await signPresentation(stranger, CONTENT, { ttlSeconds: 60 });
    expect(await verifier.verify(foreign.token)).toMatchObject({ ok: false, code: 'PRESENTATION_KEY_UNKNOWN', message: expect.stringContaining('k-stranger') });
    expect(await verifier.verify('hello')).toMatchObject({ ok: false, code: 'PRESENTATION_MALFORMED' });
  });

  it('works from a cached key file without network, and fetches only for a kid it does not hold', async () => {
    const ring = await ringOf('k1');
    const cacheFile = path.join(dir, 'keys.json');
    let fetches = 0;
    const served = (async () => {
      fetches++;
      return new Response(JSON.stringify(ring.jwks()), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const online = new OfflineVerifier({ jwksUrl: 'https://platform.example/.well-known/jwks.json', cacheFile, issuer: ISSUER, fetch: served });
    await online.refreshKeys();
    expect(fetches).toBe(1);
    expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8'))).toEqual(ring.jwks());

    // A new process, no network at all: the cache file is enough.
    const offline = new OfflineVerifier({ cacheFile, issuer: ISSUER, fetch: noNetwork });
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    expect(await offline.verify(token)).toMatchObject({ ok: true, kid: 'k1' });
    // With a URL configured but the kid cached: still no call.
    const cachedWithUrl = new OfflineVerifier({ jwksUrl: 'https://platform.example/.well-known/jwks.json', cacheFile, issuer: ISSUER, fetch: noNetwork });
    expect(await cachedWithUrl.verify(token)).toMatchObject({ ok: true });

    // The platform rotates: a token of the new key makes the verifier fetch once, then it verifies.
    const newKid = await ring.rotate();
    const rotated = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    const again = new OfflineVerifier({ jwksUrl: 'https://platform.example/.well-known/jwks.json', cacheFile, issuer: ISSUER, fetch: served });
    expect(await again.verify(rotated.token)).toMatchObject({ ok: true, kid: newKid });
    expect(fetches).toBe(2);
    expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).keys.map((k: { kid: string }) => k.kid)).toEqual(['k1', newKid]);
    // An unknown kid within the cooldown: no second fetch, refused.
    const stranger = await signPresentation(await ringOf('k-stranger'), CONTENT, { ttlSeconds: 60 });
    expect(await again.verify(stranger.token)).toMatchObject({ ok: false, code: 'PRESENTATION_KEY_UNKNOWN' });
    expect(fetches).toBe(2);

    // Unreachable platform and no cache: it says so rather than calling the token bad.
    const nothing = new OfflineVerifier({ jwksUrl: 'https://platform.example/.well-known/jwks.json', issuer: ISSUER, fetch: noNetwork });
    expect(await nothing.verify(token)).toMatchObject({ ok: false, code: 'KEYS_UNAVAILABLE' });
  });

  it('refuses a key set holding a private key', async () => {
    const { privateJwk } = await LicenceKeyRing.generate('ES256', 'k1');
    expect(() => new OfflineVerifier({ jwks: { keys: [privateJwk] }, issuer: ISSUER })).toThrow('private key');
  });
});

describe('offline verifier (command line) against the BFF key route', () => {
  let dir: string;
  let server: http.Server;
  let base: string;
  let ring: LicenceKeyRing;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-verifier-cli-'));
    ring = await ringOf('cli-key');
    const app = new Koa();
    app.use(jwksRouter(ring).routes());
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function cli(args: string[], stdin?: string): Promise<{ code: number | null; out: Record<string, unknown> | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cli.ts'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : null, stderr }));
      child.stdin.end(stdin ?? '');
    });
  }

  it('serves the JWKS with a 5-minute public cache', async () => {
    const res = await fetch(`${base}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await res.json()).toEqual(ring.jwks());
  });

  it('fetch-keys, then verify offline (argument and stdin), exit codes 0 / 1 / 2', async () => {
    const keys = path.join(dir, 'keys.json');
    const fetched = await cli(['fetch-keys', '--url', `${base}/.well-known/jwks.json`, '--out', keys]);
    expect(fetched).toMatchObject({ code: 0, out: { ok: true, kids: ['cli-key'] } });

    // The route is gone from here on: verification uses the file only.
    await new Promise((resolve) => server.close(resolve));
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    // Separate processes, run side by side (each pays tsx's start-up).
    const [ok, piped, expired, usage] = await Promise.all([
      cli(['verify', '--keys', keys, token]),
      cli(['verify', '--keys', keys, '-'], `${token}\n`),
      cli(['verify', '--keys', keys, '--now', new Date(Date.now() + 120_000).toISOString(), token]),
      cli(['verify', '--keys', keys]),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatchObject({ ok: true, licenceType: { name: '居民身份证' }, purpose: { name: '酒店入住' }, fields: expect.arrayContaining([{ key: 'name', label: '姓名', value: '李晓明' }]) });
    expect(piped.code).toBe(0);
    expect(expired).toMatchObject({ code: 1, out: { ok: false, code: 'PRESENTATION_EXPIRED' } });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage:');
  });
});
