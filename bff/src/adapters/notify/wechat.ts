/**
 * WeChat subscribe messages (订阅消息) of a mini-program, as api.weixin.qq.com defines them:
 *
 *   POST /cgi-bin/message/subscribe/send?access_token=…
 *        {touser, template_id, page, data: {thing2: {value}}, miniprogram_state, lang}
 *        → {errcode: 0, errmsg: 'ok', msgid}
 *
 * The access token comes from the app's one provider (../wechat/accessToken: stable_token, shared
 * with face verification and every BFF process through the KV, so no cache here fetches a token
 * that invalidates another's). A token WeChat no longer accepts (40001 invalid, 42001 expired,
 * 40014 malformed) is dropped and fetched again once. WeChat answers errors with HTTP 200, so the
 * body decides:
 *
 *   43101  the user has not subscribed, or used up the one-time subscription   → 'rejected'
 *   40003 invalid openid · 40037 invalid template_id · 47003 argument invalid
 *   (a value breaks its keyword type) · 41030 invalid page                       → 'rejected'
 *   -1 busy · 45009 daily limit · 45011 minute quota                            → 'unavailable'
 *   a fresh token refused again                                                  → 'unavailable'
 *   any other errcode                                                            → 'rejected'
 */
import { AdapterError } from '../errors';
import { fetchJson, joinUrl } from '../http';
import { processLocalAccessToken, type WechatAccessToken } from '../wechat/accessToken';
import { errcodeOf, errmsgOf, refuse, refusesToken, type Answer } from '../wechat/answer';
import type { TemplateData, WechatNotifyPort } from './port';

export { WechatAccessToken } from '../wechat/accessToken';

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
  /** The app's access-token provider (the container's, shared); default one of this client alone. */
  accessToken?: WechatAccessToken;
  /** Clock of a client's own token provider (ms); tests move it. */
  now?: () => number;
}

/** errmsg may quote the request ("argument invalid! data.thing2.value …"): keep only its head. */
const errmsgHead = (answer: Answer) => errmsgOf(answer).split(/[!:]/)[0].slice(0, 60);

export function createWechatNotifyClient(options: WechatNotifyOptions): WechatNotifyPort {
  const tokens = options.accessToken ?? processLocalAccessToken(options);

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
      const answer = await tokens.call((token) => send(token, body));
      // A token fetched a moment ago and refused again: WeChat's side, not ours to give up on.
      if (refusesToken(answer)) {
        throw new AdapterError('wechat', 'unavailable', String(errcodeOf(answer)), 'subscribe/send: a fresh access token was refused');
      }
      if (errcodeOf(answer) !== 0) refuse(answer, 'subscribe/send', errmsgHead(answer));
      const msgid = answer.msgid;
      return typeof msgid === 'number' || typeof msgid === 'string' ? { msgid: String(msgid) } : {};
    },
  };
}
