/**
 * WeChat server API simulator, speaking api.weixin.qq.com's shapes and errcodes:
 *
 *   GET  <prefix>/wechat/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *   GET  <prefix>/wechat/cgi-bin/token?grant_type=client_credential&appid&secret
 *   POST <prefix>/wechat/cityservice/face/identify/getinfo?access_token=…  {"verify_result": "…"}
 *
 * Login codes (what wx.login returns) are minted by a dev hook, live 5 minutes and work once
 * (unknown/expired → 40029, used → 40163). Face verify_result tokens (what
 * wx.startFacialRecognitionVerify returns) are minted by a dev hook with the outcome; getinfo
 * answers with the MD5 of the upper-case ID number and of the UTF-8 name, as WeChat does.
 * Errors are HTTP 200 with {errcode, errmsg}, as WeChat answers them.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { guarded, type SimContext } from './context';
import { ExpiringMap, parseJsonObject, randomDigits, randomToken, readRawBody } from './util';

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_S = 7200;
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

export interface WechatSimulator {
  /** A one-time wx.login code for this openid (5 minutes). */
  loginCode(openid: string, unionid?: string): string;
  /** A verify_result as wx.startFacialRecognitionVerify would hand the mini-program. */
  faceResult(input: WechatFaceResultInput): string;
  /** Makes every issued access token stale (WeChat answers 40001), to exercise refresh. */
  expireAccessTokens(): void;
  /** How many access tokens were issued (tests check caching). */
  tokensIssued(): number;
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

  sim.router.get(
    '/wechat/cgi-bin/token',
    guarded(sim, 'wechat', (ctx) => {
      const q = ctx.query;
      if (q.grant_type !== 'client_credential') return err(ctx, 40002, 'invalid grant_type');
      if (!appCredentialsOk(ctx, q.appid, q.secret)) return;
      const token = `${randomToken(24, 'base64url')}${randomToken(24, 'base64url')}`;
      tokens.set(token, true, TOKEN_TTL_S * 1000);
      issued += 1;
      answer(ctx, { access_token: token, expires_in: TOKEN_TTL_S });
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

  return {
    loginCode(openid, unionid) {
      const code = randomToken(16);
      codes.set(code, { openid, unionid, used: false }, CODE_TTL_MS);
      return code;
    },
    faceResult(input) {
      const verifyResult = `vr_${randomToken(24, 'base64url')}`;
      faceResults.set(verifyResult, { ...input, at: sim.now() }, FACE_RESULT_TTL_MS);
      return verifyResult;
    },
    expireAccessTokens: () => tokens.clear(),
    tokensIssued: () => issued,
  };
}
