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
 *
 * Payments (小程序支付), money as yuan strings on the wire (fen inside):
 *     alipay.trade.create     biz_content {out_trade_no, total_amount, subject, product_code
 *                             JSAPI_PAY, buyer_id | buyer_open_id, op_app_id?, time_expire?}, notify_url
 *                             → trade_no (same out_trade_no while unpaid → same trade_no; other amount
 *                             → ACQ.CONTEXT_INCONSISTENT; paid → ACQ.TRADE_HAS_SUCCESS; closed →
 *                             ACQ.TRADE_HAS_CLOSE); unpaid trades close at time_expire (default 15 days)
 *     alipay.trade.query      → trade_status …; unknown → ACQ.TRADE_NOT_EXIST
 *     alipay.trade.close      unpaid only, else ACQ.TRADE_STATUS_ERROR
 *     alipay.trade.refund     out_request_no idempotent (repeat → fund_change N; another amount →
 *                             ACQ.DISCORDANT_REPEAT_REQUEST); over the total → ACQ.REFUND_AMT_NOT_EQUAL_TOTAL;
 *                             the full amount refunded closes the trade (TRADE_CLOSED)
 *     alipay.trade.fastpay.refund.query   REFUND_SUCCESS, or no refund_status for an unknown request
 *     alipay.data.dataservice.bill.downloadurl.query  bill_type trade, bill_date yyyy-MM-dd | yyyy-MM
 *                             once that day (month) is over in Beijing → a download URL valid 30 s:
 *                             a zip of `<pid>_<date>_业务明细.csv` and `…_业务明细(汇总).csv`, GBK
 *   Paying: the dev hook `pay(outTradeNo)` (standing in for my.tradePay), or the H5 cashier page
 *   GET <prefix>/alipay/cashier?trade_no=…[&return_url=…] → POST <prefix>/alipay/cashier/pay.
 *   Paid and refunded trades are notified: a form POST to notify_url, RSA2-signed with the
 *   simulator's key over every parameter but sign and sign_type (sorted, raw values), retried on
 *   Alipay's schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h; `notifyRetryDelaysMs` compresses it) until
 *   the answer is exactly `success`.
 *   POST <prefix>/dev/alipay/pay {outTradeNo}            dev: the citizen pays
 *   GET  <prefix>/dev/alipay/trades                      dev: trades (amounts, states, refunds)
 *   GET  <prefix>/dev/alipay/notifications               dev: notification attempts
 *   POST <prefix>/dev/alipay/bill-rows {billDate, row, replace?}   dev: plant a (mismatching) bill row
 *
 * Gateway refusals follow Alipay: code 40002 Invalid Arguments with sub_code isv.invalid-app-id,
 * isv.invalid-signature-type, isv.invalid-timestamp (more than 15 minutes off), isv.invalid-signature,
 * isv.invalid-method, isv.missing-biz-content …; business refusals code 40004 Business Failed.
 */
