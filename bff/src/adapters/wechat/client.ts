/**
 * WeChat mini-program server APIs (https://api.weixin.qq.com), as WeChat defines them:
 *
 *   GET  /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *        → {openid, session_key, unionid?} | {errcode, errmsg}
 *          (40029 invalid code, 40163 code been used, 40125 invalid appsecret, 40013 invalid appid,
 *           45011 minute quota reached, -1 system busy)
 *   GET  /cgi-bin/token?grant_type=client_credential&appid&secret → {access_token, expires_in}
 *        (cached in memory until 5 minutes before it expires; one fetch at a time)
 *   POST /cityservice/face/identify/getinfo?access_token=…  {"verify_result": "…"}
 *        → {errcode: 0, identify_ret, identify_time, validate_data, openid, user_id_key,
 *           id_card_number_md5, name_utf8_md5}
 *        An access token WeChat no longer accepts (40001, 42001, 40014) is dropped and fetched
 *        again once.
 *
 * errcode -1 (busy) and 45011 (quota) mean "try later" → AdapterError 'unavailable'; every other
 * errcode is WeChat refusing → 'rejected' with the errcode as upstreamCode. WeChat answers errors
 * with HTTP 200, so the body decides.
 */
import type { WechatPort } from '../ports';
import { AdapterError } from '../errors';
import { fetchJson, isRecord, joinUrl } from '../http';

export const WECHAT_API_BASE = 'https://api.weixin.qq.com';

export interface WechatClientOptions {
  /** Default https://api.weixin.qq.com; the simulator's is `<app>/sim/wechat`. */
  baseUrl: () => string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  /** Clock for the token cache (ms); tests move it. */
  now?: () => number;
}

/** Errcodes that mean "not now" rather than "no". */
const TRY_LATER = new Set([-1, 45009, 45011]);
/** Errcodes that mean the access token is no longer good. */
const STALE_TOKEN = new Set([40001, 40014, 42001]);
const TOKEN_MARGIN_MS = 5 * 60_000;

type Answer = Record<string, unknown>;

function errcodeOf(answer: Answer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0;
}

function refuse(answer: Answer, what: string): never {
  const code = errcodeOf(answer);
  const msg = typeof answer.errmsg === 'string' ? answer.errmsg : '';
  throw new AdapterError('wechat', TRY_LATER.has(code) ? 'unavailable' : 'rejected', String(code), `${what}: errcode ${code} ${msg}`.trim());
}

function bad(what: string, detail: string): never {
  throw new AdapterError('wechat', 'unavailable', 'bad_response', `${what}: ${detail}`);
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface WechatClient extends WechatPort {
  /** The cached access token, fetched when missing or within 5 minutes of expiry. */
  accessToken(): Promise<string>;
}

export function createWechatClient(options: WechatClientOptions): WechatClient {
  const now = options.now ?? Date.now;
  let cached: { base: string; token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function get(path: string, params: Record<string, string>): Promise<Answer> {
    const url = `${joinUrl(options.baseUrl(), path)}?${new URLSearchParams(params)}`;
    return (await fetchJson('wechat', { method: 'GET', url, timeoutMs: options.timeoutMs })).body as Answer;
  }

  async function fetchToken(base: string): Promise<string> {
    const answer = await get('/cgi-bin/token', { grant_type: 'client_credential', appid: options.appId, secret: options.appSecret });
    if (errcodeOf(answer) !== 0) refuse(answer, 'cgi-bin/token');
    if (!str(answer.access_token) || !num(answer.expires_in)) bad('cgi-bin/token', 'no access_token/expires_in');
    const lifetime = answer.expires_in * 1000;
    cached = { base, token: answer.access_token, refreshAt: now() + Math.max(lifetime - TOKEN_MARGIN_MS, 0) };
    return answer.access_token;
  }

  async function accessToken(): Promise<string> {
    const base = options.baseUrl();
    if (cached && cached.base === base && now() < cached.refreshAt) return cached.token;
    inflight ??= fetchToken(base).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function getinfo(token: string, verifyResult: string): Promise<Answer> {
    const url = `${joinUrl(options.baseUrl(), '/cityservice/face/identify/getinfo')}?${new URLSearchParams({ access_token: token })}`;
    const body = JSON.stringify({ verify_result: verifyResult });
    return (await fetchJson('wechat', { method: 'POST', url, body, timeoutMs: options.timeoutMs })).body as Answer;
  }

  return {
    accessToken,

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
      let token = await accessToken();
      let answer = await getinfo(token, verifyResult);
      if (STALE_TOKEN.has(errcodeOf(answer))) {
        if (cached?.token === token) cached = undefined;
        token = await accessToken();
        answer = await getinfo(token, verifyResult);
      }
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
