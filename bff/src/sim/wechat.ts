/**
 * WeChat server API simulator, speaking api.weixin.qq.com's shapes and errcodes:
 *
 *   GET  <prefix>/wechat/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *   GET  <prefix>/wechat/cgi-bin/token?grant_type=client_credential&appid&secret
 *   POST <prefix>/wechat/cgi-bin/stable_token {grant_type: 'client_credential', appid, secret, force_refresh?}
 *   POST <prefix>/wechat/cityservice/face/identify/getinfo?access_token=…  {"verify_result": "…"}
 *   POST <prefix>/wechat/cgi-bin/message/subscribe/send?access_token=…
 *        {touser, template_id, page?, data: {thing2: {value}}, miniprogram_state?, lang?}
 *   POST <prefix>/dev/wechat/subscribe {openid, templateIds, longTerm?}   dev: the user taps 允许
 *   GET  <prefix>/dev/wechat/messages?openid=…                            dev: what was delivered
 *
 * Subscribe messages follow WeChat's consent rule: the user must have accepted the template in
 * wx.requestSubscribeMessage (the dev hook `subscribe` stands in for that tap). A one-time
 * acceptance allows one message, a long-term one (government services may have it) any number;
 * without one, 43101. An openid the simulator never issued → 40003; a template id that is not
 * one → 40037; a value that breaks its keyword's type (thing ≤ 20 characters, character_string
 * ≤ 32 ASCII, phrase ≤ 5 Chinese characters, time/date formats …) → 47003, as WeChat checks them.
 *
 * Login codes (what wx.login returns) are minted by a dev hook, live 5 minutes and work once
 * (unknown/expired → 40029, used → 40163). Face verify_result tokens (what
 * wx.startFacialRecognitionVerify returns) are minted by a dev hook with the outcome; getinfo
 * answers with the MD5 of the upper-case ID number and of the UTF-8 name, as WeChat does.
 * Errors are HTTP 200 with {errcode, errmsg}, as WeChat answers them.
 *
 * Access tokens: cgi-bin/token issues a new one on every call. stable_token keeps one current
 * token: normal mode hands it out (expires_in = what remains of it) and issues a new one only in
 * its last 5 minutes, the old one staying valid to its end; force_refresh issues a new one at once
 * and the replaced one is refused from then on (40001), as WeChat documents 强制刷新模式.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { SubscriptionLedger } from './consent';
import { guarded, type SimContext } from './context';
import { ExpiringMap, parseJsonObject, randomDigits, randomToken, readRawBody } from './util';

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_S = 7200;
/** stable_token: normal mode renews the token when this little of it remains. */
const STABLE_RENEW_MS = 5 * 60_000;
const FACE_RESULT_TTL_MS = 60 * 60_000;
/** identify_ret of a failed check: 比对人脸信息不匹配. */
export const WECHAT_FACE_MISMATCH = 10004;

export interface WechatCredentials {
  appId: string;
  appSecret: string;
}

export interface WechatFaceResultInput {
  openid: string;
  name: string;
  idNumber: string;
  pass: boolean;
  /** identify_ret when pass is false (default 10004, face does not match). */
  failureCode?: number;
}

/** A subscribe message the simulator accepted, as the citizen's WeChat would show it. */
export interface SentWechatMessage {
  msgid: string;
  touser: string;
  templateId: string;
  page: string;
  /** Keyword → value. */
  data: Record<string, string>;
  miniprogramState: string;
  lang: string;
  sentAt: string;
}