import { createHash, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Context } from 'koa';
import { isValidIdNumber } from '@onevisit/shared-types';
import { fenToYuan, yuanToFen } from '../adapters/alipay/amount';
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
  /** The citizen pays an unpaid trade (my.tradePay / the cashier page): TRADE_SUCCESS, then the notification. Undefined when unknown or not payable. */
  pay(outTradeNo: string): AlipaySimTrade | undefined;
  trade(outTradeNo: string): AlipaySimTrade | undefined;
  trades(): AlipaySimTrade[];
  /** Every notification POST, oldest first (the last 1000). */
  notifyAttempts(): AlipayNotifyAttempt[];
  /** Puts a row into a day's bill (yyyy-MM-dd); `replace` drops the genuine row(s) of that order and type first. */
  plantBillRow(billDate: string, row: PlantedBillRow, options?: { replace?: boolean }): void;
  clearPlantedBillRows(): void;
  /** The H5 cashier page of a trade, under the simulators' prefix. */
  cashierPath(tradeNo: string, returnUrl?: string): string;
  /** The merchant account (seller_id) trades are paid to. */
  sellerId(): string;
  /** Timers pending (notification retries). */
  pendingTimers(): number;
  /** Cancels notification retries and POSTs in flight; nothing is scheduled afterwards. */
  stop(): void;
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
  options: AlipaySimulatorOptions = {},
): AlipaySimulator {
  const { credentials } = keys;
  const appPublicKey: KeyObject = createPublicKey(credentials.appPublicKey);
  const authCodes = new ExpiringMap<{ userId: string; openId: string; used: boolean }>(sim.now);
  const certifications = new ExpiringMap<Certification>(sim.now);
  const byOuterOrderNo = new ExpiringMap<string>(sim.now);
  const messages = templateMessages(sim);

  const signResponse = (inner: string) => createSign('RSA-SHA256').update(inner, 'utf8').sign(keys.alipayPrivateKey, 'base64');
  const payments = tradePayments(sim, { appId: credentials.appId, signResponse, options });

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
      case 'alipay.trade.create':
        return respond(ctx, key, payments.create(biz, params.notify_url || undefined));
      case 'alipay.trade.query':
        return respond(ctx, key, payments.query(biz));
      case 'alipay.trade.close':
        return respond(ctx, key, payments.close(biz));
      case 'alipay.trade.refund':
        return respond(ctx, key, payments.refund(biz));
      case 'alipay.trade.fastpay.refund.query':
        return respond(ctx, key, payments.refundQuery(biz));
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return respond(ctx, key, payments.billUrl(ctx, biz));
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

  registerPaymentRoutes(sim, payments);

  return {
    pay: (outTradeNo) => payments.pay(outTradeNo),
    trade: (outTradeNo) => payments.trade(outTradeNo),
    trades: () => payments.trades(),
    notifyAttempts: () => payments.notifyAttempts(),
    plantBillRow: (billDate, row, opts) => payments.plantBillRow(billDate, row, opts?.replace ?? false),
    clearPlantedBillRows: () => payments.clearPlantedRows(),
    cashierPath: (tradeNo, returnUrl) =>
      `${sim.prefix}/alipay/cashier?trade_no=${encodeURIComponent(tradeNo)}${returnUrl ? `&return_url=${encodeURIComponent(returnUrl)}` : ''}`,
    sellerId: () => payments.sellerId,
    pendingTimers: () => payments.pendingTimers(),
    stop: () => payments.stop(),
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

// ---- payments: alipay.trade.*, async notifications, the cashier page, bills ----

/** Alipay's notification retry schedule after a failed attempt: 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 attempts in all, about 25 h). */
export const ALIPAY_NOTIFY_RETRY_DELAYS_MS: readonly number[] = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);
/** An unpaid trade without time_expire closes after 15 days. */
const DEFAULT_TRADE_TTL_MS = 15 * 24 * 3600_000;
const BILL_URL_TTL_MS = 30_000;
const MAX_TRADES_KEPT = 20_000;

export interface AlipaySimulatorOptions {
  /** Delays between notification attempts; default `ALIPAY_NOTIFY_RETRY_DELAYS_MS` (tests compress it). */
  notifyRetryDelaysMs?: readonly number[];
  /** Per notification attempt; default 5000 ms. */
  notifyTimeoutMs?: number;
  /** The merchant's Alipay account (seller_id, 2088…); default derived from the app id. */
  sellerId?: string;
}

export type AlipaySimTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

/** A trade as the simulator holds it (dev hooks and tests). */
export interface AlipaySimTrade {
  tradeNo: string;
  outTradeNo: string;
  status: AlipaySimTradeStatus;
  totalFen: number;
  refundedFen: number;
  subject: string;
  buyerId?: string;
  buyerOpenId?: string;
  opAppId?: string;
  notifyUrl?: string;
  createdAt: string;
  paidAt?: string;
  closedAt?: string;
  refunds: { outRequestNo: string; amountFen: number; at: string }[];
}

/** One POST of an async notification. */
export interface AlipayNotifyAttempt {
  outTradeNo: string;
  notifyId: string;
  tradeStatus: AlipaySimTradeStatus;
  /** The refund's out_request_no, for refund notifications. */
  outBizNo?: string;
  attempt: number;
  /** HTTP status, or the network error's code. */
  outcome: number | string;
  /** The first 40 characters the merchant answered. */
  answer?: string;
  ok: boolean;
  gaveUp: boolean;
}

/** A row a test puts into a day's bill (a mismatch to find). */
export interface PlantedBillRow {
  outTradeNo: string;
  /** 商家实收 in fen, positive (a 退款 row is written negative). */
  amountFen: number;
  type?: '交易' | '退款';
  tradeNo?: string;
  subject?: string;
  refundRequestNo?: string;
  /** When it happened (ms); default noon of the bill date, Beijing time. */
  at?: number;
}

interface SimTrade {
  tradeNo: string;
  outTradeNo: string;
  totalFen: number;
  subject: string;
  body?: string;
  buyerId?: string;
  buyerOpenId?: string;
  opAppId?: string;
  productCode: string;
  notifyUrl?: string;
  status: AlipaySimTradeStatus;
  createdAt: number;
  expiresAt: number;
  paidAt?: number;
  closedAt?: number;
  refunds: { outRequestNo: string; amountFen: number; at: number; reason?: string }[];
  /** Notifications waiting; the head is in flight. */
  outbox: { params: Record<string, string>; notifyId: string; outBizNo?: string }[];
  delivering: boolean;
}

interface BillLine {
  tradeNo: string;
  outTradeNo: string;
  type: '交易' | '退款';
  subject: string;
  createdAt: number;
  finishedAt: number;
  counterparty: string;
  orderFen: number;
  receivedFen: number;
  refundRequestNo: string;
}

const TRADE_OUT_NO = /^[A-Za-z0-9_-]{1,64}$/;

function fenString(fen: number): string {
  return fenToYuan(fen);
}

/** `yyyy-MM-dd HH:mm:ss.SSS` Beijing (gmt_refund carries milliseconds). */
function beijingMillis(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 23).replace('T', ' ');
}

