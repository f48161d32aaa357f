import type { Me, SessionResponse } from '@onevisit/shared-types/client';
import { memoryStore } from '../utils/storage';
import { createAuthedRequest } from './auth';
import { createRequest, type Transport, type TransportRequest, type TransportResponse } from './client';
import { ApiError, NetworkError } from './errors';
import { createIdentityApi, refreshWith } from './identity';
import { SessionManager } from './session';

const KEY = 'ov.session';
const me = (level: Me['level'] = 'L1'): Me => ({
  userId: 'u1',
  level,
  name: null,
  idNumber: null,
  phone: '138****5678',
  linked: [{ platform: 'phone', label: '138****5678', linkedAt: '2026-01-01T00:00:00Z' }],
  realNameVerifiedAt: null,
  faceValidUntil: null,
});
const sessionRes = (token: string, refreshToken = `r-${token}`, level: Me['level'] = 'L1'): SessionResponse => ({
  token,
  refreshToken,
  expiresAt: '2026-01-01T02:00:00Z',
  me: me(level),
});
const err = (status: number, code: string) => ({ statusCode: status, data: { code, message: code, requestId: `req-${code}` } });

type Answer = TransportResponse | { reject: unknown } | ((req: TransportRequest) => TransportResponse | Promise<TransportResponse>);

/** Answers by route: each path has a queue of answers; every request is recorded. */
function fakeBff(routes: Record<string, Answer[]>) {
  const calls: TransportRequest[] = [];
  const transport: Transport = async (req) => {
    calls.push(req);
    const path = req.url.replace(/^\/api\/v1/, '').replace(/\?.*$/, '');
    const queue = routes[path];
    const next = queue?.shift();
    if (!next) throw new Error(`unexpected ${req.method} ${path}`);
    if (typeof next === 'function') return next(req);
    if ('reject' in next) throw next.reject;
    return next;
  };
  return { transport, calls };
}

function setup(routes: Record<string, Answer[]>, stored?: SessionResponse) {
  const store = memoryStore(stored ? { [KEY]: { ...stored } } : {});
  const bff = fakeBff(routes);
  const request = createRequest({ base: '', transport: bff.transport });
  const session = new SessionManager({ store, key: KEY, refresh: refreshWith(request) });
  const authed = createAuthedRequest(request, session);
  const identity = createIdentityApi({ request, authed, session });
  return { store, session, authed, identity, calls: bff.calls };
}

describe('SessionManager', () => {
  it('restores a stored session and drops a malformed one', () => {
    const ok = setup({}, sessionRes('t1'));
    expect(ok.session.token).toBe('t1');
    expect(ok.session.me?.level).toBe('L1');

    const store = memoryStore({ [KEY]: { token: 't', refreshToken: 'r' } });
    const bad = new SessionManager({ store, key: KEY, refresh: jest.fn() });
    expect(bad.loggedIn).toBe(false);
    expect(store.data.has(KEY)).toBe(false);
  });

  it('persists adopt/updateMe/clear and tells subscribers', () => {
    const { session, store } = setup({});
    const seen: Array<string | null> = [];
    const off = session.subscribe((s) => seen.push(s ? `${s.token}:${s.me.level}` : null));
    session.adopt(sessionRes('t1'));
    session.updateMe(me('L2'));
    expect(store.get(KEY)).toMatchObject({ token: 't1', refreshToken: 'r-t1', me: { level: 'L2' } });
    session.clear();
    session.clear(); // no second notification
    off();
    session.adopt(sessionRes('t2'));
    expect(seen).toEqual(['t1:L1', 't1:L2', null]);
    expect(store.get(KEY)).toMatchObject({ token: 't2' });
  });

  it('updateMe without a session does nothing', () => {
    const { session, store } = setup({});
    session.updateMe(me('L3'));
    expect(session.loggedIn).toBe(false);
    expect(store.data.size).toBe(0);
  });
});