export interface WechatSimulator {
  /** A one-time wx.login code for this openid (5 minutes). */
  loginCode(openid: string, unionid?: string): string;
  /** A verify_result as wx.startFacialRecognitionVerify would hand the mini-program. */
  faceResult(input: WechatFaceResultInput): string;
  /** Makes every issued access token stale (WeChat answers 40001), to exercise refresh; stable_token then issues a new one. */
  expireAccessTokens(): void;
  /**
   * WeChat refuses its current stable token (40001) while normal mode still hands it out, as when
   * WeChat's side loses it: only force_refresh replaces it.
   */
  revokeStableToken(): void;
  /** How many access tokens cgi-bin/token and stable_token issued (a stable token handed out again is not counted). */
  tokensIssued(): number;
  /** stable_token calls answered with a token, by mode: what the app asked, as against what was issued. */
  stableTokenCalls(): { normal: number; forced: number };
  /** The user accepted these templates in wx.requestSubscribeMessage: one message each, or any number when long-term. */
  subscribe(openid: string, templateIds: string[], options?: { longTerm?: boolean }): void;
  /** Delivered subscribe messages, oldest first (the last 1000). */
  sentMessages(): SentWechatMessage[];
  clearSentMessages(): void;
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function answer(ctx: Context, body: Record<string, unknown>) {
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = body;
}

function err(ctx: Context, errcode: number, errmsg: string) {
  answer(ctx, { errcode, errmsg: `${errmsg} rid: ${randomToken(8)}` });
}

export function wechatSimulator(sim: SimContext, credentials: WechatCredentials, opts: { quotaPerMinute?: number } = {}): WechatSimulator {
  const codes = new ExpiringMap<{ openid: string; unionid?: string; used: boolean }>(sim.now);
  const tokens = new ExpiringMap<true>(sim.now);
  const faceResults = new ExpiringMap<WechatFaceResultInput & { at: number }>(sim.now);
  const quotaPerMinute = opts.quotaPerMinute ?? 5000;
  let window = { minute: -1, calls: 0 };
  let issued = 0;
  let stable: { token: string; expiresAt: number } | undefined;
  const stableCalls = { normal: 0, forced: 0 };
  const subscribe = subscribeMessages(sim);

  function overQuota(): boolean {
    const minute = Math.floor(sim.now() / 60_000);
    if (window.minute !== minute) window = { minute, calls: 0 };
    window.calls += 1;
    return window.calls > quotaPerMinute;
  }

  /** appid/secret as WeChat checks them; answers the error itself and returns false. */
  function appCredentialsOk(ctx: Context, appid: unknown, secret: unknown): boolean {
    const refusal: [number, string] | null = !appid
      ? [41002, 'appid missing']
      : appid !== credentials.appId
        ? [40013, 'invalid appid']
        : !secret
          ? [41004, 'appsecret missing']
          : secret !== credentials.appSecret
            ? [40125, 'invalid appsecret']
            : null;
    if (refusal) err(ctx, ...refusal);
    return refusal === null;
  }

  sim.router.get(
    '/wechat/sns/jscode2session',
    guarded(sim, 'wechat', (ctx) => {
      const q = ctx.query;
      if (!appCredentialsOk(ctx, q.appid, q.secret)) return;
      if (q.grant_type !== 'authorization_code') return err(ctx, 40002, 'invalid grant_type');
      if (!q.js_code || typeof q.js_code !== 'string') return err(ctx, 41008, 'missing code');
      if (overQuota()) return err(ctx, 45011, 'api minute-quota reach limit  mustslower  retry next minute');
      const entry = codes.get(q.js_code);
      if (!entry) return err(ctx, 40029, 'invalid code');
      if (entry.used) return err(ctx, 40163, 'code been used');
      entry.used = true;
      answer(ctx, {
        session_key: randomToken(16, 'base64url').slice(0, 22) + '==',
        openid: entry.openid,
        ...(entry.unionid ? { unionid: entry.unionid } : {}),
      });
    }),
  );

  function issueToken(): { token: string; expiresAt: number } {
    const token = `${randomToken(24, 'base64url')}${randomToken(24, 'base64url')}`;
    tokens.set(token, true, TOKEN_TTL_S * 1000);
    issued += 1;
    return { token, expiresAt: sim.now() + TOKEN_TTL_S * 1000 };
  }

  /** Normal mode: the current stable token, renewed in its last minutes (the old one lives to its end). */
  function stableToken() {
    if (!stable || stable.expiresAt - sim.now() <= STABLE_RENEW_MS) stable = issueToken();
    return stable;
  }

  /** Force mode: a new stable token; the replaced one is invalid at once ("会导致上次获取的 access_token 失效"). */
  function forceStableToken() {
    if (stable) tokens.delete(stable.token);
    stable = issueToken();
    return stable;
  }

  sim.router.get(
    '/wechat/cgi-bin/token',
    guarded(sim, 'wechat', (ctx) => {
      const q = ctx.query;
      if (q.grant_type !== 'client_credential') return err(ctx, 40002, 'invalid grant_type');
      if (!appCredentialsOk(ctx, q.appid, q.secret)) return;
      answer(ctx, { access_token: issueToken().token, expires_in: TOKEN_TTL_S });
    }),
  );

  sim.router.post(
    '/wechat/cgi-bin/stable_token',
    guarded(sim, 'wechat', async (ctx) => {
      const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
      if (!body) return err(ctx, 47001, 'data format error');
      if (body.grant_type !== 'client_credential') return err(ctx, 40002, 'invalid grant_type');
      if (!appCredentialsOk(ctx, body.appid, body.secret)) return;
      const force = body.force_refresh ?? false;
      if (typeof force !== 'boolean') return err(ctx, 47001, 'data format error');
      const current = force ? forceStableToken() : stableToken();
      stableCalls[force ? 'forced' : 'normal'] += 1;
      answer(ctx, { access_token: current.token, expires_in: Math.floor((current.expiresAt - sim.now()) / 1000) });
    }),
  );

  sim.router.post(
    '/wechat/cityservice/face/identify/getinfo',
    guarded(sim, 'wechat', async (ctx) => {
      const token = ctx.query.access_token;
      if (!token || typeof token !== 'string') return err(ctx, 41001, 'access_token missing');
      const known = tokens.peek(token);
      if (!known) return err(ctx, 40001, 'invalid credential, access_token is invalid or not latest');
      if (known.expired) return err(ctx, 42001, 'access_token expired');
      const body = parseJsonObject(await readRawBody(ctx, 64 * 1024));
      if (!body) return err(ctx, 47001, 'data format error');
      const verifyResult = body.verify_result;
      if (typeof verifyResult !== 'string' || !verifyResult) return err(ctx, 41001, 'verify_result missing');
      const found = faceResults.peek(verifyResult);
      if (!found) return err(ctx, 84001, 'invalid identify id');
      if (found.expired) return err(ctx, 84002, 'user data expired');
      const r = found.value;
      answer(ctx, {
        errcode: 0,
        errmsg: 'ok',
        identify_ret: r.pass ? 0 : (r.failureCode ?? WECHAT_FACE_MISMATCH),
        identify_time: Math.floor(r.at / 1000),
        validate_data: randomDigits(4),
        openid: r.openid,
        user_id_key: randomToken(16),
        id_card_number_md5: md5(r.idNumber.trim().toUpperCase()),
        name_utf8_md5: md5(r.name.trim()),
      });
    }),
  );

  sim.router.post(
    '/wechat/cgi-bin/message/subscribe/send',
    guarded(sim, 'wechat', async (ctx) => {
      const token = ctx.query.access_token;
      if (!token || typeof token !== 'string') return err(ctx, 41001, 'access_token missing');
      const known = tokens.peek(token);
      if (!known) return err(ctx, 40001, 'invalid credential, access_token is invalid or not latest');
      if (known.expired) return err(ctx, 42001, 'access_token expired');
      const body = parseJsonObject(await readRawBody(ctx, 64 * 1024));
      if (!body) return err(ctx, 47001, 'data format error');
      const outcome = subscribe.send(body);
      if ('errcode' in outcome) return err(ctx, outcome.errcode, outcome.errmsg);
      answer(ctx, { errcode: 0, errmsg: 'ok', msgid: Number(outcome.msgid) });
    }),
  );

  // Dev only (this router is never mounted in production): the consent tap and the delivered log.
  sim.router.post('/dev/wechat/subscribe', async (ctx) => {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    const templateIds = body?.templateIds;
    const valid = Array.isArray(templateIds) && templateIds.length > 0 && templateIds.every((t) => typeof t === 'string' && TEMPLATE_ID.test(t));
    if (!body || typeof body.openid !== 'string' || !body.openid || !valid || (body.longTerm !== undefined && typeof body.longTerm !== 'boolean')) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_ARGUMENT', message: 'openid (string), templateIds (template ids) and longTerm? (boolean) are required' };
      return;
    }
    subscribe.accept(body.openid, templateIds as string[], body.longTerm === true);
    ctx.body = { ok: true };
  });
  sim.router.get('/dev/wechat/messages', (ctx) => {
    const openid = typeof ctx.query.openid === 'string' ? ctx.query.openid : undefined;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: subscribe.sent().filter((m) => !openid || m.touser === openid) };
  });

  return {
    loginCode(openid, unionid) {
      const code = randomToken(16);
      codes.set(code, { openid, unionid, used: false }, CODE_TTL_MS);
      subscribe.knowOpenid(openid);
      return code;
    },
    faceResult(input) {
      const verifyResult = `vr_${randomToken(24, 'base64url')}`;
      faceResults.set(verifyResult, { ...input, at: sim.now() }, FACE_RESULT_TTL_MS);
      return verifyResult;
    },
    expireAccessTokens: () => {
      tokens.clear();
      stable = undefined;
    },
    revokeStableToken: () => {
      if (stable) tokens.delete(stable.token);
    },
    tokensIssued: () => issued,
    stableTokenCalls: () => ({ ...stableCalls }),
    subscribe: (openid, templateIds, options) => subscribe.accept(openid, templateIds, options?.longTerm ?? false),
    sentMessages: () => subscribe.sent(),
    clearSentMessages: () => subscribe.clear(),
  };
}