function tradePayments(
  sim: SimContext,
  config: { appId: string; signResponse: (content: string) => string; options: AlipaySimulatorOptions },
) {
  const failed = (subCode: string, subMsg: string) => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });
  const invalid = (subCode: string, subMsg: string) => ({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });
  const sellerId = config.options.sellerId ?? `2088${createHash('sha256').update(`seller:${config.appId}`).digest('hex').replace(/\D/g, '').padEnd(12, '0').slice(0, 12)}`;
  const retryDelays = config.options.notifyRetryDelaysMs ?? ALIPAY_NOTIFY_RETRY_DELAYS_MS;
  const notifyTimeout = config.options.notifyTimeoutMs ?? 5000;
  const byOutTradeNo = new Map<string, SimTrade>();
  const byTradeNo = new Map<string, string>();
  const attemptsLog: AlipayNotifyAttempt[] = [];
  const planted = new Map<string, { row: PlantedBillRow; replace: boolean }[]>();
  const billTokens = new ExpiringMap<{ billType: string; billDate: string }>(sim.now);
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const aborter = new AbortController();

  function schedule(ms: number, fn: () => void) {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
  }

  /** Applies time: an unpaid trade past its expiry is closed. */
  function current(t: SimTrade): SimTrade {
    if (t.status === 'WAIT_BUYER_PAY' && sim.now() >= t.expiresAt) {
      t.status = 'TRADE_CLOSED';
      t.closedAt = t.expiresAt;
    }
    return t;
  }

  function find(biz: Record<string, unknown>): SimTrade | undefined {
    const out = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : undefined;
    const no = typeof biz.trade_no === 'string' ? biz.trade_no : undefined;
    const t = out ? byOutTradeNo.get(out) : no ? byOutTradeNo.get(byTradeNo.get(no) ?? '') : undefined;
    if (t && no && t.tradeNo !== no) return undefined;
    return t ? current(t) : undefined;
  }

  function newTradeNo(): string {
    const day = beijingNow(sim.now()).slice(0, 10).replace(/-/g, '');
    let no: string;
    do no = `${day}22001${randomDigits(15)}`;
    while (byTradeNo.has(no));
    return no;
  }

  const logonId = (t: SimTrade) => `186****${(t.buyerId ?? t.buyerOpenId ?? '0000').slice(-4)}`;
  const buyerFields = (t: SimTrade): Record<string, string> => (t.buyerId ? { buyer_user_id: t.buyerId } : t.buyerOpenId ? { buyer_open_id: t.buyerOpenId } : {});
  const netFen = (t: SimTrade) => t.totalFen - t.refunds.reduce((n, r) => n + r.amountFen, 0);
  const refundedFen = (t: SimTrade) => t.refunds.reduce((n, r) => n + r.amountFen, 0);

  // ---- async notifications: form-encoded, RSA2-signed over every parameter but sign and sign_type

  function signNotification(params: Record<string, string>): Record<string, string> {
    const content = alipaySignContent(Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'sign_type' && k !== 'sign')));
    return { ...params, sign: config.signResponse(content) };
  }

  function queueNotification(t: SimTrade, refund?: SimTrade['refunds'][number]) {
    if (!t.notifyUrl) return;
    const amount = fenString(t.totalFen);
    const params: Record<string, string> = {
      notify_type: 'trade_status_sync',
      notify_id: randomToken(16),
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      app_id: config.appId,
      auth_app_id: config.appId,
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      seller_id: sellerId,
      trade_status: t.status,
      total_amount: amount,
      receipt_amount: amount,
      invoice_amount: amount,
      buyer_pay_amount: amount,
      point_amount: '0.00',
      subject: t.subject,
      gmt_create: beijingNow(t.createdAt),
      fund_bill_list: JSON.stringify([{ amount, fundChannel: 'ALIPAYACCOUNT' }]),
      ...(t.paidAt !== undefined ? { gmt_payment: beijingNow(t.paidAt) } : {}),
      ...(t.buyerId ? { buyer_id: t.buyerId } : {}),
      ...(t.buyerOpenId ? { buyer_open_id: t.buyerOpenId } : {}),
      ...(t.body ? { body: t.body } : {}),
      ...(refund
        ? { refund_fee: fenString(refundedFen(t)), out_biz_no: refund.outRequestNo, gmt_refund: beijingMillis(refund.at), ...(t.closedAt !== undefined ? { gmt_close: beijingNow(t.closedAt) } : {}) }
        : {}),
    };
    t.outbox.push({ params, notifyId: params.notify_id, ...(refund ? { outBizNo: refund.outRequestNo } : {}) });
    deliverNext(t);
  }

  function deliverNext(t: SimTrade) {
    if (t.delivering || t.outbox.length === 0 || stopped) return;
    t.delivering = true;
    void attemptNotify(t, 1);
  }

  async function postNotification(url: string, params: Record<string, string>): Promise<{ outcome: number | string; answer?: string }> {
    try {
      // notify_time is stamped, and the form signed, for each attempt
      const signed = signNotification({ ...params, notify_time: beijingNow(sim.now()) });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(signed).toString(),
        signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(notifyTimeout)]),
        redirect: 'error',
      });
      const answer = (await res.text().catch(() => '')).slice(0, 40);
      return { outcome: res.status, answer };
    } catch (err) {
      return { outcome: (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.name ?? 'error' };
    }
  }

  async function attemptNotify(t: SimTrade, n: number): Promise<void> {
    const head = t.outbox[0];
    const { outcome, answer } = await postNotification(t.notifyUrl!, head.params);
    if (stopped) return;
    // Alipay stops only on exactly `success`; anything else (even a 200) is retried.
    const ok = outcome === 200 && answer === 'success';
    const gaveUp = !ok && n > retryDelays.length;
    attemptsLog.push({
      outTradeNo: t.outTradeNo,
      notifyId: head.notifyId,
      tradeStatus: head.params.trade_status as AlipaySimTradeStatus,
      ...(head.outBizNo ? { outBizNo: head.outBizNo } : {}),
      attempt: n,
      outcome,
      ...(answer !== undefined ? { answer } : {}),
      ok,
      gaveUp,
    });
    if (attemptsLog.length > 1000) attemptsLog.splice(0, attemptsLog.length - 1000);
    if (ok || gaveUp) {
      t.outbox.shift();
      t.delivering = false;
      deliverNext(t);
      return;
    }
    schedule(retryDelays[n - 1], () => void attemptNotify(t, n + 1));
  }

  // ---- the trade API

  function remember(t: SimTrade) {
    if (byOutTradeNo.size >= MAX_TRADES_KEPT) {
      const oldest = byOutTradeNo.values().next().value;
      if (oldest) {
        byOutTradeNo.delete(oldest.outTradeNo);
        byTradeNo.delete(oldest.tradeNo);
      }
    }
    byOutTradeNo.set(t.outTradeNo, t);
    byTradeNo.set(t.tradeNo, t.outTradeNo);
  }

  function amountOf(v: unknown): number | undefined {
    if (typeof v !== 'string') return undefined;
    try {
      const fen = yuanToFen(v);
      return fen >= 1 && fen <= 10_000_000_000 ? fen : undefined;
    } catch {
      return undefined;
    }
  }

  function create(biz: Record<string, unknown>, notifyUrl: string | undefined): Record<string, unknown> {
    const out = biz.out_trade_no;
    if (typeof out !== 'string' || !TRADE_OUT_NO.test(out)) return failed('ACQ.INVALID_PARAMETER', '参数无效：out_trade_no');
    const totalFen = amountOf(biz.total_amount);
    if (totalFen === undefined) return failed('ACQ.INVALID_PARAMETER', '参数无效：total_amount 须为 0.01–100000000.00 元，最多两位小数');
    const subject = biz.subject;
    if (typeof subject !== 'string' || !subject.trim() || Array.from(subject).length > 256) return failed('ACQ.INVALID_PARAMETER', '参数无效：subject');
    const productCode = biz.product_code === undefined ? 'FACE_TO_FACE_PAYMENT' : biz.product_code;
    if (productCode !== 'JSAPI_PAY' && productCode !== 'FACE_TO_FACE_PAYMENT') return failed('ACQ.INVALID_PARAMETER', '参数无效：product_code');
    const buyerId = typeof biz.buyer_id === 'string' && biz.buyer_id ? biz.buyer_id : undefined;
    const buyerOpenId = typeof biz.buyer_open_id === 'string' && biz.buyer_open_id ? biz.buyer_open_id : undefined;
    if (!buyerId && !buyerOpenId) return failed('ACQ.INVALID_PARAMETER', 'buyer_id 与 buyer_open_id 不能同时为空');
    if (buyerId && !/^2088\d{12}$/.test(buyerId)) return failed('ACQ.INVALID_PARAMETER', '参数无效：buyer_id');
    const opAppId = typeof biz.op_app_id === 'string' && biz.op_app_id ? biz.op_app_id : undefined;
    if (opAppId && !/^\d{16}$/.test(opAppId)) return failed('ACQ.INVALID_PARAMETER', '参数无效：op_app_id');
    if (notifyUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(notifyUrl)) return invalid('isv.invalid-notify-url', 'notify_url 格式错误');
    let expiresAt = sim.now() + DEFAULT_TRADE_TTL_MS;
    if (biz.time_expire !== undefined) {
      const at = typeof biz.time_expire === 'string' ? parseBeijing(biz.time_expire) : Number.NaN;
      if (Number.isNaN(at)) return failed('ACQ.INVALID_PARAMETER', '参数无效：time_expire（yyyy-MM-dd HH:mm:ss，北京时间）');
      expiresAt = at;
    }

    const existing = byOutTradeNo.get(out);
    if (existing) {
      const t = current(existing);
      if (t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED') return failed('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      if (t.status === 'TRADE_CLOSED') return failed('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
      if (t.totalFen !== totalFen || t.buyerId !== buyerId || t.buyerOpenId !== buyerOpenId) return failed('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
      return { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, trade_no: t.tradeNo };
    }
    const t: SimTrade = {
      tradeNo: newTradeNo(),
      outTradeNo: out,
      totalFen,
      subject: subject.trim(),
      ...(typeof biz.body === 'string' && biz.body ? { body: biz.body } : {}),
      ...(buyerId ? { buyerId } : {}),
      ...(buyerOpenId ? { buyerOpenId } : {}),
      ...(opAppId ? { opAppId } : {}),
      productCode,
      ...(notifyUrl ? { notifyUrl } : {}),
      status: 'WAIT_BUYER_PAY',
      createdAt: sim.now(),
      expiresAt,
      refunds: [],
      outbox: [],
      delivering: false,
    };
    remember(t);
    return { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, trade_no: t.tradeNo };
  }

  function query(biz: Record<string, unknown>): Record<string, unknown> {
    const t = find(biz);
    if (!t) return failed('ACQ.TRADE_NOT_EXIST', '交易不存在');
    const paid = t.paidAt !== undefined;
    return {
      code: '10000',
      msg: 'Success',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_logon_id: logonId(t),
      trade_status: t.status,
      total_amount: fenString(t.totalFen),
      buyer_pay_amount: paid ? fenString(t.totalFen) : '0.00',
      point_amount: '0.00',
      invoice_amount: paid ? fenString(t.totalFen) : '0.00',
      receipt_amount: paid ? fenString(netFen(t)) : '0.00',
      ...(paid ? { send_pay_date: beijingNow(t.paidAt!) } : {}),
      ...buyerFields(t),
    };
  }

  function close(biz: Record<string, unknown>): Record<string, unknown> {
    const t = find(biz);
    if (!t) return failed('ACQ.TRADE_NOT_EXIST', '交易不存在');
    if (t.status !== 'WAIT_BUYER_PAY') return failed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    t.status = 'TRADE_CLOSED';
    t.closedAt = sim.now();
    return { code: '10000', msg: 'Success', trade_no: t.tradeNo, out_trade_no: t.outTradeNo };
  }

  function refund(biz: Record<string, unknown>): Record<string, unknown> {
    const t = find(biz);
    if (!t) return failed('ACQ.TRADE_NOT_EXIST', '交易不存在');
    const amountFen = amountOf(biz.refund_amount);
    if (amountFen === undefined) return failed('ACQ.INVALID_PARAMETER', '参数无效：refund_amount');
    const requestNo = biz.out_request_no === undefined ? t.outTradeNo : biz.out_request_no;
    if (typeof requestNo !== 'string' || !TRADE_OUT_NO.test(requestNo)) return failed('ACQ.INVALID_PARAMETER', '参数无效：out_request_no');
    const answer = (fundChange: 'Y' | 'N', at: number) => ({
      code: '10000',
      msg: 'Success',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_logon_id: logonId(t),
      fund_change: fundChange,
      refund_fee: fenString(refundedFen(t)),
      gmt_refund_pay: beijingNow(at),
      ...buyerFields(t),
    });
    const repeat = t.refunds.find((r) => r.outRequestNo === requestNo);
    if (repeat) {
      if (repeat.amountFen !== amountFen) return failed('ACQ.DISCORDANT_REPEAT_REQUEST', '请求参数与之前的退款请求不一致');
      return answer('N', repeat.at);
    }
    if (t.status === 'WAIT_BUYER_PAY') return failed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (t.status === 'TRADE_CLOSED') return failed('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    if (t.status === 'TRADE_FINISHED') return failed('ACQ.TRADE_HAS_FINISHED', '交易已完结');
    if (refundedFen(t) + amountFen > t.totalFen) return failed('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
    const r = { outRequestNo: requestNo, amountFen, at: sim.now(), ...(typeof biz.refund_reason === 'string' ? { reason: biz.refund_reason } : {}) };
    t.refunds.push(r);
    if (refundedFen(t) === t.totalFen) {
      t.status = 'TRADE_CLOSED';
      t.closedAt = r.at;
    }
    queueNotification(t, r);
    return answer('Y', r.at);
  }

  function refundQuery(biz: Record<string, unknown>): Record<string, unknown> {
    const t = find(biz);
    if (!t) return failed('ACQ.TRADE_NOT_EXIST', '交易不存在');
    const requestNo = biz.out_request_no;
    if (typeof requestNo !== 'string' || !requestNo) return failed('ACQ.INVALID_PARAMETER', '参数无效：out_request_no');
    const r = t.refunds.find((x) => x.outRequestNo === requestNo);
    // Alipay answers success without refund_status for a refund it never took.
    if (!r) return { code: '10000', msg: 'Success', trade_no: t.tradeNo, out_trade_no: t.outTradeNo, out_request_no: requestNo };
    return {
      code: '10000',
      msg: 'Success',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      out_request_no: requestNo,
      total_amount: fenString(t.totalFen),
      refund_amount: fenString(r.amountFen),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: beijingNow(r.at),
    };
  }

  // ---- paying (the dev hook and the cashier page)

  function pay(outTradeNo: string): SimTrade | undefined {
    const existing = byOutTradeNo.get(outTradeNo);
    if (!existing) return undefined;
    const t = current(existing);
    if (t.status !== 'WAIT_BUYER_PAY') return undefined;
    t.status = 'TRADE_SUCCESS';
    t.paidAt = sim.now();
    queueNotification(t);
    return t;
  }

  // ---- bills: a zip of two GBK CSV files, as Alipay hands them out

  /** [start, end) of a bill date (yyyy-MM-dd or yyyy-MM), Beijing time, or undefined. */
  function billRange(billDate: string): { start: number; end: number; label: string } | undefined {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(billDate);
    const month = /^(\d{4})-(\d{2})$/.exec(billDate);
    if (day) {
      const start = parseBeijing(`${billDate} 00:00:00`);
      if (Number.isNaN(start) || beijingNow(start).slice(0, 10) !== billDate) return undefined;
      return { start, end: start + 24 * 3600_000, label: billDate.replace(/-/g, '') };
    }
    if (month) {
      const start = parseBeijing(`${billDate}-01 00:00:00`);
      if (Number.isNaN(start) || Number(month[2]) < 1 || Number(month[2]) > 12) return undefined;
      const y = Number(month[1]);
      const m = Number(month[2]);
      const end = parseBeijing(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01 00:00:00`);
      return { start, end, label: billDate.replace(/-/g, '') };
    }
    return undefined;
  }

  function billUrl(ctx: Context, biz: Record<string, unknown>): Record<string, unknown> {
    const billType = biz.bill_type;
    const billDate = biz.bill_date;
    if (billType !== 'trade' && billType !== 'signcustomer') return invalid('isv.invalid-arguments', 'bill_type 仅支持 trade、signcustomer');
    if (billType === 'signcustomer') return failed('isp.bill_type_not_supported', '模拟环境仅提供 trade（业务明细）账单');
    const range = typeof billDate === 'string' ? billRange(billDate) : undefined;
    if (!range) return invalid('isv.invalid-arguments', 'bill_date 格式为 yyyy-MM-dd 或 yyyy-MM');
    // a day's (month's) bill exists once the day (month) is over in Beijing
    if (range.end > parseBeijing(`${beijingNow(sim.now()).slice(0, 10)} 00:00:00`)) return failed('isp.bill_not_exist', '账单不存在（当日账单次日生成）');
    const token = randomToken(24, 'base64url');
    billTokens.set(token, { billType, billDate: billDate as string }, BILL_URL_TTL_MS);
    return { code: '10000', msg: 'Success', bill_download_url: `${sim.publicBase(ctx)}${sim.prefix}/alipay/bill/download?token=${token}` };
  }

  function billLines(range: { start: number; end: number }, billDate: string): BillLine[] {
    const lines: BillLine[] = [];
    const within = (ms: number | undefined) => ms !== undefined && ms >= range.start && ms < range.end;
    for (const t of byOutTradeNo.values()) {
      const base = { tradeNo: t.tradeNo, outTradeNo: t.outTradeNo, subject: t.subject, createdAt: t.createdAt, counterparty: logonId(t), orderFen: t.totalFen };
      if (within(t.paidAt)) lines.push({ ...base, type: '交易', finishedAt: t.paidAt!, receivedFen: t.totalFen, refundRequestNo: '' });
      for (const r of t.refunds) if (within(r.at)) lines.push({ ...base, type: '退款', finishedAt: r.at, receivedFen: -r.amountFen, refundRequestNo: r.outRequestNo });
    }
    const noon = range.start + 12 * 3600_000;
    for (const [date, rows] of planted) {
      if (date !== billDate && !(billDate.length === 7 && date.startsWith(billDate))) continue;
      for (const { row, replace } of rows) {
        const type = row.type ?? '交易';
        if (replace) {
          for (let i = lines.length - 1; i >= 0; i--) {
            const l = lines[i];
            if (l.outTradeNo === row.outTradeNo && l.type === type && (!row.refundRequestNo || l.refundRequestNo === row.refundRequestNo)) lines.splice(i, 1);
          }
        }
        const t = byOutTradeNo.get(row.outTradeNo);
        const at = row.at ?? (date.length === 10 ? parseBeijing(`${date} 12:00:00`) : noon);
        lines.push({
          tradeNo: row.tradeNo ?? t?.tradeNo ?? `${beijingNow(at).slice(0, 10).replace(/-/g, '')}22001${randomDigits(15)}`,
          outTradeNo: row.outTradeNo,
          type,
          subject: row.subject ?? t?.subject ?? '模拟账单行',
          createdAt: t?.createdAt ?? at,
          finishedAt: at,
          counterparty: t ? logonId(t) : '186****0000',
          orderFen: type === '退款' ? (t?.totalFen ?? row.amountFen) : row.amountFen,
          receivedFen: type === '退款' ? -row.amountFen : row.amountFen,
          refundRequestNo: row.refundRequestNo ?? (type === '退款' ? row.outTradeNo : ''),
        });
      }
    }
    return lines.sort((a, b) => a.finishedAt - b.finishedAt);
  }

  function billZip(billDate: string): { name: string; zip: Buffer } | undefined {
    const range = billRange(billDate);
    if (!range) return undefined;
    const lines = billLines(range, billDate);
    const cn = (ms: number) => {
      const s = beijingNow(ms);
      return `${s.slice(0, 4)}年${s.slice(5, 7)}月${s.slice(8, 10)}日 ${s.slice(11)}`;
    };
    const cell = (v: string) => `${v.replace(/,/g, '，').replace(/[\r\n]/g, ' ')}\t`;
    const header =
      '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
    const rows = lines.map((l) =>
      [
        l.tradeNo,
        l.outTradeNo,
        l.type,
        l.subject,
        beijingNow(l.createdAt),
        beijingNow(l.finishedAt),
        '',
        '',
        '',
        '',
        l.counterparty,
        fenString(l.orderFen),
        fenString(l.receivedFen),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        l.refundRequestNo,
        '0.00',
        '0.00',
        '',
      ]
        .map(cell)
        .join(','),
    );
    const trades = lines.filter((l) => l.type === '交易');
    const refunds = lines.filter((l) => l.type === '退款');
    const received = lines.reduce((n, l) => n + l.receivedFen, 0);
    const period = `#起始日期：[${cn(range.start)}]   终止日期：[${cn(range.end)}]`;
    const exported = `#导出时间：[${cn(sim.now())}]`;
    const detail = [
      '#支付宝业务明细查询',
      `#账号：[${sellerId}]`,
      period,
      '#-----------------------------------------业务明细列表----------------------------------------',
      header,
      ...rows,
      '#-----------------------------------------业务明细列表结束------------------------------------',
      `#交易合计：${trades.length}笔，退款合计：${refunds.length}笔`,
      exported,
      '',
    ].join('\r\n');
    const summary = [
      '#支付宝业务汇总查询',
      `#账号：[${sellerId}]`,
      period,
      '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
      [
        '',
        '合计',
        String(trades.length),
        String(refunds.length),
        fenString(trades.reduce((n, l) => n + l.orderFen, 0)),
        fenString(received),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        fenString(received),
      ]
        .map(cell)
        .join(','),
      '#-----------------------------------------业务汇总列表结束------------------------------------',
      exported,
      '',
    ].join('\r\n');
    const stem = `${sellerId}_${range.label}`;
    return {
      name: `${stem}.csv.zip`,
      zip: writeZip(
        [
          { name: `${stem}_业务明细.csv`, data: encodeGbk(detail) },
          { name: `${stem}_业务明细(汇总).csv`, data: encodeGbk(summary) },
        ],
        sim.now(),
      ),
    };
  }

  function billDownload(token: string): { name: string; zip: Buffer } | undefined {
    const entry = billTokens.get(token);
    return entry ? billZip(entry.billDate) : undefined;
  }

  function summary(t: SimTrade): AlipaySimTrade {
    current(t);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      tradeNo: t.tradeNo,
      outTradeNo: t.outTradeNo,
      status: t.status,
      totalFen: t.totalFen,
      refundedFen: refundedFen(t),
      subject: t.subject,
      ...(t.buyerId ? { buyerId: t.buyerId } : {}),
      ...(t.buyerOpenId ? { buyerOpenId: t.buyerOpenId } : {}),
      ...(t.opAppId ? { opAppId: t.opAppId } : {}),
      ...(t.notifyUrl ? { notifyUrl: t.notifyUrl } : {}),
      createdAt: iso(t.createdAt),
      ...(t.paidAt !== undefined ? { paidAt: iso(t.paidAt) } : {}),
      ...(t.closedAt !== undefined ? { closedAt: iso(t.closedAt) } : {}),
      refunds: t.refunds.map((r) => ({ outRequestNo: r.outRequestNo, amountFen: r.amountFen, at: iso(r.at) })),
    };
  }

  return {
    sellerId,
    create,
    query,
    close,
    refund,
    refundQuery,
    billUrl,
    billDownload,
    pay: (outTradeNo: string) => {
      const t = pay(outTradeNo);
      return t ? summary(t) : undefined;
    },
    tradeByTradeNo: (tradeNo: string) => {
      const t = byOutTradeNo.get(byTradeNo.get(tradeNo) ?? '');
      return t ? current(t) : undefined;
    },
    trade: (outTradeNo: string) => {
      const t = byOutTradeNo.get(outTradeNo);
      return t ? summary(t) : undefined;
    },
    trades: () => [...byOutTradeNo.values()].map(summary),
    notifyAttempts: () => attemptsLog.map((a) => ({ ...a })),
    plantBillRow(billDate: string, row: PlantedBillRow, replace: boolean) {
      if (!billRange(billDate) || billDate.length !== 10) throw new Error('plantBillRow: billDate is yyyy-MM-dd');
      if (!Number.isSafeInteger(row.amountFen) || row.amountFen < 0) throw new Error('plantBillRow: amountFen is whole fen ≥ 0');
      planted.set(billDate, [...(planted.get(billDate) ?? []), { row: { ...row }, replace }]);
    },
    clearPlantedRows: () => planted.clear(),
    pendingTimers: () => timers.size,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      aborter.abort();
    },
  };
}

// ---- GBK and zip, as Alipay's bill files are written (the client reads them with its own code)

let gbkTable: Map<number, number> | undefined;

/** Text → GBK bytes, through a table built once from the platform's GBK decoder; unmappable characters become `?`. */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    const table = new Map<number, number>();
    const decoder = new TextDecoder('gbk');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        const cp = ch.codePointAt(0);
        if (cp !== undefined && ch.length === 1 && ch !== '\uFFFD' && !table.has(cp)) table.set(cp, (lead << 8) | trail);
      }
    }
    gbkTable = table;
  }
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp === 0x20ac) out.push(0x80); // €, GBK's one single-byte extra
    else {
      const code = gbkTable.get(cp);
      if (code === undefined) out.push(0x3f);
      else out.push(code >> 8, code & 0xff);
    }
  }
  return Buffer.from(out);
}

