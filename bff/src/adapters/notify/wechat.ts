/**
 * WeChat subscribe messages (订阅消息) of a mini-program, as api.weixin.qq.com defines them:
 *
 *   GET  /cgi-bin/token?grant_type=client_credential&appid&secret → {access_token, expires_in}
 *   POST /cgi-bin/message/subscribe/send?access_token=…
 *        {touser, template_id, page, data: {thing2: {value}}, miniprogram_state, lang}
 *        → {errcode: 0, errmsg: 'ok', msgid}
 *
 * The access token is cached until 5 minutes before `expires_in` runs out (one fetch at a time);
 * a token WeChat no longer accepts (40001 invalid, 42001 expired, 40014 malformed) is dropped and
 * fetched again once. WeChat answers errors with HTTP 200, so the body decides:
 *
 *   43101  the user has not subscribed, or used up the one-time subscription   → 'rejected'
 *   40003 invalid openid · 40037 invalid template_id · 47003 argument invalid
 *   (a value breaks its keyword type) · 41030 invalid page                       → 'rejected'
 *   -1 busy · 45009 daily limit · 45011 minute quota                            → 'unavailable'
 *   any other errcode                                                            → 'rejected'
 */
import { AdapterError } from '../errors';
import { fetchJson, joinUrl } from '../http';
import type { TemplateData, WechatNotifyPort } from './port';

export const WECHAT_SUBSCRIBE_REFUSED = 43101;

export interface WechatNotifyOptions {
  /** https://api.weixin.qq.com, or the simulator's `<app>/sim/wechat`. */
  baseUrl: () => string;
  appId: string;
  appSecret: string;
  /** Which version of the mini-program a tapped message opens; default 'formal'. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  /** Language of the message card; default zh_CN. */
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  timeoutMs?: number;
  /** Clock of the token cache (ms); tests move it. */
  now?: () => number;
}

type Answer = Record<string, unknown>;

const TRY_LATER = new Set([-1, 45009, 45011]);
const STALE_TOKEN = new Set([40001, 40014, 42001]);
const TOKEN_MARGIN_MS = 5 * 60_000;

function errcodeOf(answer: Answer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0;
}

function refuse(answer: Answer, what: string): never {
  const code = errcodeOf(answer);
  // errmsg may quote the request ("argument invalid! data.thing2.value …"): keep only its head.
  const msg = typeof answer.errmsg === 'string' ? answer.errmsg.split(/[!:]/)[0].slice(0, 60) : '';
  throw new AdapterError('wechat', TRY_LATER.has(code) ? 'unavailable' : 'rejected', String(code), `${what}: errcode ${code} ${msg}`.trim());
}

/**
 * The app's access token, cached in memory. One instance per app id per process: every fetch
 * starts WeChat's 5-minute countdown on the previous token, so separate caches of one app id
 * invalidate each other's tokens (each then recovers through the 40001 refresh).
 */
export class WechatAccessToken {
  private cached: { base: string; token: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: Pick<WechatNotifyOptions, 'baseUrl' | 'appId' | 'appSecret' | 'timeoutMs' | 'now'>) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The cached token, fetched when missing, near expiry, or issued by another base URL. */
  get(): Promise<string> {
    const base = this.options.baseUrl();
    if (this.cached && this.cached.base === base && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.inflight ??= this.fetch(base).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops this token (WeChat refused it); a newer one fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(base: string): Promise<string> {
    const { appId, appSecret, timeoutMs } = this.options;
    const url = `${joinUrl(base, '/cgi-bin/token')}?${new URLSearchParams({ grant_type: 'client_credential', appid: appId, secret: appSecret })}`;
    const answer = (await fetchJson('wechat', { method: 'GET', url, timeoutMs })).body as Answer;
    if (errcodeOf(answer) !== 0) refuse(answer, 'cgi-bin/token');
    const { access_token: token, expires_in: expiresIn } = answer;
    if (typeof token !== 'string' || !token || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new AdapterError('wechat', 'unavailable', 'bad_response', 'cgi-bin/token: no access_token/expires_in');
    }
    const lifetime = expiresIn * 1000;
    // Refresh ahead of expiry, but never sooner than half the lifetime (a short-lived token would
    // otherwise be fetched on every call).
    this.cached = { base, token, refreshAt: this.now() + Math.max(lifetime - TOKEN_MARGIN_MS, lifetime / 2) };
    return token;
  }
}

export function createWechatNotifyClient(options: WechatNotifyOptions): WechatNotifyPort {
  const token = new WechatAccessToken(options);

  async function send(accessToken: string, body: string): Promise<Answer> {
    const url = `${joinUrl(options.baseUrl(), '/cgi-bin/message/subscribe/send')}?${new URLSearchParams({ access_token: accessToken })}`;
    return (await fetchJson('wechat', { method: 'POST', url, body, timeoutMs: options.timeoutMs })).body as Answer;
  }

  return {
    async sendSubscribeMessage(openid: string, templateId: string, page: string, data: TemplateData) {
      const body = JSON.stringify({
        touser: openid,
        template_id: templateId,
        page,
        data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, { value }])),
        miniprogram_state: options.miniprogramState ?? 'formal',
        lang: options.lang ?? 'zh_CN',
      });
      let current = await token.get();
      let answer = await send(current, body);
      if (STALE_TOKEN.has(errcodeOf(answer))) {
        token.invalidate(current);
        current = await token.get();
        answer = await send(current, body);
        // A token fetched a moment ago and refused again: WeChat's side, not ours to give up on.
        if (STALE_TOKEN.has(errcodeOf(answer))) {
          throw new AdapterError('wechat', 'unavailable', String(errcodeOf(answer)), 'subscribe/send: a fresh access token was refused');
        }
      }
      if (errcodeOf(answer) !== 0) refuse(answer, 'subscribe/send');
      const msgid = answer.msgid;
      return typeof msgid === 'number' || typeof msgid === 'string' ? { msgid: String(msgid) } : {};
    },
  };
}