// ---- subscribe messages (订阅消息) ----

const MAX_SENT_KEPT = 1000;
const TEMPLATE_ID = /^[A-Za-z0-9_-]{20,64}$/;
const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'];
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

/** `2024年1月5日 08:30`, `2024-01-05 08:30(:00)`, `08:30`, `2024年1月5日`, `2024-01-05`. */
const TIME_POINT = /^(?:(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?)$/;
const timeOrPeriod = (v: string) => v.split('~').length <= 2 && v.split('~').every((p) => TIME_POINT.test(p.trim()));
const chars = (v: string) => Array.from(v).length;

/** WeChat's keyword types (the key's letters before its number) and the values each accepts. */
const KEYWORD_TYPES: Record<string, (v: string) => boolean> = {
  thing: (v) => chars(v) <= 20,
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: timeOrPeriod,
  date: timeOrPeriod,
  phrase: (v) => /^[\u4e00-\u9fa5]{1,5}$/.test(v),
  number: (v) => v.length <= 32 && /^\d+(?:\.\d+)?$/.test(v),
  name: (v) => chars(v) <= 20,
  amount: (v) => /^[¥￥$]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v),
  car_number: (v) => chars(v) <= 8,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(v),
};

/** A data keyword's value, or the reason it is refused (47003). */
function keywordValue(key: string, entry: unknown): { value: string } | { refusal: string } {
  const m = /^([a-z_]+?)(\d+)$/.exec(key);
  const check = m ? KEYWORD_TYPES[m[1]] : undefined;
  if (!check) return { refusal: `argument invalid! data.${key} is not a keyword of the template` };
  const value = entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>).value : undefined;
  if (typeof value !== 'string' || !value.length || !check(value)) return { refusal: `argument invalid! data.${key}.value invalid` };
  return { value };
}

