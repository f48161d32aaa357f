/**
 * Alipay open platform gateway simulator (OpenAPI 2.0), RSA2 both ways as the real gateway:
 * requests are verified with the app public key (the one our app key pair registered), responses
 * are signed with the simulator's own "Alipay" private key, in exactly the layout alipay-sdk
 * verifies — `{"<method>_response":{…},"sign":"<RSA-SHA256 of the inner JSON text>"}`.
 *
 *   GET|POST <prefix>/alipay/gateway.do  common params (app_id, method, charset, sign_type,
 *            timestamp in Beijing time, version, sign) in the query string, the rest (biz_content,
 *            grant_type, code …) in the query or a form body.
 *     alipay.system.oauth.token            auth codes minted by a dev hook; one use, 5 minutes;
 *                                          unknown/used → error_response isv.code-invalid
 *     alipay.user.certify.open.initialize  → certify_id (same outer_order_no → same certify_id)
 *     alipay.user.certify.open.certify     the signed GET URL the SDK builds → 302 to the page below
 *     alipay.user.certify.open.query       → passed T | F
 *     alipay.open.app.mini.templatemessage.send  biz_content {to_user_id, user_template_id, page,
 *                                          data: JSON string {"keyword1": {"value": "…"}}} → 10000;
 *                                          a user who has not subscribed the template (dev hook
 *                                          `subscribe`, standing in for my.requestSubscribeMessage)
 *                                          → 40004 USER_UNSUBSCRIBED (the simulator's code); a value
 *                                          over 50 characters → 40004 USER_KEYWORD_LENGTH_ERROR
 *   POST <prefix>/dev/alipay/subscribe {userId, templateIds, longTerm?}   dev: the user agrees
 *   GET  <prefix>/dev/alipay/messages?userId=…                            dev: what was delivered
 *   GET  <prefix>/alipay/certify?certify_id=…  an H5-like certify page with pass/fail buttons
 *   POST <prefix>/alipay/certify/complete      completes it and returns to merchant_config.return_url
 *
 * Gateway refusals follow Alipay: code 40002 Invalid Arguments with sub_code isv.invalid-app-id,
 * isv.invalid-signature-type, isv.invalid-timestamp (more than 15 minutes off), isv.invalid-signature,
 * isv.invalid-method, isv.missing-biz-content …; business refusals code 40004 Business Failed.
 */
import { createHash, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import { isValidIdNumber } from '@onevisit/shared-types';
import { SubscriptionLedger } from './consent';
import { guarded, type SimContext } from './context';
import { escapeHtml, ExpiringMap, isSafeRedirect, maskName, parseForm, parseJsonObject, randomDigits, randomToken, readRawBody, simPage, withQueryParam } from './util';

const AUTH_CODE_TTL_MS = 5 * 60_000;
const CERTIFY_TTL_MS = 24 * 3600_000;
const MAX_TIMESTAMP_SKEW_MS = 15 * 60_000;

export interface AlipayCredentials {
  appId: string;
  /** Our app's private key (PKCS#8 PEM): what the adapter signs requests with. */
  privateKey: string;
  /** Our app's public key (SPKI PEM): what we would upload to Alipay; the simulator verifies with it. */
  appPublicKey: string;
  /** The simulator's "Alipay public key" (SPKI PEM): what the adapter verifies responses with. */
  alipayPublicKey: string;
}

/** A template message the simulator accepted. */
export interface SentAlipayMessage {
  toUserId: string;
  templateId: string;
  page: string;
  /** Keyword → value. */
  data: Record<string, string>;
  sentAt: string;
}

export interface AlipaySimulator {
  /** A one-time my.getAuthCode code for this user. */
  authCode(userId?: string, openId?: string): { authCode: string; userId: string; openId: string };
  /** Completes a certification as the citizen would on the certify page; false when unknown or already done. */
  completeCertify(certifyId: string, pass: boolean): boolean;
  /** The simulator's signing key, e.g. to sign notifications in later capabilities' simulators. */
  signResponse(inner: string): string;
  /** The user agreed to these templates in my.requestSubscribeMessage: one message each, or any number when long-term. */
  subscribe(userId: string, templateIds: string[], options?: { longTerm?: boolean }): void;
  /** Delivered template messages, oldest first (the last 1000). */
  sentMessages(): SentAlipayMessage[];
  clearSentMessages(): void;
}

type Status = 'INIT' | 'PASSED' | 'FAILED';
interface Certification {
  outerOrderNo: string;
  name: string;
  idNumber: string;
  returnUrl: string;
  status: Status;
}

/** RSA 2048 pairs for the app and for "Alipay", PEM encoded. */
export function generateAlipayKeys(): { credentials: AlipayCredentials; alipayPrivateKey: string } {
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    credentials: {
      appId: `2021${randomDigits(12)}`,
      privateKey: app.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      appPublicKey: app.publicKey.export({ format: 'pem', type: 'spki' }) as string,
      alipayPublicKey: alipay.publicKey.export({ format: 'pem', type: 'spki' }) as string,
    },
    alipayPrivateKey: alipay.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  };
}

