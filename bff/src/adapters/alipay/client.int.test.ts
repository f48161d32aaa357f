import { generateKeyPairSync } from 'node:crypto';
import type Koa from 'koa';
import { HOUSEHOLD_RESIDENTS } from '../../sim';
import { deadOrigin, startSimServer, type SimServer } from '../../sim/testServer';
import { beijingTimestamp, createAlipayClient, type AlipayClientOptions } from './client';

/**
 * A man in the middle for the tamper tests: requests under /mitm/<mode>/… reach the simulator
 * unchanged; its answer is altered on the way back.
 */
function mitm(app: Koa) {
  app.use(async (ctx, next) => {
    const m = /^\/mitm\/(\w+)(\/.*)$/.exec(ctx.path);
    if (!m) return next();
    ctx.path = m[2];
    await next();
    const body = String(ctx.body);
    if (m[1] === 'user') ctx.body = body.replace(/"user_id":"\d+"/, '"user_id":"2088000000000001"');
    if (m[1] === 'passed') ctx.body = body.replace('"passed":"F"', '"passed":"T"');
    if (m[1] === 'unsigned') ctx.body = body.replace(/,"sign":"[^"]+"/, '');
    if (m[1] === 'code') ctx.body = body.replace('isv.code-invalid', 'isv.other-thing');
  });
}