type Refusal = { errcode: number; errmsg: string };
type SubscribeRequest = Omit<SentWechatMessage, 'msgid' | 'sentAt'>;

/** The request as WeChat checks it, in WeChat's order of refusals. */
function readRequest(body: Record<string, unknown>, knownOpenid: (openid: string) => boolean): SubscribeRequest | Refusal {
  const { touser, template_id: templateId, page = '', data, miniprogram_state: state = 'formal', lang = 'zh_CN' } = body;
  if (typeof touser !== 'string' || !knownOpenid(touser)) return { errcode: 40003, errmsg: 'invalid openid' };
  if (typeof templateId !== 'string' || !TEMPLATE_ID.test(templateId)) return { errcode: 40037, errmsg: 'invalid template id' };
  if (typeof page !== 'string' || page.length > 1024 || (page && !/^[\w\-/]+(?:\?\S*)?$/.test(page))) return { errcode: 41030, errmsg: 'invalid page' };
  if (typeof state !== 'string' || !MINIPROGRAM_STATES.includes(state)) return { errcode: 47003, errmsg: 'argument invalid! miniprogram_state invalid' };
  if (typeof lang !== 'string' || !LANGS.includes(lang)) return { errcode: 47003, errmsg: 'argument invalid! lang invalid' };
  if (!data || typeof data !== 'object' || Array.isArray(data) || !Object.keys(data).length) return { errcode: 47003, errmsg: 'argument invalid! data is empty' };
  const values: Record<string, string> = {};
  for (const [key, entry] of Object.entries(data)) {
    const checked = keywordValue(key, entry);
    if ('refusal' in checked) return { errcode: 47003, errmsg: checked.refusal };
    values[key] = checked.value;
  }
  return { touser, templateId, page, data: values, miniprogramState: state, lang };
}

/** Consent, validation and the delivered log of subscribe messages. */
function subscribeMessages(sim: SimContext) {
  /** Openids WeChat has issued (a login); bounded like the simulators' other memories. */
  const openids = new Set<string>();
  const consent = new SubscriptionLedger();
  let sent: SentWechatMessage[] = [];
  let seq = 0;

  function knowOpenid(openid: string) {
    if (openids.size >= 100_000) openids.delete(openids.values().next().value!);
    openids.add(openid);
  }

  return {
    knowOpenid,
    accept(openid: string, templateIds: string[], longTerm: boolean) {
      knowOpenid(openid);
      consent.accept(openid, templateIds, longTerm);
    },
    send(body: Record<string, unknown>): { msgid: string } | Refusal {
      const request = readRequest(body, (openid) => openids.has(openid));
      if ('errcode' in request) return request;
      if (!consent.consume(request.touser, request.templateId)) return { errcode: 43101, errmsg: 'user refuse to accept the msg' };
      seq += 1;
      const message: SentWechatMessage = { ...request, msgid: String(Math.floor(sim.now() / 1000) * 1000 + (seq % 1000)), sentAt: new Date(sim.now()).toISOString() };
      sent = [...sent.slice(-(MAX_SENT_KEPT - 1)), message];
      return { msgid: message.msgid };
    },
    sent: () => [...sent],
    clear: () => {
      sent = [];
    },
  };
}
