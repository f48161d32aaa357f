/**
 * WeChat mini-program server APIs (https://api.weixin.qq.com), as WeChat defines them:
 *
 *   GET  /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *        → {openid, session_key, unionid?} | {errcode, errmsg}
 *          (40029 invalid code, 40163 code been used, 40125 invalid appsecret, 40013 invalid appid,
 *           45011 minute quota reached, -1 system busy)
 *   POST /cityservice/face/identify/getinfo?access_token=…  {"verify_result": "…"}
 *        → {errcode: 0, identify_ret, identify_time, validate_data, openid, user_id_key,
 *           id_card_number_md5, name_utf8_md5}
 *        An access token WeChat no longer accepts (40001, 42001, 40014) is dropped and fetched
 *        again once.
 *
 * The access token comes from the app's one provider (./accessToken: stable_token, shared through
 * the KV). Errcodes map as ./answer says: -1 (busy) and 45011 (quota) → AdapterError
 * 'unavailable'; every other errcode → 'rejected' with the errcode as upstreamCode.
 */
import type { WechatPort } from '../ports';
import { fetchJson, joinUrl } from '../http';
import { processLocalAccessToken, type WechatAccessToken } from './accessToken';
import { bad, errcodeOf, refuse, type Answer } from './answer';

export const WECHAT_API_BASE = 'https://api.weixin.qq.com';

export interface WechatClientOptions {
  /** Default https://api.weixin.qq.com; the simulator's is `<app>/sim/wechat`. */
  baseUrl: () => string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  /** The app's access-token provider (the container's, shared); default one of this client alone. */
  accessToken?: WechatAccessToken;
  /** Clock of a client's own token provider (ms); tests move it. */
  now?: () => number;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface WechatClient extends WechatPort {
  /** The app's access token, fetched when missing or within 5 minutes of expiry. */
  accessToken(): Promise<string>;
}

export function createWechatClient(options: WechatClientOptions): WechatClient {
  const tokens = options.accessToken ?? processLocalAccessToken(options);

  async function get(path: string, params: Record<string, string>): Promise<Answer> {
    const url = `${joinUrl(options.baseUrl(), path)}?${new URLSearchParams(params)}`;
    return (await fetchJson('wechat', { method: 'GET', url, timeoutMs: options.timeoutMs })).body as Answer;
  }

  async function getinfo(token: string, verifyResult: string): Promise<Answer> {
    const url = `${joinUrl(options.baseUrl(), '/cityservice/face/identify/getinfo')}?${new URLSearchParams({ access_token: token })}`;
    const body = JSON.stringify({ verify_result: verifyResult });
    return (await fetchJson('wechat', { method: 'POST', url, body, timeoutMs: options.timeoutMs })).body as Answer;
  }

  return {
    accessToken: () => tokens.get(),

    async code2Session(code) {
      const answer = await get('/sns/jscode2session', {
        appid: options.appId,
        secret: options.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      });
      if (errcodeOf(answer) !== 0) refuse(answer, 'jscode2session');
      if (!str(answer.openid) || !str(answer.session_key)) bad('jscode2session', 'no openid/session_key');
      return {
        openid: answer.openid,
        sessionKey: answer.session_key,
        ...(str(answer.unionid) ? { unionid: answer.unionid } : {}),
      };
    },

    async faceIdentifyResult(verifyResult) {
      const answer = await tokens.call((token) => getinfo(token, verifyResult));
      if (errcodeOf(answer) !== 0) refuse(answer, 'face getinfo');
      const { identify_ret, identify_time, openid, id_card_number_md5, name_utf8_md5 } = answer;
      if (!num(identify_ret) || !str(openid)) bad('face getinfo', 'no identify_ret/openid');
      // A failed check may come without digests; a passed one must carry both.
      if (identify_ret === 0 && (!str(id_card_number_md5) || !str(name_utf8_md5) || !num(identify_time))) {
        bad('face getinfo', 'a passed check without its digests');
      }
      return {
        identifyRet: identify_ret,
        identifyTime: num(identify_time) ? identify_time : 0,
        openid,
        idCardNumberMd5: str(id_card_number_md5) ? id_card_number_md5.toLowerCase() : '',
        nameUtf8Md5: str(name_utf8_md5) ? name_utf8_md5.toLowerCase() : '',
      };
    },
  };
}