/** A zip (deflated entries, names in GBK without the UTF-8 flag, as Alipay's bill zips). */
export function writeZip(files: { name: string; data: Buffer }[], atMs: number): Buffer {
  const t = new Date(atMs + 8 * 3600_000);
  const dosTime = (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | Math.floor(t.getUTCSeconds() / 2);
  const dosDate = ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = encodeGbk(file.name);
    const body = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The cashier page, the bill download and the payments' dev hooks. */
function registerPaymentRoutes(sim: SimContext, payments: ReturnType<typeof tradePayments>) {
  function cashierPage(ctx: Context, status: number, inner: string) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = simPage('支付宝收银台（模拟）', inner);
  }

  // my.tradePay({ tradeNO }) opens Alipay's cashier; in the H5 build this page stands in for it.
  sim.router.get('/alipay/cashier', (ctx) => {
    const tradeNo = typeof ctx.query.trade_no === 'string' ? ctx.query.trade_no : '';
    const returnUrl = typeof ctx.query.return_url === 'string' ? ctx.query.return_url : '';
    const t = payments.tradeByTradeNo(tradeNo);
    if (!t) return cashierPage(ctx, 404, '<h1>订单不存在</h1><p id="sim-alipay-error">ACQ.TRADE_NOT_EXIST</p>');
    if (t.status !== 'WAIT_BUYER_PAY') {
      return cashierPage(ctx, 409, `<h1>订单无需支付</h1><p id="sim-alipay-error">${escapeHtml(t.status)}</p>`);
    }
    const action = `${sim.prefix}/alipay/cashier/pay`;
    cashierPage(
      ctx,
      200,
      `<span class="badge">模拟环境 · 支付宝收银台</span>
<h1 id="sim-alipay-amount">¥${escapeHtml(fenToYuan(t.totalFen))}</h1>
<p id="sim-alipay-subject">${escapeHtml(t.subject)}</p>
<form method="post" action="${action}"><input type="hidden" name="trade_no" value="${escapeHtml(t.tradeNo)}"><input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">
<button id="sim-alipay-pay" class="pass" type="submit">确认付款</button></form>
${returnUrl && isSafeRedirect(returnUrl) ? `<p><a id="sim-alipay-cancel" href="${escapeHtml(returnUrl)}">取消，返回商户</a></p>` : ''}`,
    );
  });

  sim.router.post('/alipay/cashier/pay', async (ctx) => {
    const form = parseForm(await readRawBody(ctx, 16 * 1024));
    const t = payments.tradeByTradeNo(form.trade_no ?? '');
    if (!t) return cashierPage(ctx, 404, '<h1>订单不存在</h1><p id="sim-alipay-error">ACQ.TRADE_NOT_EXIST</p>');
    const paid = payments.pay(t.outTradeNo);
    if (!paid) return cashierPage(ctx, 409, `<h1>订单无需支付</h1><p id="sim-alipay-error">${escapeHtml(t.status)}</p>`);
    const returnUrl = form.return_url ?? '';
    if (returnUrl && isSafeRedirect(returnUrl)) {
      ctx.status = 303;
      ctx.redirect(withQueryParam(withQueryParam(returnUrl, 'out_trade_no', paid.outTradeNo), 'trade_no', paid.tradeNo));
      return;
    }
    cashierPage(ctx, 200, `<h1 id="sim-alipay-paid">支付成功</h1><p>¥${escapeHtml(fenToYuan(paid.totalFen))}</p><p>请返回小程序查看办件。</p>`);
  });

  sim.router.get('/alipay/bill/download', (ctx) => {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const file = payments.billDownload(token);
    if (!file) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '下载链接已失效';
      return;
    }
    ctx.status = 200;
    ctx.type = 'application/octet-stream';
    ctx.set('Content-Disposition', `attachment; filename="${encodeURIComponent(file.name)}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = file.zip;
  });

  // Dev only (this router is never mounted in production).
  function bad(ctx: Context, status: number, code: string, message: string) {
    ctx.status = status;
    ctx.body = { code, message };
  }

  sim.router.post('/dev/alipay/pay', async (ctx) => {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    ctx.set('Cache-Control', 'no-store');
    if (!body || typeof body.outTradeNo !== 'string' || !body.outTradeNo) return bad(ctx, 400, 'INVALID_ARGUMENT', 'outTradeNo (string) is required');
    const existing = payments.trade(body.outTradeNo);
    if (!existing) return bad(ctx, 404, 'TRADE_NOT_EXIST', 'no such trade');
    const paid = payments.pay(body.outTradeNo);
    if (!paid) return bad(ctx, 409, 'TRADE_NOT_PAYABLE', `the trade is ${existing.status}`);
    ctx.body = { trade: paid };
  });

  sim.router.get('/dev/alipay/trades', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { trades: payments.trades() };
  });

  sim.router.get('/dev/alipay/notifications', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { attempts: payments.notifyAttempts() };
  });

  sim.router.post('/dev/alipay/bill-rows', async (ctx) => {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    const row = body?.row as Record<string, unknown> | undefined;
    const valid =
      body &&
      typeof body.billDate === 'string' &&
      row &&
      typeof row === 'object' &&
      typeof row.outTradeNo === 'string' &&
      row.outTradeNo &&
      typeof row.amountFen === 'number' &&
      (row.type === undefined || row.type === '交易' || row.type === '退款') &&
      (body.replace === undefined || typeof body.replace === 'boolean');
    if (!valid) return bad(ctx, 400, 'INVALID_ARGUMENT', "{billDate: 'yyyy-MM-dd', row: {outTradeNo, amountFen, type?: '交易'|'退款', tradeNo?, subject?, refundRequestNo?}, replace?}");
    try {
      payments.plantBillRow(body.billDate as string, row as unknown as PlantedBillRow, body.replace === true);
    } catch (err) {
      return bad(ctx, 400, 'INVALID_ARGUMENT', (err as Error).message);
    }
    ctx.body = { ok: true };
  });
}
