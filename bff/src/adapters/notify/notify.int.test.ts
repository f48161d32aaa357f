import { deadOrigin, startSimServer, type SimServer } from '../../sim/testServer';
import { generateAlipayKeys } from '../../sim/alipay';
import { createSmsClient } from '../sms/client';
import { createAlipayNotifyClient, type AlipayNotifyOptions } from './alipay';
import { startWechatHarness, type WechatHarness } from '../wechat/testSupport';
import { createWechatNotifyClient, type WechatNotifyOptions } from './wechat';

const TEMPLATE = 'OVtestWxCaseProgress_000000000000000000000';
const DATA = { character_string1: '4301020199001011234', thing2: '居民身份证补领', phrase3: '已受理', time4: '2024年1月5日 08:30', thing5: '已受理，将在承诺时限内办结' };
const PAGE = 'packages/cases/detail/index?caseNo=4301020199001011234';

describe('notification adapters against the simulators', () => {
  let server: SimServer;
  const simNow = Date.now();
  let deadUrl = '';
  beforeAll(async () => {
    server = await startSimServer({ now: () => simNow });
    deadUrl = await deadOrigin();
  });
  afterEach(() => server.sims.dev.clearFaults());
  afterAll(() => server.close());

  const dev = () => server.sims.dev;
  /** An openid WeChat knows (it logged in once), optionally subscribed to TEMPLATE. */
  const wechatUser = (name: string, subscribe?: { longTerm?: boolean }) => {
    const openid = `o-${name}-${Math.random().toString(36).slice(2, 8)}`;
    dev().wechatLoginCode(openid);
    if (subscribe) dev().wechatSubscribe(openid, [TEMPLATE], subscribe);
    return openid;
  };
  const sentTo = (to: string) => dev().notifications.sent().filter((m) => m.to === to);

  describe('WeChat subscribe messages', () => {
    let clock = Date.now();
    const wechat = (over: Partial<WechatNotifyOptions> = {}) =>
      createWechatNotifyClient({ baseUrl: () => `${server.url}/sim/wechat`, ...server.sims.credentials.wechat, now: () => clock, ...over });

    it('delivers to a subscribed user with the keywords, page, state and language WeChat takes', async () => {
      const openid = wechatUser('alice', {});
      const answer = await wechat({ miniprogramState: 'trial' }).sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
      expect(answer.msgid).toMatch(/^\d+$/);
      expect(sentTo(openid)).toEqual([expect.objectContaining({ channel: 'wechat', templateId: TEMPLATE, page: PAGE, data: DATA })]);
      const http = (await (await fetch(`${server.url}/sim/dev/wechat/messages?openid=${openid}`)).json()) as { messages: { miniprogramState: string; lang: string }[] };
      expect(http.messages).toEqual([expect.objectContaining({ miniprogramState: 'trial', lang: 'zh_CN' })]);
    });

    it('answers 43101 (rejected) without a subscription, and after a one-time subscription is used', async () => {
      const never = wechatUser('bob');
      await expect(wechat().sendSubscribeMessage(never, TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ system: 'wechat', kind: 'rejected', upstreamCode: '43101' });
      const once = wechatUser('carol', {});
      await wechat().sendSubscribeMessage(once, TEMPLATE, PAGE, DATA);
      await expect(wechat().sendSubscribeMessage(once, TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '43101' });
      expect(sentTo(once)).toHaveLength(1);
      const long = wechatUser('dave', { longTerm: true });
      for (let i = 0; i < 3; i++) await wechat().sendSubscribeMessage(long, TEMPLATE, PAGE, DATA);
      expect(sentTo(long)).toHaveLength(3);
    });

    describe('the access token (stable_token), on a WeChat of its own', () => {
      let h: WechatHarness;
      beforeEach(async () => {
        h = await startWechatHarness();
      });
      afterEach(() => h.close());
      const own = (over: Partial<WechatNotifyOptions> = {}) => createWechatNotifyClient({ baseUrl: () => h.baseUrl, ...h.credentials, ...over });
      const subscribed = (openid: string) => {
        h.sim.subscribe(openid, [TEMPLATE], { longTerm: true });
        return openid;
      };
      const delivered = (openid: string) => h.sim.sentMessages().filter((m) => m.touser === openid);

      it('caches the access token, and fetches a new one when WeChat calls it invalid (40001)', async () => {
        const openid = subscribed('o-erin');
        const client = own();
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 1, forced: 0 });
        h.sim.expireAccessTokens();
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 0 });
        expect(h.sim.tokensIssued()).toBe(2);
        expect(delivered(openid)).toHaveLength(3);
      });

      it('refreshes the token 5 minutes before expires_in runs out, and after WeChat expires it (42001)', async () => {
        const openid = subscribed('o-frank');
        let now = 0;
        const advance = (ms: number) => {
          now += ms;
          h.advance(ms);
        };
        const client = own({ now: () => now });
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        advance(7200_000 - 5 * 60_000 - 1_000); // still inside the margin: cached
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        expect(h.sim.stableTokenCalls().normal).toBe(1);
        advance(2_000); // past the margin: refreshed ahead of expiry, and WeChat renews it
        await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        expect(h.sim.stableTokenCalls().normal).toBe(2);
        expect(h.sim.tokensIssued()).toBe(2);
        // WeChat's clock runs out the token while ours (a frozen client clock) still trusts it.
        const frozen = own({ now: () => 0 });
        await frozen.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        h.advance(7200_000 + 1);
        await frozen.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA);
        expect(h.sim.stableTokenCalls()).toEqual({ normal: 4, forced: 0 });
        expect(h.sim.tokensIssued()).toBe(3);
        expect(delivered(openid)).toHaveLength(5);
      });
    });

    it('is refused for values that break their keyword type (47003), a bad template (40037) or an unknown openid (40003)', async () => {
      const openid = wechatUser('grace', { longTerm: true });
      const tooLong = { ...DATA, thing2: '一'.repeat(21) };
      await expect(wechat().sendSubscribeMessage(openid, TEMPLATE, PAGE, tooLong)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: '47003' });
      await expect(wechat().sendSubscribeMessage(openid, TEMPLATE, PAGE, { ...DATA, phrase3: 'accepted' })).rejects.toMatchObject({ upstreamCode: '47003' });
      await expect(wechat().sendSubscribeMessage(openid, TEMPLATE, PAGE, { ...DATA, character_string1: '办件' })).rejects.toMatchObject({ upstreamCode: '47003' });
      await expect(wechat().sendSubscribeMessage(openid, TEMPLATE, PAGE, { ...DATA, time4: 'yesterday' })).rejects.toMatchObject({ upstreamCode: '47003' });
      await expect(wechat().sendSubscribeMessage(openid, 'bad id', PAGE, DATA)).rejects.toMatchObject({ upstreamCode: '40037' });
      await expect(wechat().sendSubscribeMessage('o-never-seen', TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ upstreamCode: '40003' });
      expect(sentTo(openid)).toHaveLength(0);
    });

    it('treats busy (-1), an outage and an unreachable host as unavailable', async () => {
      const openid = wechatUser('heidi', { longTerm: true });
      const client = wechat();
      await client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA); // token cached
      dev().setFault('wechat', { status: 200, contentType: 'application/json', body: '{"errcode":-1,"errmsg":"system error"}' });
      await expect(client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: '-1' });
      dev().setFault('wechat', { status: 503 });
      await expect(client.sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
      await expect(wechat({ baseUrl: () => deadUrl }).sendSubscribeMessage(openid, TEMPLATE, PAGE, DATA)).rejects.toMatchObject({ kind: 'unavailable' });
    });
  });

  describe('Alipay template messages', () => {
    const ALI_TEMPLATE = 'T1ZkZXZUZXN0Q2FzZVByb2dyZXNz';
    const ALI_DATA = { keyword1: '11430000006123456701000000000120240105000', keyword2: '居民身份证补领', keyword3: '已受理', keyword4: '2024年1月5日 08:30', keyword5: '已受理' };
    const alipay = (over: Partial<AlipayNotifyOptions> = {}) => {
      const c = server.sims.credentials.alipay;
      return createAlipayNotifyClient({ gatewayUrl: () => `${server.url}/sim/alipay/gateway.do`, appId: c.appId, privateKey: c.privateKey, alipayPublicKey: c.alipayPublicKey, ...over });
    };
    const aliUser = (subscribe: boolean) => {
      const { userId } = dev().alipayAuthCode();
      if (subscribe) dev().alipaySubscribe(userId, [ALI_TEMPLATE]);
      return userId;
    };

    it('delivers a signed request to a subscribed user; the response signature is verified', async () => {
      const userId = aliUser(true);
      await alipay().sendTemplateMessage(userId, ALI_TEMPLATE, PAGE, ALI_DATA);
      expect(sentTo(userId)).toEqual([expect.objectContaining({ channel: 'alipay', templateId: ALI_TEMPLATE, page: PAGE, data: ALI_DATA })]);
    });

    it('gets Alipay’s signed refusals as rejected: no subscription, a keyword over 50 characters', async () => {
      const stranger = aliUser(false);
      await expect(alipay().sendTemplateMessage(stranger, ALI_TEMPLATE, PAGE, ALI_DATA)).rejects.toMatchObject({ system: 'alipay', kind: 'rejected', upstreamCode: 'USER_UNSUBSCRIBED' });
      const userId = aliUser(true);
      await expect(alipay().sendTemplateMessage(userId, ALI_TEMPLATE, PAGE, { ...ALI_DATA, keyword2: '字'.repeat(51) })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'USER_KEYWORD_LENGTH_ERROR' });
      // The refused attempt did not use the subscription.
      await alipay().sendTemplateMessage(userId, ALI_TEMPLATE, PAGE, ALI_DATA);
      expect(sentTo(userId)).toHaveLength(1);
    });

    it('is refused when our request is signed with another key, and believes no answer signed by another key', async () => {
      const userId = aliUser(true);
      const other = generateAlipayKeys();
      await expect(alipay({ privateKey: other.credentials.privateKey }).sendTemplateMessage(userId, ALI_TEMPLATE, PAGE, ALI_DATA)).rejects.toMatchObject({
        kind: 'rejected',
        upstreamCode: 'isv.invalid-signature',
      });
      await expect(alipay({ alipayPublicKey: other.credentials.alipayPublicKey }).sendTemplateMessage(userId, ALI_TEMPLATE, PAGE, ALI_DATA)).rejects.toMatchObject({
        kind: 'unavailable',
        upstreamCode: 'invalid-signature',
      });
    });
  });

  describe('SMS template send', () => {
    const sms = (over: Partial<Parameters<typeof createSmsClient>[0]> = {}) => createSmsClient({ baseUrl: () => `${server.url}/sim/sms`, ...server.sims.credentials.sms, ...over });
    const params = { item: '居民身份证补领', caseNo: '11430000006123456701000000000120240105000', state: '已受理', note: '将在承诺时限内办结' };

    it('sends a registered template; the same clientRef again is not sent twice', async () => {
      const first = await sms().sendTemplate('13900001111', 'case_progress', params, { clientRef: 'obx_test_0001' });
      const again = await sms().sendTemplate('13900001111', 'case_progress', params, { clientRef: 'obx_test_0001' });
      expect(again.messageId).toBe(first.messageId);
      const sent = sentTo('13900001111');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ channel: 'sms', template: 'case_progress', params });
      expect(sent[0].channel === 'sms' && sent[0].text).toBe('【湖南公安】您申请的居民身份证补领（办件编号11430000006123456701000000000120240105000）已受理：将在承诺时限内办结。详情请进入小程序查看。');
      await expect(sms().sendTemplate('13900001111', 'case_progress', { ...params, state: '已办结' }, { clientRef: 'obx_test_0001' })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'CLIENT_REF_REUSED' });
    });

    it('gets the gateway’s refusals as rejected and its outages as unavailable', async () => {
      await expect(sms().sendTemplate('13900002222', 'case_unknown', params)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'UNKNOWN_TEMPLATE' });
      await expect(sms().sendTemplate('13900002222', 'case_payment', params)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'TEMPLATE_PARAMS_MISMATCH' });
      await expect(sms({ appSecret: 'x'.repeat(32) }).sendTemplate('13900002222', 'case_progress', params)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'SIGNATURE_INVALID' });
      dev().setFault('sms', { status: 503 });
      await expect(sms().sendTemplate('13900002222', 'case_progress', params)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
      expect(sentTo('13900002222')).toHaveLength(0);
    });
  });
});
