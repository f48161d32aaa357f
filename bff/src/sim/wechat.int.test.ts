import { startWechatHarness, type WechatHarness } from '../adapters/wechat/testSupport';

const MINUTE = 60_000;

describe('WeChat simulator: access tokens', () => {
  let h: WechatHarness;
  beforeEach(async () => {
    h = await startWechatHarness();
  });
  afterEach(() => h.close());

  const post = async (path: string, body: unknown) => (await fetch(`${h.baseUrl}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })).json();
  const stable = (over: Record<string, unknown> = {}) =>
    post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: h.credentials.appId, secret: h.credentials.appSecret, ...over }) as Promise<{
      access_token: string;
      expires_in: number;
      errcode?: number;
    }>;
  const classic = async () =>
    (await (await fetch(`${h.baseUrl}/cgi-bin/token?grant_type=client_credential&appid=${h.credentials.appId}&secret=${h.credentials.appSecret}`)).json()) as { access_token: string };

  it('stable_token checks the request as cgi-bin/token does', async () => {
    expect(await stable({ secret: 'wrong' })).toMatchObject({ errcode: 40125 });
    expect(await stable({ appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 });
    expect(await stable({ appid: undefined })).toMatchObject({ errcode: 41002 });
    expect(await stable({ secret: undefined })).toMatchObject({ errcode: 41004 });
    expect(await stable({ grant_type: 'authorization_code' })).toMatchObject({ errcode: 40002 });
    expect(await stable({ force_refresh: 'yes' })).toMatchObject({ errcode: 47001 });
    expect(await post('/cgi-bin/stable_token', 'not json')).toMatchObject({ errcode: 47001 });
    expect(h.sim.tokensIssued()).toBe(0);
  });

  it('normal mode hands every caller the same token, with what remains of it, and renews it in its last 5 minutes', async () => {
    const first = await stable();
    expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    h.advance(60 * MINUTE);
    expect(await stable({ force_refresh: false })).toEqual({ access_token: first.access_token, expires_in: 3600 });
    expect(h.sim.tokensIssued()).toBe(1);
    h.advance(55 * MINUTE); // 5 minutes left: renewed, the old one still good to its end
    const renewed = await stable();
    expect(renewed.expires_in).toBe(7200);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(await h.tokenErrcode(first.access_token)).toBe(84001);
    h.advance(5 * MINUTE);
    expect(await h.tokenErrcode(first.access_token)).toBe(42001);
    expect(await h.tokenErrcode(renewed.access_token)).toBe(84001);
    expect(h.sim.tokensIssued()).toBe(2);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 3, forced: 0 });
  });

  it('force_refresh issues a new token and the old one is refused at once; normal mode then hands out the new one', async () => {
    const old = (await stable()).access_token;
    const forced = (await stable({ force_refresh: true })).access_token;
    expect(forced).not.toBe(old);
    expect(await h.tokenErrcode(old)).toBe(40001);
    expect(await h.tokenErrcode(forced)).toBe(84001); // accepted (getinfo then judges its verify_result)
    expect((await stable()).access_token).toBe(forced);
    const again = (await stable({ force_refresh: true })).access_token;
    expect(again).not.toBe(forced);
    expect(await h.tokenErrcode(forced)).toBe(40001);
    expect(h.sim.tokensIssued()).toBe(3);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 2 });
  });

  it('expireAccessTokens makes every token stale and normal mode issues a new one; a revoked stable token needs force_refresh', async () => {
    const byClassic = (await classic()).access_token;
    const first = (await stable()).access_token;
    h.sim.expireAccessTokens();
    expect(await h.tokenErrcode(byClassic)).toBe(40001);
    expect(await h.tokenErrcode(first)).toBe(40001);
    const second = (await stable()).access_token;
    expect(second).not.toBe(first);
    h.sim.revokeStableToken();
    expect(await h.tokenErrcode(second)).toBe(40001);
    expect((await stable()).access_token).toBe(second);
    const third = (await stable({ force_refresh: true })).access_token;
    expect(third).not.toBe(second);
    expect(await h.tokenErrcode(third)).toBe(84001);
    expect(h.sim.tokensIssued()).toBe(4);
  });

  it('cgi-bin/token still issues a new token on every call', async () => {
    const [a, b] = [await classic(), await classic()];
    expect(a.access_token).not.toBe(b.access_token);
    expect(h.sim.tokensIssued()).toBe(2);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 0, forced: 0 });
  });
});