describe('authenticated requests', () => {
  it('send the bearer token', async () => {
    const { authed, calls } = setup({ '/me': [{ statusCode: 200, data: me() }] }, sessionRes('t1'));
    await authed('/me');
    expect(calls[0].header.Authorization).toBe('Bearer t1');
  });

  it('fail without a request when nobody is logged in', async () => {
    const { authed, calls } = setup({});
    const e = await authed('/me').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(calls).toHaveLength(0);
  });

  it('on 401 SESSION_INVALID refresh once, keep the new session and retry with the new token', async () => {
    const { authed, session, store, calls } = setup(
      {
        '/me': [err(401, 'SESSION_INVALID'), { statusCode: 200, data: me('L2') }],
        '/auth/refresh': [{ statusCode: 200, data: sessionRes('t2', 'r2') }],
      },
      sessionRes('t1', 'r1'),
    );
    await expect(authed('/me')).resolves.toMatchObject({ level: 'L2' });
    expect(calls.map((c) => `${c.method} ${c.url} ${c.header.Authorization ?? '-'}`)).toEqual([
      'GET /api/v1/me Bearer t1',
      'POST /api/v1/auth/refresh -',
      'GET /api/v1/me Bearer t2',
    ]);
    expect(calls[1].data).toEqual({ refreshToken: 'r1' });
    expect(session.token).toBe('t2');
    expect(store.get(KEY)).toMatchObject({ token: 't2', refreshToken: 'r2' });
  });

  it('shares one refresh between concurrent requests that were refused', async () => {
    let releaseRefresh!: () => void;
    const refreshGate = new Promise<void>((r) => (releaseRefresh = r));
    const { authed, calls } = setup(
      {
        '/a': [err(401, 'SESSION_INVALID'), { statusCode: 200, data: { a: 1 } }],
        '/b': [err(401, 'SESSION_INVALID'), { statusCode: 200, data: { b: 1 } }],
        '/auth/refresh': [
          async () => {
            await refreshGate;
            return { statusCode: 200, data: sessionRes('t2') };
          },
        ],
      },
      sessionRes('t1'),
    );
    const both = Promise.all([authed('/a'), authed('/b')]);
    await new Promise((r) => setTimeout(r, 0));
    releaseRefresh();
    await expect(both).resolves.toEqual([{ a: 1 }, { b: 1 }]);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(calls.filter((c) => c.header.Authorization === 'Bearer t2')).toHaveLength(2);
  });

  it('retries without refreshing when another request already refreshed the token', async () => {
    const ctx = setup({ '/a': [err(401, 'SESSION_INVALID'), { statusCode: 200, data: { ok: 1 } }] }, sessionRes('t1'));
    const first = ctx.authed('/a');
    ctx.session.adopt(sessionRes('t9')); // e.g. a refresh finished in between
    await expect(first).resolves.toEqual({ ok: 1 });
    expect(ctx.calls.map((c) => c.header.Authorization)).toEqual(['Bearer t1', 'Bearer t9']);
  });

  it('clears the session and rethrows when the refresh token is refused', async () => {
    const { authed, session, store } = setup(
      { '/me': [err(401, 'SESSION_INVALID')], '/auth/refresh': [err(401, 'REFRESH_TOKEN_INVALID')] },
      sessionRes('t1'),
    );
    const seen: unknown[] = [];
    session.subscribe((s) => seen.push(s));
    const e = await authed('/me').catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    expect(session.loggedIn).toBe(false);
    expect(store.data.has(KEY)).toBe(false);
    expect(seen).toEqual([null]);
  });

  it('keeps the session when the refresh could not reach the BFF', async () => {
    const { authed, session } = setup(
      { '/me': [err(401, 'SESSION_INVALID')], '/auth/refresh': [{ reject: { errMsg: 'request:fail timeout' } }] },
      sessionRes('t1'),
    );
    const e = await authed('/me').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect(session.token).toBe('t1');
  });

  it('clears the session when even the refreshed token is refused, and never loops', async () => {
    const { authed, session, calls } = setup(
      { '/me': [err(401, 'SESSION_INVALID'), err(401, 'SESSION_INVALID')], '/auth/refresh': [{ statusCode: 200, data: sessionRes('t2') }] },
      sessionRes('t1'),
    );
    await expect(authed('/me')).rejects.toMatchObject({ code: 'SESSION_INVALID' });
    expect(calls).toHaveLength(3);
    expect(session.loggedIn).toBe(false);
  });

  it('does not refresh on other errors (403, 422)', async () => {
    const { authed, calls, session } = setup({ '/me/real-name': [err(422, 'REAL_NAME_MISMATCH')] }, sessionRes('t1'));
    await expect(authed('/me/real-name', { method: 'POST', data: {} })).rejects.toMatchObject({ status: 422, code: 'REAL_NAME_MISMATCH' });
    expect(calls).toHaveLength(1);
    expect(session.token).toBe('t1');
  });

  it('a logout while refreshing wins over the refresh answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ctx = setup(
      {
        '/me': [err(401, 'SESSION_INVALID')],
        '/auth/refresh': [
          async () => {
            await gate;
            return { statusCode: 200, data: sessionRes('t2') };
          },
        ],
      },
      sessionRes('t1'),
    );
    const pending = ctx.authed('/me').catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 0));
    ctx.session.clear();
    release();
    await expect(pending).resolves.toMatchObject({ code: 'SESSION_INVALID' });
    expect(ctx.session.loggedIn).toBe(false);
  });
});

