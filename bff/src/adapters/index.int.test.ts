import { createHash } from 'node:crypto';
import { HOUSEHOLD_RESIDENTS } from '../sim';
import { startSimServer, type SimServer } from '../sim/testServer';
import { createIdentityAdapters } from './index';
import type { IdentityAdapters } from './ports';

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('createIdentityAdapters wired to the simulators with their credentials', () => {
  let server: SimServer;
  let adapters: IdentityAdapters;
  beforeAll(async () => {
    server = await startSimServer();
    adapters = createIdentityAdapters(server.sims.adapterOptions(() => server.url));
  });
  afterAll(() => server.close());

  it('logs in on WeChat with a code minted over HTTP, and reads a face result minted over HTTP', async () => {
    const minted = (await (await post(`${server.url}/sim/dev/wechat/login-code`, { openid: 'o-dev-1', unionid: 'u-dev-1' })).json()) as { code: string; openid: string };
    expect(minted.openid).toBe('o-dev-1');
    expect(await adapters.wechat.code2Session(minted.code)).toMatchObject({ openid: 'o-dev-1', unionid: 'u-dev-1' });
    const generated = (await (await post(`${server.url}/sim/dev/wechat/login-code`, {})).json()) as { code: string; openid: string };
    expect((await adapters.wechat.code2Session(generated.code)).openid).toBe(generated.openid);

    const { verifyResult } = (await (await post(`${server.url}/sim/dev/wechat/face-result`, { openid: 'o-dev-1', name: '王芳', idNumber: HOUSEHOLD_RESIDENTS[2].idNumber, pass: true })).json()) as {
      verifyResult: string;
    };
    const face = await adapters.wechat.faceIdentifyResult(verifyResult);
    expect(face).toMatchObject({ identifyRet: 0, openid: 'o-dev-1', nameUtf8Md5: createHash('md5').update('王芳').digest('hex') });
    expect((await post(`${server.url}/sim/dev/wechat/face-result`, { openid: 'o' })).status).toBe(400);
  });

  it('logs in on Alipay with a code minted over HTTP', async () => {
    const minted = (await (await post(`${server.url}/sim/dev/alipay/auth-code`, { userId: '2088000011112222' })).json()) as { authCode: string };
    expect(await adapters.alipay.oauthToken(minted.authCode)).toMatchObject({ userId: '2088000011112222' });
  });

  it('sends an SMS, checks a real name and runs an H5 face check', async () => {
    await adapters.sms.send('13812345678', 'login_code', { code: '135790', minutes: '5' });
    expect(server.sims.dev.lastSmsTo('13812345678')?.params.code).toBe('135790');
    const r = HOUSEHOLD_RESIDENTS[3];
    expect(await adapters.household.verifyRealName(r.name, r.idNumber)).toEqual({ match: true });
    const started = await adapters.face.initialize({ name: r.name, idNumber: r.idNumber, returnUrl: `${server.url}/#/face` });
    expect(started.url.startsWith(`${server.url}/sim/face/page?`)).toBe(true);
    server.sims.dev.faceComplete(started.certifyId, true);
    expect(await adapters.face.query(started.certifyId)).toEqual({ status: 'passed' });
  });

  it('breaks and heals a system through the HTTP fault hook', async () => {
    expect((await post(`${server.url}/sim/dev/faults`, { system: 'household', fault: { status: 503 } })).status).toBe(200);
    await expect(adapters.household.verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
    expect((await post(`${server.url}/sim/dev/faults`, { system: 'household', fault: null })).status).toBe(200);
    expect(await adapters.household.verifyRealName('张三', HOUSEHOLD_RESIDENTS[0].idNumber)).toEqual({ match: true });
    expect((await post(`${server.url}/sim/dev/faults`, { system: 'mainframe', fault: null })).status).toBe(400);
  });

  it('lists its hooks, the fixture residents and the issuers', async () => {
    const index = (await (await fetch(`${server.url}/sim/dev`)).json()) as { hooks: string[] };
    expect(index.hooks).toContain('POST /sim/dev/wechat/login-code {openid?, unionid?} → {code, openid}');
    const residents = (await (await fetch(`${server.url}/sim/dev/household/residents`)).json()) as { residents: unknown[] };
    expect(residents.residents).toEqual(HOUSEHOLD_RESIDENTS);
    const issuers = (await (await fetch(`${server.url}/sim/dev/idp/issuers`)).json()) as { issuers: { issuer: string }[] };
    expect(issuers.issuers.map((i) => i.issuer)).toEqual(server.sims.issuers().map((i) => i.issuer));
  });

  it('hands out credentials in the formats the BFF config accepts', () => {
    const c = server.sims.credentials;
    expect(c.wechat.appId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(c.wechat.appSecret.length).toBeGreaterThanOrEqual(16);
    expect(c.alipay.appId).toMatch(/^\d{16}$/);
    expect(c.alipay.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(c.alipay.alipayPublicKey).toContain('BEGIN PUBLIC KEY');
    for (const s of [c.sms, c.household, c.face]) {
      expect(s.appKey.length).toBeGreaterThanOrEqual(4);
      expect(s.appSecret.length).toBeGreaterThanOrEqual(16);
    }
  });
});