describe('Alipay adapter (alipay-sdk 4, RSA2 both ways) against the gateway simulator', () => {
  let server: SimServer;
  let deadUrl = '';
  beforeAll(async () => {
    server = await startSimServer({ before: mitm });
    deadUrl = await deadOrigin();
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const gateway = (path = '') => `${server.url}${path}/sim/alipay/gateway.do`;
  const client = (over: Partial<AlipayClientOptions> = {}) => {
    const c = server.sims.credentials.alipay;
    return createAlipayClient({ gatewayUrl: () => gateway(), appId: c.appId, privateKey: c.privateKey, alipayPublicKey: c.alipayPublicKey, ...over });
  };
  const person = { name: '张三', idNumber: HOUSEHOLD_RESIDENTS[0].idNumber };

  describe('alipay.system.oauth.token', () => {
    it('turns an auth code into the user id and open id', async () => {
      const { authCode, userId, openId } = server.sims.dev.alipayAuthCode('2088102122334455');
      expect(userId).toBe('2088102122334455');
      expect(await client().oauthToken(authCode)).toEqual({ userId: '2088102122334455', openId });
    });

    it('refuses a reused or unknown code with a signed error_response (isv.code-invalid)', async () => {
      const { authCode } = server.sims.dev.alipayAuthCode();
      await client().oauthToken(authCode);
      await expect(client().oauthToken(authCode)).rejects.toMatchObject({ system: 'alipay', kind: 'rejected', upstreamCode: 'isv.code-invalid' });
      await expect(client().oauthToken('0123456789abcdef')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isv.code-invalid' });
    });

    it('accepts PKCS#1 and bare base64 keys as well as PKCS#8 PEM', async () => {
      const { createPrivateKey, createPublicKey } = await import('node:crypto');
      const c = server.sims.credentials.alipay;
      const pkcs1 = createPrivateKey(c.privateKey).export({ format: 'pem', type: 'pkcs1' }) as string;
      const bare = (createPublicKey(c.alipayPublicKey).export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
      const { authCode, userId } = server.sims.dev.alipayAuthCode();
      expect((await client({ privateKey: pkcs1, alipayPublicKey: bare }).oauthToken(authCode)).userId).toBe(userId);
    });
  });

  describe('response signatures', () => {
    it('refuses a success response whose content was changed on the way (user_id swapped)', async () => {
      const { authCode } = server.sims.dev.alipayAuthCode();
      await expect(client({ gatewayUrl: () => gateway('/mitm/user') }).oauthToken(authCode)).rejects.toMatchObject({
        kind: 'unavailable',
        upstreamCode: 'invalid-signature',
      });
    });

    it('refuses a certify result flipped from F to T on the way', async () => {
      const { certifyId } = await client().certifyInitialize({ outerOrderNo: 'mitm-passed-1', ...person });
      expect(await client().certifyQuery(certifyId)).toEqual({ passed: false });
      await expect(client({ gatewayUrl: () => gateway('/mitm/passed') }).certifyQuery(certifyId)).rejects.toMatchObject({
        kind: 'unavailable',
        upstreamCode: 'invalid-signature',
      });
    });

    it('refuses unsigned responses and changed error responses', async () => {
      const { authCode } = server.sims.dev.alipayAuthCode();
      await expect(client({ gatewayUrl: () => gateway('/mitm/unsigned') }).oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
      await expect(client({ gatewayUrl: () => gateway('/mitm/unsigned') }).oauthToken('deadbeefdeadbeef')).rejects.toMatchObject({
        kind: 'unavailable',
        upstreamCode: 'invalid-signature',
      });
      await expect(client({ gatewayUrl: () => gateway('/mitm/code') }).oauthToken('deadbeefdeadbeef')).rejects.toMatchObject({
        kind: 'unavailable',
        upstreamCode: 'invalid-signature',
      });
    });

    it('refuses responses signed by a key other than the configured Alipay public key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
      const { authCode } = server.sims.dev.alipayAuthCode();
      await expect(client({ alipayPublicKey: other }).oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
      await expect(client({ alipayPublicKey: other }).oauthToken('deadbeefdeadbeef')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
    });
  });

  describe('request signatures and timestamps (checked by the simulator)', () => {
    it('is refused when our app key is not the registered one (isv.invalid-signature)', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      const { authCode } = server.sims.dev.alipayAuthCode();
      await expect(client({ privateKey: stranger }).oauthToken(authCode)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isv.invalid-signature' });
      // The refused call did not consume the code.
      expect((await client().oauthToken(authCode)).userId).toMatch(/^2088\d{12}$/);
    });

    it('is refused with an unknown app id', async () => {
      await expect(client({ appId: '2021000000000000' }).oauthToken('abc')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isv.invalid-app-id' });
    });

    it('stamps requests in Beijing time whatever the process TZ', async () => {
      expect(beijingTimestamp(new Date('2025-01-01T16:30:05Z'))).toBe('2025-01-02 00:30:05');
      const tz = process.env.TZ;
      process.env.TZ = 'America/Los_Angeles';
      try {
        const { authCode, userId } = server.sims.dev.alipayAuthCode();
        expect((await client().oauthToken(authCode)).userId).toBe(userId);
      } finally {
        if (tz === undefined) delete process.env.TZ;
        else process.env.TZ = tz;
      }
    });

    it('is refused when the timestamp is more than 15 minutes off (isv.invalid-timestamp)', async () => {
      const { authCode } = server.sims.dev.alipayAuthCode();
      const skewed = client({ now: () => new Date(Date.now() - 8 * 3600_000) });
      await expect(skewed.oauthToken(authCode)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isv.invalid-timestamp' });
    });
  });

  describe('face certification (alipay.user.certify.open.*)', () => {
    it('initializes, gives a signed certify URL whose page passes the citizen, and queries T', async () => {
      const c = client({ certifyReturnUrl: 'https://bff.example/h5/#/identity/face' });
      const { certifyId } = await c.certifyInitialize({ outerOrderNo: 'ov-face-0001', ...person });
      expect(certifyId).toMatch(/^[0-9a-f]{32}$/);
      // Same outer_order_no and identity: the same certification (safe to retry).
      expect(await c.certifyInitialize({ outerOrderNo: 'ov-face-0001', ...person })).toEqual({ certifyId });
      await expect(c.certifyInitialize({ outerOrderNo: 'ov-face-0001', name: '李四', idNumber: HOUSEHOLD_RESIDENTS[1].idNumber })).rejects.toMatchObject({
        kind: 'rejected',
        upstreamCode: 'OUTER_ORDER_NO_DUPLICATE',
      });
      expect(await c.certifyQuery(certifyId)).toEqual({ passed: false });

      const url = await c.certifyUrl(certifyId);
      const u = new URL(url);
      expect(u.origin + u.pathname).toBe(gateway());
      expect(u.searchParams.get('method')).toBe('alipay.user.certify.open.certify');
      expect(u.searchParams.get('sign_type')).toBe('RSA2');
      expect(JSON.parse(u.searchParams.get('biz_content')!)).toEqual({ certify_id: certifyId });

      // The gateway checks the URL's signature, then opens the certify page.
      const opened = await fetch(url, { redirect: 'manual' });
      expect(opened.status).toBe(302);
      const pageUrl = new URL(opened.headers.get('location')!, url);
      expect(pageUrl.pathname).toBe('/sim/alipay/certify');
      const forged = new URL(url);
      forged.searchParams.set('biz_content', JSON.stringify({ certify_id: 'f'.repeat(32) }));
      expect((await fetch(forged, { redirect: 'manual' })).status).toBe(400);

      const html = await (await fetch(pageUrl)).text();
      expect(html).toContain('张*');
      expect(html).not.toContain(person.idNumber);
      expect(html).toContain('id="sim-alipay-pass"');
      const done = await fetch(new URL('/sim/alipay/certify/complete', url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ certify_id: certifyId, result: 'pass' }),
        redirect: 'manual',
      });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`https://bff.example/h5/?certify_id=${certifyId}#/identity/face`);
      expect(await c.certifyQuery(certifyId)).toEqual({ passed: true });
    });

    it('sends the citizen back to the mini-program by default, and reports a failed check as F', async () => {
      const { certifyId } = await client().certifyInitialize({ outerOrderNo: 'ov-face-0002', ...person });
      const page = await fetch(`${server.url}/sim/alipay/certify/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ certify_id: certifyId, result: 'fail' }),
        redirect: 'manual',
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('认证未通过');
      expect(html).toContain(`alipays://platformapi/startapp?appId=${server.sims.credentials.alipay.appId}`);
      expect(await client().certifyQuery(certifyId)).toEqual({ passed: false });
      expect(server.sims.dev.alipayCompleteCertify(certifyId, true)).toBe(false);
    });

    it('gets business refusals as rejected', async () => {
      await expect(client().certifyQuery('0'.repeat(32))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'CERTIFY_ID_EXPIRED' });
      await expect(client().certifyInitialize({ outerOrderNo: 'ov-face-0003', name: '张三', idNumber: '430102199001011230' })).rejects.toMatchObject({
        kind: 'rejected',
        upstreamCode: 'CERT_INFO_INVALID',
      });
    });
  });

  it('is unavailable when the gateway is down, slow, failing or answering garbage', async () => {
    const { authCode } = server.sims.dev.alipayAuthCode();
    await expect(client({ gatewayUrl: () => `${deadUrl}/gateway.do` }).oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'network' });
    server.sims.dev.setFault('alipay', { delayMs: 3000 });
    const started = Date.now();
    await expect(client({ timeoutMs: 150 }).oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2500);
    server.sims.dev.setFault('alipay', { status: 502 });
    await expect(client().oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable' });
    server.sims.dev.setFault('alipay', { status: 200, body: '<html>busy</html>', contentType: 'text/html' });
    await expect(client().oauthToken(authCode)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    server.sims.dev.clearFaults();
    expect((await client().oauthToken(authCode)).userId).toMatch(/^2088/);
  });
});