describe('identity API', () => {
  it('logs in by SMS: sends the code request, then adopts the session it answers with', async () => {
    const { identity, session, calls } = setup({
      '/auth/sms/send': [{ statusCode: 200, data: { sent: true, resendAfterSeconds: 60, expiresInSeconds: 300 } }],
      '/auth/sms/login': [{ statusCode: 200, data: sessionRes('t1') }],
    });
    await expect(identity.sendSmsCode('13800138000')).resolves.toEqual({ sent: true, resendAfterSeconds: 60, expiresInSeconds: 300 });
    await expect(identity.loginSms('13800138000', '123456')).resolves.toMatchObject({ userId: 'u1' });
    expect(calls.map((c) => [c.method, c.url, c.data])).toEqual([
      ['POST', '/api/v1/auth/sms/send', { phone: '13800138000' }],
      ['POST', '/api/v1/auth/sms/login', { phone: '13800138000', code: '123456' }],
    ]);
    expect(calls.every((c) => c.header.Authorization === undefined)).toBe(true);
    expect(session.token).toBe('t1');
  });

  it('logs in with WeChat and Alipay codes at their paths', async () => {
    const { identity, calls } = setup({
      '/auth/wechat/login': [{ statusCode: 200, data: sessionRes('w') }],
      '/auth/alipay/login': [{ statusCode: 200, data: sessionRes('a') }],
    });
    await identity.loginWechat('wx-code-123');
    await identity.loginAlipay('ali-auth-code');
    expect(calls.map((c) => [c.url, c.data])).toEqual([
      ['/api/v1/auth/wechat/login', { code: 'wx-code-123' }],
      ['/api/v1/auth/alipay/login', { authCode: 'ali-auth-code' }],
    ]);
  });

  it('a failed login leaves no session', async () => {
    const { identity, session } = setup({ '/auth/sms/login': [err(401, 'SMS_CODE_INVALID')] });
    await expect(identity.loginSms('13800138000', '000000')).rejects.toMatchObject({ code: 'SMS_CODE_INVALID' });
    expect(session.loggedIn).toBe(false);
  });

  it('real-name and face completion update the stored citizen', async () => {
    const { identity, session, calls } = setup(
      {
        '/me/real-name': [{ statusCode: 200, data: { ...me('L2'), name: '张*', idNumber: '430***********1234' } }],
        '/me/face/start': [{ statusCode: 200, data: { certifyId: 'cert-12345678', method: 'h5', url: 'http://x/sim/face' } }],
        '/me/face/complete': [{ statusCode: 200, data: { ...me('L3'), faceValidUntil: '2026-02-01T00:00:00Z' } }],
      },
      sessionRes('t1'),
    );
    await identity.realName({ name: '张三', idNumber: '43010219900101123X' });
    expect(session.me?.level).toBe('L2');
    expect(session.me?.idNumber).toBe('430***********1234');
    await expect(identity.faceStart({ method: 'h5', returnUrl: 'http://x/#/packages/identity/face/index' })).resolves.toMatchObject({ certifyId: 'cert-12345678' });
    await identity.faceComplete({ certifyId: 'cert-12345678' });
    expect(session.me?.level).toBe('L3');
    expect(calls.map((c) => [c.url, c.data, c.header.Authorization])).toEqual([
      ['/api/v1/me/real-name', { name: '张三', idNumber: '43010219900101123X' }, 'Bearer t1'],
      ['/api/v1/me/face/start', { method: 'h5', returnUrl: 'http://x/#/packages/identity/face/index' }, 'Bearer t1'],
      ['/api/v1/me/face/complete', { certifyId: 'cert-12345678' }, 'Bearer t1'],
    ]);
  });

  it('eligibility: 200 as is, 403 IDENTITY_LEVEL_REQUIRED as eligible:false from its details', async () => {
    const ok = { itemCode: 'A1', required: 'L1', current: 'L2', eligible: true, nextStep: null };
    const { identity, calls } = setup(
      {
        '/me/eligibility/A1': [{ statusCode: 200, data: ok }],
        '/me/eligibility/B%2F2': [
          { statusCode: 403, data: { code: 'IDENTITY_LEVEL_REQUIRED', message: 'L3 required', requestId: 'r', details: { required: 'L3', current: 'L1', nextStep: 'real_name' } } },
        ],
        '/me/eligibility/C3': [{ statusCode: 403, data: { code: 'IDENTITY_LEVEL_REQUIRED', message: 'x', requestId: 'r', details: { nope: 1 } } }],
      },
      sessionRes('t1'),
    );
    await expect(identity.eligibility('A1')).resolves.toEqual(ok);
    await expect(identity.eligibility('B/2')).resolves.toEqual({ itemCode: 'B/2', required: 'L3', current: 'L1', eligible: false, nextStep: 'real_name' });
    await expect(identity.eligibility('C3')).rejects.toMatchObject({ code: 'IDENTITY_LEVEL_REQUIRED' });
    expect(calls[1].url).toBe('/api/v1/me/eligibility/B%2F2');
  });

  it('logout ends the session at the BFF and here, even when the BFF refuses', async () => {
    const one = setup({ '/auth/logout': [{ statusCode: 200, data: { ok: true } }] }, sessionRes('t1'));
    await one.identity.logout();
    expect(one.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(one.calls[0].header.Authorization).toBe('Bearer t1');
    expect(one.session.loggedIn).toBe(false);

    const two = setup({ '/auth/logout': [err(401, 'SESSION_INVALID')] }, sessionRes('t1'));
    await two.identity.logout();
    expect(two.calls).toHaveLength(1); // no refresh just to log out
    expect(two.session.loggedIn).toBe(false);

    const three = setup({});
    await three.identity.logout();
    expect(three.calls).toHaveLength(0);
  });
});
