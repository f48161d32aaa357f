import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { idNumberCheckChar, type ErrorBody, type Me, type SessionResponse } from '@onevisit/shared-types';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { lastCode, loginBySms, passH5Face, testIdNumber } from '../../testing/citizens';
import { storageModes } from '../../testing/storage';
import { HOUSEHOLD_RESIDENTS } from '../../sim';
import { seedItems } from '../catalog/seed';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe.each(storageModes().map((m) => [m.name, m] as const))('citizen identity on %s', (_name, mode) => {
  let app: TestApp;
  let phoneSeq = 0;
  const nextPhone = () => `139${String(Date.now() % 1e4).padStart(4, '0')}${String(phoneSeq++).padStart(4, '0')}`;
  const body = async <T>(res: Response, status: number): Promise<T> => {
    const json = (await res.json()) as T;
    expect({ status: res.status, json }).toEqual({ status, json });
    return json;
  };
  const error = async (res: Response, status: number, code: string) => expect((await body<ErrorBody>(res, status)).code).toBe(code);
  const auth = (s: { token: string }) => ({ authorization: `Bearer ${s.token}` });

  beforeAll(async () => {
    app = await startTestApp(mode);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('H5: SMS login → L1, real-name → L2, face → L3, with masked data only', async () => {
    const phone = nextPhone();
    const session = await loginBySms(app, phone);
    expect(session.me).toMatchObject({ level: 'L1', phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, idNumber: null });
    const idNumber = testIdNumber('19880808', '321');
    const l2 = await body<Me>(await app.post('/api/v1/me/real-name', { name: '李四', idNumber }, auth(session)), 200);
    expect(l2).toMatchObject({ level: 'L2', name: '李*', idNumber: `430***********${idNumber.slice(-4)}` });
    const l3 = await passH5Face(app, auth(session));
    expect(l3.level).toBe('L3');
    expect(Date.parse(l3.faceValidUntil!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(JSON.stringify(l3)).not.toContain(idNumber);
  });

  it('WeChat: code2session login, face through the platform API bound to this citizen', async () => {
    const openid = `oTest${Date.now()}`;
    const session = await body<SessionResponse>(await app.post('/api/v1/auth/wechat/login', { code: app.sims.wechatLoginCode(openid) }), 200);
    expect(session.me.linked).toEqual([expect.objectContaining({ platform: 'wechat' })]);
    const again = await body<SessionResponse>(await app.post('/api/v1/auth/wechat/login', { code: app.sims.wechatLoginCode(openid) }), 200);
    expect(again.me.userId).toBe(session.me.userId);

    const idNumber = testIdNumber('19950505', '456');
    await body(await app.post('/api/v1/me/real-name', { name: '王五', idNumber }, auth(session)), 200);
    const started = await body<{ certifyId: string; name: string; idCardNumber: string }>(await app.post('/api/v1/me/face/start', { method: 'wechat' }, auth(session)), 200);
    expect(started).toMatchObject({ name: '王五', idCardNumber: idNumber });
    // A face result of someone else's WeChat does not lift this citizen.
    const foreign = app.sims.wechatFaceResult({ openid: 'oSomeoneElse', name: '王五', idNumber, pass: true });
    await error(await app.post('/api/v1/me/face/complete', { certifyId: started.certifyId, verifyResult: foreign }, auth(session)), 422, 'FACE_VERIFICATION_FAILED');
    const failed = app.sims.wechatFaceResult({ openid, name: '王五', idNumber, pass: false });
    await error(await app.post('/api/v1/me/face/complete', { certifyId: started.certifyId, verifyResult: failed }, auth(session)), 422, 'FACE_VERIFICATION_FAILED');
    const passed = app.sims.wechatFaceResult({ openid, name: '王五', idNumber, pass: true });
    expect((await body<Me>(await app.post('/api/v1/me/face/complete', { certifyId: started.certifyId, verifyResult: passed }, auth(session)), 200)).level).toBe('L3');
    await error(await app.post('/api/v1/me/face/complete', { certifyId: started.certifyId, verifyResult: passed }, auth(session)), 404, 'FACE_CERTIFY_NOT_FOUND');
    expect(md5(idNumber)).toHaveLength(32);
  });

  it('Alipay: oauth.token login and certify face', async () => {
    const { authCode } = app.sims.alipayAuthCode();
    const session = await body<SessionResponse>(await app.post('/api/v1/auth/alipay/login', { authCode }), 200);
    await error(await app.post('/api/v1/auth/alipay/login', { authCode }), 401, 'LOGIN_CODE_INVALID');
    await body(await app.post('/api/v1/me/real-name', { name: '赵六', idNumber: testIdNumber('19700101', '789') }, auth(session)), 200);
    const started = await body<{ certifyId: string; url: string }>(await app.post('/api/v1/me/face/start', { method: 'alipay' }, auth(session)), 200);
    expect(started.url).toContain('certify');
    expect(app.sims.alipayCompleteCertify(started.certifyId, true)).toBe(true);
    expect((await body<Me>(await app.post('/api/v1/me/face/complete', { certifyId: started.certifyId }, auth(session)), 200)).level).toBe('L3');
  });

  it('links WeChat, Alipay and a phone to one person, and refuses an identity someone else holds', async () => {
    const phone = nextPhone();
    const session = await loginBySms(app, phone);
    const openid = `oLink${Date.now()}`;
    await body(await app.post('/api/v1/me/link/wechat', { code: app.sims.wechatLoginCode(openid) }, auth(session)), 200);
    const { authCode } = app.sims.alipayAuthCode();
    const me = await body<Me>(await app.post('/api/v1/me/link/alipay', { authCode }, auth(session)), 200);
    expect(me.linked.map((l) => l.platform).sort()).toEqual(['alipay', 'phone', 'wechat']);
    const viaWechat = await body<SessionResponse>(await app.post('/api/v1/auth/wechat/login', { code: app.sims.wechatLoginCode(openid) }), 200);
    expect(viaWechat.me.userId).toBe(session.me.userId);

    const other = await loginBySms(app, nextPhone());
    await error(await app.post('/api/v1/me/link/wechat', { code: app.sims.wechatLoginCode(openid) }, auth(other)), 409, 'IDENTITY_ALREADY_LINKED');
  });

  it('sessions: refresh rotates, logout ends both tokens, a used token stays dead', async () => {
    const session = await loginBySms(app, nextPhone());
    const refreshed = await body<SessionResponse>(await app.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }), 200);
    await error(await app.get('/api/v1/me', auth(session)), 401, 'SESSION_INVALID');
    await error(await app.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    expect((await body<Me>(await app.get('/api/v1/me', auth(refreshed)), 200)).userId).toBe(session.me.userId);
    await body(await app.post('/api/v1/auth/logout', {}, auth(refreshed)), 200);
    await error(await app.get('/api/v1/me', auth(refreshed)), 401, 'SESSION_INVALID');
    await error(await app.post('/api/v1/auth/refresh', { refreshToken: refreshed.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    await error(await app.get('/api/v1/me'), 401, 'UNAUTHENTICATED');
    await error(await app.get('/api/v1/me', { authorization: 'Bearer forged-token-forged-token-forged' }), 401, 'SESSION_INVALID');
  });

  it('SMS codes: one use, wrong codes counted, locked after five tries, resend throttled', async () => {
    const phone = nextPhone();
    await body(await app.post('/api/v1/auth/sms/send', { phone }), 200);
    await error(await app.post('/api/v1/auth/sms/send', { phone }), 429, 'SMS_SEND_TOO_FREQUENT');
    const code = lastCode(app.sims, phone);
    await body(await app.post('/api/v1/auth/sms/login', { phone, code }), 200);
    await error(await app.post('/api/v1/auth/sms/login', { phone, code }), 401, 'SMS_CODE_INVALID'); // replay

    const other = nextPhone();
    await body(await app.post('/api/v1/auth/sms/send', { phone: other }), 200);
    const right = lastCode(app.sims, other);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await error(await app.post('/api/v1/auth/sms/login', { phone: other, code: wrong }), 401, 'SMS_CODE_INVALID');
    await error(await app.post('/api/v1/auth/sms/login', { phone: other, code: right }), 429, 'SMS_CODE_TOO_MANY_ATTEMPTS');
    await error(await app.post('/api/v1/auth/sms/login', { phone: other, code: right }), 401, 'SMS_CODE_INVALID');
    await error(await app.post('/api/v1/auth/sms/send', { phone: '1381234567' }), 400, 'VALIDATION_FAILED');
  });

  it('limits SMS codes per client address across many numbers (SMS pumping)', async () => {
    const limited = await startTestApp(mode, { SMS_PER_IP_PER_HOUR: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.post('/api/v1/auth/sms/send', { phone: nextPhone() })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const refused = await limited.post('/api/v1/auth/sms/send', { phone: nextPhone() });
      expect(((await refused.json()) as ErrorBody).code).toBe('RATE_LIMITED');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });

  it('real-name: refuses bad ID numbers by rule, a name the registry does not hold, and an ID bound to another account', async () => {
    const session = await loginBySms(app, nextPhone());
    const valid = testIdNumber('19820303', '111');
    // Each breaks exactly one rule: the others (check digit included) hold.
    const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);
    const cases: [string, string][] = [
      ['checksum', valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1')],
      ['date', withCheck('43010219820230111')],
      ['future birth', withCheck('43010220990101111')],
      ['region', withCheck(`99${valid.slice(2, 17)}`)],
      ['length', valid.slice(0, 17)],
      ['letters', `43010219820303A11X`],
    ];
    for (const [, idNumber] of cases) {
      const res = await app.post('/api/v1/me/real-name', { name: '张三', idNumber }, auth(session));
      const err = await body<ErrorBody & { details: { issues: { field: string }[] } }>(res, 400);
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.details.issues[0].field).toBe('body.idNumber');
    }
    const resident = HOUSEHOLD_RESIDENTS[0];
    await error(await app.post('/api/v1/me/real-name', { name: '冒名顶替', idNumber: resident.idNumber }, auth(session)), 422, 'REAL_NAME_MISMATCH');
    expect((await body<Me>(await app.get('/api/v1/me', auth(session)), 200)).level).toBe('L1'); // changed nothing

    await body(await app.post('/api/v1/me/real-name', { name: resident.name, idNumber: resident.idNumber }, auth(session)), 200);
    const someoneElse = await loginBySms(app, nextPhone());
    await error(await app.post('/api/v1/me/real-name', { name: resident.name, idNumber: resident.idNumber }, auth(someoneElse)), 409, 'ID_NUMBER_BOUND_ELSEWHERE');
    await error(await app.post('/api/v1/me/face/start', { method: 'h5', returnUrl: `${app.url}/` }, auth(someoneElse)), 403, 'REAL_NAME_REQUIRED');
  });

  it('enforces each item’s identity level and names the next step', async () => {
    const l3Item = seedItems.find((i) => i.identityLevel === 'L3')!;
    const l1Item = seedItems.find((i) => i.identityLevel === 'L1')!;
    const session = await loginBySms(app, nextPhone());
    expect((await body<{ eligible: boolean }>(await app.get(`/api/v1/me/eligibility/${l1Item.itemCode}`, auth(session)), 200)).eligible).toBe(true);
    const refused = await body<ErrorBody & { details: unknown }>(await app.get(`/api/v1/me/eligibility/${l3Item.itemCode}`, auth(session)), 403);
    expect(refused).toMatchObject({ code: 'IDENTITY_LEVEL_REQUIRED', details: { required: 'L3', current: 'L1', nextStep: 'real_name' } });
    await body(await app.post('/api/v1/me/real-name', { name: '钱七', idNumber: testIdNumber('19911111', '222') }, auth(session)), 200);
    expect((await body<{ details: { nextStep: string } }>(await app.get(`/api/v1/me/eligibility/${l3Item.itemCode}`, auth(session)), 403)).details.nextStep).toBe('face');
    await passH5Face(app, auth(session));
    expect((await body<{ eligible: boolean }>(await app.get(`/api/v1/me/eligibility/${l3Item.itemCode}`, auth(session)), 200)).eligible).toBe(true);
    await error(await app.get('/api/v1/me/eligibility/NOSUCHITEM0000000000', auth(session)), 404, 'ITEM_NOT_FOUND');
  });

  describe('mutual recognition', () => {
    const claims = (sub: string, idNumber: string) => ({ sub, name: '孙八', idNumber, acr: 'L3' as const });

    it('maps a neighbouring province’s token to the same person by ID number', async () => {
      const idNumber = testIdNumber('19850505', '333');
      const local = await loginBySms(app, nextPhone());
      await body(await app.post('/api/v1/me/real-name', { name: '孙八', idNumber }, auth(local)), 200);
      const token = await app.sims.idpToken('hubei', claims('hb-001', idNumber));
      const exchanged = await body<SessionResponse>(await app.post('/api/v1/auth/token/exchange', { token }), 200);
      expect(exchanged.me.userId).toBe(local.me.userId);
      expect(exchanged.me.level).toBe('L3');
      expect(exchanged.me.linked.map((l) => l.platform)).toContain('trusted_issuer');
      await error(await app.post('/api/v1/auth/token/exchange', { token }), 401, 'TOKEN_REPLAYED');
      const fresh = await app.sims.idpToken('chongqing', claims('cq-9', testIdNumber('19770707', '444')));
      const created = await body<SessionResponse>(await app.post('/api/v1/auth/token/exchange', { token: fresh }), 200);
      expect(created.me).toMatchObject({ level: 'L3', name: '孙*' });
    });

    it('refuses expired, not-yet-valid, wrong-audience, forged, unknown-issuer and malformed tokens', async () => {
      const idNumber = testIdNumber('19860606', '555');
      const now = Math.floor(Date.now() / 1000);
      const c = claims('x1', idNumber);
      await error(await app.post('/api/v1/auth/token/exchange', { token: await app.sims.idpToken('hunan', c, { iat: now - 600, exp: now - 300 }) }), 401, 'TOKEN_EXPIRED');
      await error(await app.post('/api/v1/auth/token/exchange', { token: await app.sims.idpToken('hunan', c, { nbf: now + 600, exp: now + 900 }) }), 401, 'TOKEN_NOT_YET_VALID');
      await error(await app.post('/api/v1/auth/token/exchange', { token: await app.sims.idpToken('hunan', c, { aud: 'someone-else' }) }), 401, 'TOKEN_AUDIENCE_INVALID');
      // Signed by a key the issuer never published, with the issuer's current kid.
      const { privateKey } = await generateKeyPair('ES256');
      const issuer = app.container.simulators!.issuers(app.container.selfUrl.value).find((i) => i.id === 'hunan')!;
      const forged = await new SignJWT({ name: '孙八', id_number: idNumber, acr: 'L3' })
        .setProtectedHeader({ alg: 'ES256', kid: await app.sims.idpCurrentKid('hunan') })
        .setIssuer(issuer.issuer)
        .setAudience(app.container.config.identity.tokenAudience)
        .setSubject('x1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      await error(await app.post('/api/v1/auth/token/exchange', { token: forged }), 401, 'TOKEN_SIGNATURE_INVALID');
      const stranger = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp.example.org').setAudience('x').setIssuedAt().setExpirationTime('5m').sign(privateKey);
      await error(await app.post('/api/v1/auth/token/exchange', { token: stranger }), 401, 'TOKEN_UNKNOWN_ISSUER');
      await error(await app.post('/api/v1/auth/token/exchange', { token: 'this-is-not-a-jwt-at-all' }), 401, 'TOKEN_MALFORMED');
      expect(await exportJWK((await generateKeyPair('ES256')).publicKey)).toHaveProperty('kty', 'EC');
    });
  });

  it('never logs an unmasked ID number, phone number or token', () => {
    expect(app.logs.length).toBeGreaterThan(50);
    expectNoPersonalDataIn(app.logs);
  });
});