/** `yyyy-MM-dd HH:mm:ss` read as Beijing time → epoch ms, or NaN. */
function parseBeijing(ts: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(ts);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
}

function beijingNow(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The string Alipay verifies a request signature over: every non-empty param but sign, sorted. */
export function alipaySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

function objectParam(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function alipaySimulator(
  sim: SimContext,
  keys: { credentials: AlipayCredentials; alipayPrivateKey: string },
): AlipaySimulator {
  const { credentials } = keys;
  const appPublicKey: KeyObject = createPublicKey(credentials.appPublicKey);
  const authCodes = new ExpiringMap<{ userId: string; openId: string; used: boolean }>(sim.now);
  const certifications = new ExpiringMap<Certification>(sim.now);
  const byOuterOrderNo = new ExpiringMap<string>(sim.now);
  const messages = templateMessages(sim);

  const signResponse = (inner: string) => createSign('RSA-SHA256').update(inner, 'utf8').sign(keys.alipayPrivateKey, 'base64');

  function respond(ctx: Context, key: string, inner: Record<string, unknown>) {
    const text = JSON.stringify(inner);
    ctx.status = 200;
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = `{"${key}":${text},"sign":"${signResponse(text)}"}`;
  }

  const invalid = (subCode: string, subMsg: string) => ({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });
  const failed = (subCode: string, subMsg: string) => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });

  function openIdFor(userId: string): string {
    return `0${createHash('sha256').update(`${credentials.appId}:${userId}`).digest('hex').slice(0, 31)}`;
  }

  async function collectParams(ctx: Context): Promise<Record<string, string>> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.query)) if (typeof v === 'string') params[k] = v;
    if (ctx.method === 'POST') {
      const raw = await readRawBody(ctx);
      if (raw.length && !ctx.is('multipart/*')) Object.assign(params, parseForm(raw));
    }
    return params;
  }

  /** Gateway checks common to every method; returns the refusal or null. */
  function gatewayRefusal(params: Record<string, string>): Record<string, unknown> | null {
    if (!params.app_id) return invalid('isv.missing-app-id', '缺少AppID参数');
    if (params.app_id !== credentials.appId) return invalid('isv.invalid-app-id', '无效的AppID参数');
    if (!params.sign) return invalid('isv.missing-signature', '缺少签名参数');
    if (params.sign_type !== 'RSA2') return invalid('isv.invalid-signature-type', '无效的签名类型');
    if (params.charset && params.charset.toLowerCase() !== 'utf-8') return invalid('isv.invalid-charset', '字符集错误');
    if (!params.timestamp) return invalid('isv.missing-timestamp', '缺少时间戳参数');
    const at = parseBeijing(params.timestamp);
    if (Number.isNaN(at) || Math.abs(sim.now() - at) > MAX_TIMESTAMP_SKEW_MS) {
      return invalid('isv.invalid-timestamp', `非法的时间戳参数（网关时间 ${beijingNow(sim.now())}，北京时间）`);
    }
    const ok = createVerify('RSA-SHA256').update(alipaySignContent(params), 'utf8').verify(appPublicKey, params.sign, 'base64');
    if (!ok) return invalid('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${alipaySignContent(params)}`);
    return null;
  }

  function oauthToken(params: Record<string, string>): { key: string; inner: Record<string, unknown> } {
    const key = 'alipay_system_oauth_token_response';
    if (params.grant_type !== 'authorization_code') return { key: 'error_response', inner: invalid('isv.grant-type-invalid', '不支持的grant_type') };
    const entry = params.code ? authCodes.get(params.code) : undefined;
    if (!entry || entry.used) return { key: 'error_response', inner: invalid('isv.code-invalid', '授权码code无效') };
    entry.used = true;
    return {
      key,
      inner: {
        user_id: entry.userId,
        open_id: entry.openId,
        access_token: `authusrB${randomToken(16)}`,
        expires_in: 1_296_000,
        refresh_token: `authusrB${randomToken(16)}`,
        re_expires_in: 2_592_000,
        auth_start: beijingNow(sim.now()),
      },
    };
  }

  function certifyInitialize(biz: Record<string, unknown>): Record<string, unknown> {
    const outerOrderNo = biz.outer_order_no;
    if (typeof outerOrderNo !== 'string' || !/^[\w-]{1,32}$/.test(outerOrderNo)) return invalid('isv.invalid-parameter', 'outer_order_no 无效');
    if (biz.biz_code !== 'FACE') return invalid('isv.invalid-parameter', 'biz_code 仅支持 FACE');
    const identity = objectParam(biz.identity_param);
    if (!identity || identity.identity_type !== 'CERT_INFO' || identity.cert_type !== 'IDENTITY_CARD') {
      return invalid('isv.invalid-parameter', 'identity_param 无效');
    }
    const name = identity.cert_name;
    const certNo = identity.cert_no;
    if (typeof name !== 'string' || !name || typeof certNo !== 'string' || !isValidIdNumber(certNo, new Date(sim.now()))) {
      return failed('CERT_INFO_INVALID', '身份信息不合法');
    }
    const returnUrl = objectParam(biz.merchant_config)?.return_url;
    if (typeof returnUrl !== 'string' || !returnUrl) return invalid('isv.invalid-parameter', 'merchant_config.return_url 必填');
    const existing = byOuterOrderNo.get(outerOrderNo);
    if (existing) {
      const c = certifications.get(existing);
      if (c && c.name === name && c.idNumber === certNo.toUpperCase()) return { code: '10000', msg: 'Success', certify_id: existing };
      return failed('OUTER_ORDER_NO_DUPLICATE', '商户请求唯一标识重复');
    }
    const certifyId = randomToken(16);
    certifications.set(certifyId, { outerOrderNo, name, idNumber: certNo.toUpperCase(), returnUrl, status: 'INIT' }, CERTIFY_TTL_MS);
    byOuterOrderNo.set(outerOrderNo, certifyId, CERTIFY_TTL_MS);
    return { code: '10000', msg: 'Success', certify_id: certifyId };
  }

  function certifyQuery(biz: Record<string, unknown>): Record<string, unknown> {
    const certifyId = biz.certify_id;
    if (typeof certifyId !== 'string' || !certifyId) return invalid('isv.missing-parameter', 'certify_id 必填');
    const c = certifications.get(certifyId);
    if (!c) return failed('CERTIFY_ID_EXPIRED', '认证已失效或不存在');
    return { code: '10000', msg: 'Success', passed: c.status === 'PASSED' ? 'T' : 'F' };
  }

  function htmlPage(ctx: Context, status: number, inner: string) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = simPage('支付宝身份验证（模拟）', inner);
  }

  const gateway = guarded(sim, 'alipay', async (ctx) => {
    const params = await collectParams(ctx);
    const method = params.method;
    const key = method ? `${method.replace(/\./g, '_')}_response` : 'error_response';
    const refusal = method ? gatewayRefusal(params) : invalid('isv.missing-method', '缺少方法名参数');
    const isPage = method === 'alipay.user.certify.open.certify';
    if (refusal) {
      if (isPage && ctx.method === 'GET') return htmlPage(ctx, 400, `<h1>请求错误</h1><p id="sim-alipay-error">${escapeHtml(String(refusal.sub_code))}</p>`);
      return respond(ctx, key, refusal);
    }
    const needsBiz = method !== 'alipay.system.oauth.token';
    const biz = needsBiz ? objectParam(params.biz_content) : {};
    if (!biz) return respond(ctx, key, invalid('isv.missing-biz-content', '缺少业务参数 biz_content'));
    switch (method) {
      case 'alipay.system.oauth.token': {
        const r = oauthToken(params);
        return respond(ctx, r.key, r.inner);
      }
      case 'alipay.user.certify.open.initialize':
        return respond(ctx, key, certifyInitialize(biz));
      case 'alipay.user.certify.open.query':
        return respond(ctx, key, certifyQuery(biz));
      case 'alipay.open.app.mini.templatemessage.send':
        return respond(ctx, key, messages.send(biz));
      case 'alipay.user.certify.open.certify': {
        const certifyId = typeof biz.certify_id === 'string' ? biz.certify_id : '';
        if (!certifications.get(certifyId)) return htmlPage(ctx, 404, '<h1>认证已失效</h1><p id="sim-alipay-error">CERTIFY_ID_EXPIRED</p>');
        ctx.redirect(`${sim.prefix}/alipay/certify?certify_id=${encodeURIComponent(certifyId)}`);
        return;
      }
      default:
        return respond(ctx, key, invalid('isv.invalid-method', '不存在的方法名'));
    }
  });
  sim.router.get('/alipay/gateway.do', gateway);
  sim.router.post('/alipay/gateway.do', gateway);

  sim.router.get('/alipay/certify', (ctx) => {
    const certifyId = String(ctx.query.certify_id ?? '');
    const c = certifications.get(certifyId);
    if (!c) return htmlPage(ctx, 404, '<h1>认证已失效</h1><p id="sim-alipay-error">认证请求不存在或已过期。</p>');
    if (c.status !== 'INIT') return htmlPage(ctx, 409, `<h1>认证已结束</h1><p id="sim-alipay-error">${c.status === 'PASSED' ? '已通过' : '未通过'}</p>`);
    const action = `${sim.prefix}/alipay/certify/complete`;
    const id = escapeHtml(certifyId);
    htmlPage(
      ctx,
      200,
      `<span class="badge">模拟环境 · 支付宝刷脸认证</span>
<h1>支付宝身份验证</h1>
<p>请 <strong id="sim-alipay-name">${escapeHtml(maskName(c.name))}</strong> 本人操作</p>
<div class="face" aria-hidden="true"></div>
<form method="post" action="${action}"><input type="hidden" name="certify_id" value="${id}"><input type="hidden" name="result" value="pass">
<button id="sim-alipay-pass" class="pass" type="submit">开始刷脸（通过）</button></form>
<form method="post" action="${action}"><input type="hidden" name="certify_id" value="${id}"><input type="hidden" name="result" value="fail">
<button id="sim-alipay-fail" class="fail" type="submit">模拟失败</button></form>`,
    );
  });

  function completeCertify(certifyId: string, pass: boolean): boolean {
    const c = certifications.get(certifyId);
    if (!c || c.status !== 'INIT') return false;
    c.status = pass ? 'PASSED' : 'FAILED';
    return true;
  }

  sim.router.post('/alipay/certify/complete', async (ctx) => {
    const form = parseForm(await readRawBody(ctx, 16 * 1024));
    const certifyId = form.certify_id ?? '';
    if (form.result !== 'pass' && form.result !== 'fail') return htmlPage(ctx, 400, '<p id="sim-alipay-error">参数错误</p>');
    const c = certifications.get(certifyId);
    if (!c) return htmlPage(ctx, 404, '<p id="sim-alipay-error">认证请求不存在或已过期。</p>');
    if (!completeCertify(certifyId, form.result === 'pass')) return htmlPage(ctx, 409, '<p id="sim-alipay-error">认证已结束</p>');
    const back = withQueryParam(c.returnUrl, 'certify_id', certifyId);
    if (isSafeRedirect(c.returnUrl)) {
      ctx.status = 303;
      ctx.redirect(back);
      return;
    }
    // alipays:// and other app schemes: a browser cannot follow them; show the outcome and a link.
    htmlPage(
      ctx,
      200,
      `<h1 id="sim-alipay-done">${form.result === 'pass' ? '认证通过' : '认证未通过'}</h1><p>请返回小程序继续办理。</p><p><a href="${escapeHtml(back)}">返回</a></p>`,
    );
  });

  // Dev only (this router is never mounted in production): the consent and the delivered log.
  sim.router.post('/dev/alipay/subscribe', async (ctx) => {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    const templateIds = body?.templateIds;
    const valid = Array.isArray(templateIds) && templateIds.length > 0 && templateIds.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 64);
    if (!body || typeof body.userId !== 'string' || !body.userId || !valid || (body.longTerm !== undefined && typeof body.longTerm !== 'boolean')) {
      ctx.status = 400;
      ctx.body = { code: 'INVALID_ARGUMENT', message: 'userId (string), templateIds (strings) and longTerm? (boolean) are required' };
      return;
    }
    messages.accept(body.userId, templateIds as string[], body.longTerm === true);
    ctx.body = { ok: true };
  });
  sim.router.get('/dev/alipay/messages', (ctx) => {
    const userId = typeof ctx.query.userId === 'string' ? ctx.query.userId : undefined;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: messages.sent().filter((m) => !userId || m.toUserId === userId) };
  });

  return {
    authCode(userId, openId) {
      const uid = userId ?? `2088${randomDigits(12)}`;
      const oid = openId ?? openIdFor(uid);
      const authCode = `${randomToken(16)}`;
      authCodes.set(authCode, { userId: uid, openId: oid, used: false }, AUTH_CODE_TTL_MS);
      return { authCode, userId: uid, openId: oid };
    },
    completeCertify,
    signResponse,
    subscribe: (userId, templateIds, options) => messages.accept(userId, templateIds, options?.longTerm ?? false),
    sentMessages: () => messages.sent(),
    clearSentMessages: () => messages.clear(),
  };
}

