import { createHash } from 'node:crypto';
import { deadOrigin, startSimServer, type SimServer } from '../../sim/testServer';
import { MemoryKv } from '../../kv/memory';
import { createWechatNotifyClient } from '../notify/wechat';
import { WechatAccessToken } from './accessToken';
import { createWechatClient, type WechatClientOptions } from './client';
import { startWechatHarness, type WechatHarness } from './testSupport';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('WeChat adapter against the WeChat API simulator', () => {
  let server: SimServer;
  let simNow = Date.now();
  let deadUrl = '';
  beforeAll(async () => {
    server = await startSimServer({ now: () => simNow, wechatQuotaPerMinute: 40 });
    deadUrl = await deadOrigin();
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const client = (over: Partial<WechatClientOptions> = {}) =>
    createWechatClient({ baseUrl: () => `${server.url}/sim/wechat`, ...server.sims.credentials.wechat, ...over });

  describe('jscode2session', () => {
    it('turns a login code into the openid (and unionid when bound)', async () => {
      const code = server.sims.dev.wechatLoginCode('o-alice', 'u-alice');
      const session = await client().code2Session(code);
      expect(session).toEqual({ openid: 'o-alice', unionid: 'u-alice', sessionKey: expect.stringMatching(/^[\w-]{22}==$/) });
      const plain = await client().code2Session(server.sims.dev.wechatLoginCode('o-bob'));
      expect(plain).not.toHaveProperty('unionid');
    });

    it('refuses a used code (40163), an unknown one (40029) and one older than 5 minutes (40029)', async () => {
      const code = server.sims.dev.wechatLoginCode('o-carol');
      await client().code2Session(code);
      await expect(client().code2Session(code)).rejects.toMatchObject({ system: 'wechat', kind: 'rejected', upstreamCode: '40163' });
      await expect(client().code2Session('never-issued-code')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '40029' });
      const old = server.sims.dev.wechatLoginCode('o-dave');
      simNow += 5 * 60_000 + 1;
      try {
        await expect(client().code2Session(old)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '40029' });
      } finally {
        simNow -= 5 * 60_000 + 1;
      }
    });

    it('is refused with a bad secret (40125) or appid (40013)', async () => {
      const code = server.sims.dev.wechatLoginCode('o-erin');
      await expect(client({ appSecret: '0'.repeat(32) }).code2Session(code)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '40125' });
      await expect(client({ appId: 'wx0000000000000000' }).code2Session(code)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '40013' });
      // The refused attempts did not consume the code.
      expect((await client().code2Session(code)).openid).toBe('o-erin');
    });

    it('treats the minute quota (45011) as unavailable, not as a bad code', async () => {
      const attempts = await Promise.allSettled(Array.from({ length: 45 }, () => client().code2Session('x-unknown')));
      const codes = attempts.map((a) => (a.status === 'rejected' ? `${a.reason.kind}:${a.reason.upstreamCode}` : 'ok'));
      expect(codes).toContain('unavailable:45011');
      expect(codes).toContain('rejected:40029');
      simNow += 60_000;
      const code = server.sims.dev.wechatLoginCode('o-frank');
      expect((await client().code2Session(code)).openid).toBe('o-frank');
    });

    it('never puts the app secret in an error message', async () => {
      const err = await client({ appSecret: 'super-secret-value-123' }).code2Session('x').catch((e: Error) => e);
      expect(String(err)).not.toContain('super-secret-value-123');
      const down = await client({ baseUrl: () => deadUrl, appSecret: 'super-secret-value-123' }).code2Session('x').catch((e: Error) => e);
      expect(down).toMatchObject({ kind: 'unavailable' });
      expect(String(down)).not.toContain('super-secret-value-123');
    });
  });

  describe('face verification result (cityservice/face/identify/getinfo)', () => {
    const person = { openid: 'o-face', name: '张三', idNumber: '43010219900101123x' };

    it('reads a passed result with the MD5 of the upper-case ID number and the UTF-8 name', async () => {
      const vr = server.sims.dev.wechatFaceResult({ ...person, pass: true });
      const result = await client().faceIdentifyResult(vr);
      expect(result).toEqual({
        identifyRet: 0,
        openid: 'o-face',
        idCardNumberMd5: md5('43010219900101123X'),
        nameUtf8Md5: md5('张三'),
        identifyTime: Math.floor(simNow / 1000),
      });
    });

    it('reads a failed result as a non-zero identify_ret, and refuses an unknown verify_result', async () => {
      const vr = server.sims.dev.wechatFaceResult({ ...person, pass: false });
      expect((await client().faceIdentifyResult(vr)).identifyRet).toBe(10004);
      await expect(client().faceIdentifyResult('vr_forged')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '84001' });
    });

    describe('the access token (stable_token), on a WeChat of its own', () => {
      let h: WechatHarness;
      beforeEach(async () => {
        h = await startWechatHarness();
      });
      afterEach(() => h.close());
      const own = (over: Partial<WechatClientOptions> = {}) => createWechatClient({ baseUrl: () => h.baseUrl, ...h.credentials, ...over });

      it('caches the access token until 5 minutes before expiry, then takes the one WeChat renewed', async () => {
        let clientNow = 1_000_000;
        const advance = (ms: number) => {
          clientNow += ms;
          h.advance(ms);
        };
        const c = own({ now: () => clientNow });
        const start = await c.accessToken();
        const results = await Promise.all([1, 2, 3].map(() => c.faceIdentifyResult(h.sim.faceResult({ ...person, pass: true }))));
        expect(results.map((r) => r.identifyRet)).toEqual([0, 0, 0]);
        expect(await c.accessToken()).toBe(start);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 1, forced: 0 });
        advance((7200 - 301) * 1000);
        expect(await c.accessToken()).toBe(start);
        advance(2000);
        expect(await c.accessToken()).not.toBe(start);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 0 });
      });

      it('fetches one token for concurrent callers', async () => {
        const c = own();
        const tokens = await Promise.all([c.accessToken(), c.accessToken(), c.accessToken()]);
        expect(new Set(tokens).size).toBe(1);
        expect(h.sim.stableTokenCalls().normal).toBe(1);
      });

      it('shares the app’s provider with subscribe messages: one token fetched for both', async () => {
        const accessToken = new WechatAccessToken({ baseUrl: () => h.baseUrl, ...h.credentials, kv: new MemoryKv() });
        h.sim.subscribe('o-shared', ['OVtestWxCaseProgress_000000000000000000000'], { longTerm: true });
        const notify = createWechatNotifyClient({ baseUrl: () => h.baseUrl, ...h.credentials, accessToken });
        await notify.sendSubscribeMessage('o-shared', 'OVtestWxCaseProgress_000000000000000000000', '', { thing2: '居民身份证补领' });
        expect((await own({ accessToken }).faceIdentifyResult(h.sim.faceResult({ ...person, pass: true }))).identifyRet).toBe(0);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 1, forced: 0 });
      });
    });

    it('drops a token WeChat no longer accepts (40001) and retries once', async () => {
      const c = client();
      const first = await c.accessToken();
      server.sims.dev.wechatExpireAccessTokens();
      const result = await c.faceIdentifyResult(server.sims.dev.wechatFaceResult({ ...person, pass: true }));
      expect(result.identifyRet).toBe(0);
      expect(await c.accessToken()).not.toBe(first);
    });

    it('is refused when the token cannot be had (bad secret → 40125)', async () => {
      await expect(client({ appSecret: '1'.repeat(32) }).faceIdentifyResult('vr_x')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '40125' });
    });
  });

  it('is unavailable when WeChat is down, slow, failing or answering garbage', async () => {
    await expect(client({ baseUrl: () => deadUrl }).code2Session('abc')).rejects.toMatchObject({ kind: 'unavailable' });
    server.sims.dev.setFault('wechat', { delayMs: 800 });
    await expect(client({ timeoutMs: 100 }).code2Session('abc')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
    server.sims.dev.setFault('wechat', { status: 502 });
    await expect(client().faceIdentifyResult('vr')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
    server.sims.dev.setFault('wechat', { status: 200, body: 'system busy' });
    await expect(client().code2Session('abc')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    server.sims.dev.setFault('wechat', { status: 200, body: '{"errcode":-1,"errmsg":"system error"}', contentType: 'application/json' });
    await expect(client().code2Session('abc')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: '-1' });
  });

});