// ---- mini-program template messages ----

const MAX_SENT_KEPT = 1000;
/** Alipay refuses a keyword value longer than this (USER_KEYWORD_LENGTH_ERROR). */
const KEYWORD_MAX_CHARS = 50;

/** Consent, validation and the delivered log of template messages. */
function templateMessages(sim: SimContext) {
  const invalid = (subCode: string, subMsg: string) => ({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });
  const failed = (subCode: string, subMsg: string) => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });
  const consent = new SubscriptionLedger();
  let sent: SentAlipayMessage[] = [];

  /** The keywords of `data` (a JSON string, as the API takes it), or the refusal. */
  function keywords(raw: unknown): { data: Record<string, string> } | { refusal: Record<string, unknown> } {
    const data = objectParam(raw);
    if (!data || !Object.keys(data).length) return { refusal: invalid('isv.invalid-parameter', 'data 格式错误') };
    const out: Record<string, string> = {};
    for (const [key, entry] of Object.entries(data)) {
      const value = objectParam(entry)?.value;
      if (!/^keyword\d{1,2}$/.test(key) || typeof value !== 'string') return { refusal: invalid('isv.invalid-parameter', `data.${key} 格式错误`) };
      if (Array.from(value).length > KEYWORD_MAX_CHARS) return { refusal: failed('USER_KEYWORD_LENGTH_ERROR', '关键词超长') };
      out[key] = value;
    }
    return { data: out };
  }

  return {
    accept: (userId: string, templateIds: string[], longTerm: boolean) => consent.accept(userId, templateIds, longTerm),
    send(biz: Record<string, unknown>): Record<string, unknown> {
      const { to_user_id: toUserId, user_template_id: templateId, page } = biz;
      if (typeof toUserId !== 'string' || !/^2088\d{12}$/.test(toUserId)) return invalid('isv.invalid-parameter', 'to_user_id 无效');
      if (typeof templateId !== 'string' || !templateId || templateId.length > 64) return invalid('isv.invalid-parameter', 'user_template_id 无效');
      if (typeof page !== 'string' || !page || page.length > 128) return invalid('isv.invalid-parameter', 'page 无效');
      const parsed = keywords(biz.data);
      if ('refusal' in parsed) return parsed.refusal;
      if (!consent.consume(toUserId, templateId)) return failed('USER_UNSUBSCRIBED', '用户未订阅该消息模板或订阅次数已用完');
      const message: SentAlipayMessage = { toUserId, templateId, page, data: parsed.data, sentAt: new Date(sim.now()).toISOString() };
      sent = [...sent.slice(-(MAX_SENT_KEPT - 1)), message];
      return { code: '10000', msg: 'Success' };
    },
    sent: () => [...sent],
    clear: () => {
      sent = [];
    },
  };
}
