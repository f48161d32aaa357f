/**
 * WeChat Pay API v3 simulator (直连商户 JSAPI / mini-program payment), speaking the real protocol so
 * the production client (`adapters/wechatpay/client.ts`) and notification reader are what tests run:
 *
 *   POST <prefix>/wechatpay/v3/pay/transactions/jsapi                   → {prepay_id}
 *   POST <prefix>/wechatpay/v3/pay/transactions/h5                      → {h5_url} (this cashier page)
 *   GET  <prefix>/wechatpay/v3/pay/transactions/out-trade-no/{no}?mchid= → the transaction
 *   GET  <prefix>/wechatpay/v3/pay/transactions/id/{id}?mchid=           → the transaction
 *   POST <prefix>/wechatpay/v3/pay/transactions/out-trade-no/{no}/close  {mchid} → 204
 *   POST <prefix>/wechatpay/v3/refund/domestic/refunds                   → the refund (PROCESSING)
 *   GET  <prefix>/wechatpay/v3/refund/domestic/refunds/{out_refund_no}   → the refund
 *   GET  <prefix>/wechatpay/v3/bill/tradebill?bill_date=&bill_type=      → {hash_type, hash_value, download_url}
 *   GET  <prefix>/wechatpay/v3/billdownload/file?token=                  the CSV (unsigned, as WeChat's)
 *   GET  <prefix>/wechatpay/cashier?prepay_id=…&redirect=…               H5 cashier page (确认支付 / 取消);
 *                                                                        with WeChat's `redirect_url` instead,
 *                                                                        it returns there unchanged, as WeChat H5
 *   POST <prefix>/wechatpay/cashier/confirm                              its buttons (form)
 *   …/wechatpay/dev/*                                                    dev hooks (see registerDevRoutes)
 *
 * Every API request must carry our `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,
 * signature=…,timestamp=…,serial_no=…`, verified with the merchant public key over
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (the path as WeChat sees it: without this
 * simulator's mount prefix); anything wrong → 401 {"code":"SIGN_ERROR"} unsigned. Every other
 * answer (errors included, the bill file excepted) is signed with the platform key of the current
 * signing mode: the platform certificate (Wechatpay-Serial = its serial number) or the WeChat Pay
 * public key (Wechatpay-Serial = PUB_KEY_ID_…).
 *
 * Orders: the same out_trade_no with the same parameters → the same prepay_id (a new one once the
 * two-hour prepay_id lifetime is over); different parameters → 400 INVALID_REQUEST "201 商户订单号重复";
 * a paid order → 400 ORDERPAID; a closed one → 400 ORDER_CLOSED. The payer pays through a dev hook
 * (`pay`, the cashier page): the order turns SUCCESS and a TRANSACTION.SUCCESS notification — the
 * transaction encrypted with AEAD_AES_256_GCM under the APIv3 key, the envelope signed — is POSTed
 * to its notify_url. Anything but 200/204 is retried on WeChat's schedule (15s/15s/30s/3m/10m/20m/
 * 30m/30m/30m/60m/3h/3h/3h/6h/6h, multiplied by `notifyRetryScale`), then given up. Refunds answer
 * PROCESSING, complete after `refundDelayMs` (or by hook) and notify REFUND.SUCCESS / ABNORMAL /
 * CLOSED the same way. Bills: day D's bill exists from D+1 (Beijing), or at once with
 * `sameDayBills`; mismatches can be planted. Timers are unref'd; `stop()` cancels them.
 */
import { createHash, createPublicKey, createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { Context } from 'koa';
import { fenToYuan, formatTradeBill, yuanToFen } from '../adapters/wechatpay/bill';
import { beijingRfc3339, type WechatPayClientOptions } from '../adapters/wechatpay/client';
import {
  encryptResource,
  parseAuthorization,
  publicKeyFrom,
  requestSignMessage,
  rsaVerify,
  signAsWechatPay,
  WECHATPAY_MAX_SKEW_SECONDS,
} from '../adapters/wechatpay/crypto';
import type { SimContext } from './context';
import { escapeHtml, ExpiringMap, isSafeRedirect, parseForm, parseJsonObject, randomDigits, randomToken, readRawBody, simPage, withQueryParam } from './util';

/** WeChat's notification retry intervals, in seconds (15 retries after the first attempt, 24 h 4 min in all). */
export const WECHATPAY_NOTIFY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600] as const;
const PREPAY_TTL_MS = 2 * 3600_000;
const DOWNLOAD_TTL_MS = 30_000;
const BILL_MAX_AGE_DAYS = 92;
const FEE_RATE = 0.006;

// ---- credentials ----

/** What the merchant (our BFF) holds: everything `createWechatPayClient` needs, and nothing of WeChat's private keys. */
export interface WechatPaySimCredentials {
  appId: string;
  mchId: string;
  /** Serial number of the merchant API certificate (upper-case hex). */
  merchantSerialNo: string;
  /** The merchant API private key (PKCS#8 PEM). */
  merchantPrivateKey: string;
  /** Its public key (SPKI PEM): what WeChat checks our signatures and paySign with. */
  merchantPublicKey: string;
  /** The APIv3 key (32 characters). */
  apiV3Key: string;
  /** Certificate mode: the platform certificate (X.509 PEM) and its serial. */
  platformCertificate: string;
  platformSerialNo: string;
  /** Public key mode: the WeChat Pay public key (SPKI PEM) and its id. */
  publicKeyId: string;
  platformPublicKey: string;
}

export interface WechatPaySimKeys {
  credentials: WechatPaySimCredentials;
  /** WeChat's side: the platform certificate's private key and the WeChat Pay public key's private key (PKCS#8 PEM). */
  platformCertificatePrivateKey: string;
  platformPublicKeyPrivateKey: string;
}

// Minimal DER, enough for one self-signed X.509 v3 certificate (node:crypto parses but cannot issue).
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}
function derOid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}
function derTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const year = Number(iso.slice(0, 4));
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return year < 2050 ? der(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : der(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
function derName(country: string, org: string, cn: string): Buffer {
  const rdn = (oid: string, value: Buffer) => der(0x31, der(0x30, derOid(oid), value));
  return der(0x30, rdn('2.5.4.6', der(0x13, Buffer.from(country, 'ascii'))), rdn('2.5.4.10', der(0x0c, Buffer.from(org, 'utf8'))), rdn('2.5.4.3', der(0x0c, Buffer.from(cn, 'utf8'))));
}

/** A self-signed RSA certificate (SHA256withRSA) with this serial, valid from notBefore for `days`. */
export function selfSignedCertificate(input: { privateKey: KeyObject; serialHex: string; commonName: string; notBefore: number; days: number }): string {
  let serial = Buffer.from(input.serialHex, 'hex');
  if (serial[0] & 0x80) serial = Buffer.concat([Buffer.from([0]), serial]);
  const algorithm = der(0x30, derOid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const name = derName('CN', '财付通支付科技有限公司', input.commonName);
  const spki = createPublicKey(input.privateKey).export({ format: 'der', type: 'spki' });
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    algorithm,
    name,
    der(0x30, derTime(input.notBefore), derTime(input.notBefore + input.days * 86_400_000)),
    name,
    spki,
  );
  const signature = createSign('RSA-SHA256').update(tbs).sign(input.privateKey);
  const cert = der(0x30, tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** 40 upper-case hex digits without a leading zero, as WeChat's certificate serials. */
function certificateSerial(): string {
  const b = randomBytes(20);
  b[0] = (b[0] & 0x7f) | 0x10;
  return b.toString('hex').toUpperCase();
}

/** Three RSA 2048 pairs (merchant, platform certificate, WeChat Pay public key) and the rest (~150–300 ms). */
export function generateWechatPayKeys(options: { appId?: string; mchId?: string; now?: number } = {}): WechatPaySimKeys {
  const pem = (k: KeyObject, kind: 'private' | 'public') => k.export(kind === 'private' ? { format: 'pem', type: 'pkcs8' } : { format: 'pem', type: 'spki' }) as string;
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platformCert = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platformPub = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const mchId = options.mchId ?? `16${randomDigits(8)}`;
  const platformSerialNo = certificateSerial();
  const platformCertificate = selfSignedCertificate({
    privateKey: platformCert.privateKey,
    serialHex: platformSerialNo,
    commonName: 'Tenpay.com Root CA (simulated)',
    notBefore: (options.now ?? Date.now()) - 86_400_000,
    days: 5 * 365,
  });
  return {
    credentials: {
      appId: options.appId ?? `wx${randomToken(8)}`,
      mchId,
      merchantSerialNo: certificateSerial(),
      merchantPrivateKey: pem(merchant.privateKey, 'private'),
      merchantPublicKey: pem(merchant.publicKey, 'public'),
      apiV3Key: randomToken(16),
      platformCertificate,
      platformSerialNo,
      publicKeyId: `PUB_KEY_ID_01${mchId}${randomDigits(18)}`,
      platformPublicKey: pem(platformPub.publicKey, 'public'),
    },
    platformCertificatePrivateKey: pem(platformCert.privateKey, 'private'),
    platformPublicKeyPrivateKey: pem(platformPub.privateKey, 'private'),
  };
}

// ---- public types ----

export type WechatPaySigningMode = 'public_key' | 'certificate';

export interface WechatPaySimulatorOptions {
  /** Pre-made keys (generation takes a few hundred ms); default generated. */
  keys?: WechatPaySimKeys;
  /** The app id orders must carry when keys are generated here (e.g. the WeChat simulator's). */
  appId?: string;
  /** Which platform key signs answers and notifications; default 'public_key' (new merchants). */
  signingMode?: WechatPaySigningMode;
  /** Multiplies WeChat's notification retry schedule (1 = real; 0.001 turns 15 s into 15 ms). */
  notifyRetryScale?: number;
  /** Per notification attempt; default 5000 ms. */
  notifyTimeoutMs?: number;
  /** How long a refund stays PROCESSING; default 1000 ms; null = only by `completeRefund`. */
  refundDelayMs?: number | null;
  /** The refund notify URL configured on the merchant platform, for refunds requested without notify_url. */
  refundNotifyUrl?: () => string | undefined;
  /** Serve day D's bill on day D too (real WeChat: from D+1, 10:00); default false. */
  sameDayBills?: boolean;
  /** Orders kept before the oldest are forgotten; default 50 000. */
  maxOrders?: number;
}

export type WechatPayPayOutcome = { ok: true; outTradeNo: string; transactionId: string } | { ok: false; code: 'ORDER_NOT_EXIST' | 'ORDERPAID' | 'ORDER_CLOSED' | 'ORDER_EXPIRED' | 'PREPAY_EXPIRED' };

export type WechatPayBillMismatch =
  /** A payment line for an order the merchant never placed. */
  | { kind: 'extra'; outTradeNo?: string; amountFen?: number }
  /** The payment line of this order with another amount. */
  | { kind: 'alter'; outTradeNo: string; amountFen: number }
  /** The payment line of this order left out. */
  | { kind: 'drop'; outTradeNo: string };

export interface WechatPayFault {
  /** Wait this long first. */
  delayMs?: number;
  /** Drop the connection (a network failure). */
  down?: boolean;
  /** Answer this status (unsigned) instead; default body {"code":"SYSTEM_ERROR",…}. */
  status?: number;
  body?: string;
  contentType?: string;
  /** Only for this many requests, then cleared; default until cleared. */
  times?: number;
}

export interface WechatPaySimOrder {
  outTradeNo: string;
  prepayId: string;
  state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
  amountFen: number;
  openid: string;
  description: string;
  notifyUrl: string;
  transactionId?: string;
  successTime?: string;
  refundedFen: number;
}

export interface WechatPaySimRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  status: 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  refundFen: number;
  notifyUrl?: string;
}

export interface WechatPayDeliveryAttempt {
  notificationId: string;
  eventType: string;
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  attempt: number;
  /** HTTP status, or the network error's code/name. */
  outcome: number | string;
  ok: boolean;
  gaveUp: boolean;
  /** The wait before the next attempt (scaled), when there is one. */
  nextDelayMs?: number;
  serial: string;
}

export interface WechatPaySimulator {
  credentials: WechatPaySimCredentials;
  /** Client options for this simulator (`baseUrl` e.g. `() => 'http://127.0.0.1:3000/sim/wechatpay'`). */
  clientOptions(baseUrl: () => string, extra?: { timeoutMs?: number; verifier?: 'public_key' | 'certificate' | 'both' }): WechatPayClientOptions;
  /** The payer pays (what the cashier page and wx.requestPayment stand for); `at` backdates success_time (ms). */
  pay(outTradeNo: string, options?: { at?: number }): WechatPayPayOutcome;
  payPrepay(prepayId: string, options?: { at?: number }): WechatPayPayOutcome;
  /** Settles a PROCESSING refund (default SUCCESS) and notifies; false when unknown or settled. `at` backdates success_time. */
  completeRefund(outRefundNo: string, status?: 'SUCCESS' | 'ABNORMAL' | 'CLOSED', options?: { at?: number }): boolean;
  order(outTradeNo: string): WechatPaySimOrder | undefined;
  refund(outRefundNo: string): WechatPaySimRefund | undefined;
  /** Notification attempts, oldest first (the last 2000). */
  deliveries(): WechatPayDeliveryAttempt[];
  plantBillMismatch(billDate: string, mismatch: WechatPayBillMismatch): void;
  clearBillMismatches(): void;
  /** The next bill download serves a file that no longer matches its announced SHA1. */
  tamperNextBillDownload(): void;
  setFault(fault: WechatPayFault | null): void;
  setSigningMode(mode: WechatPaySigningMode): void;
  signingMode(): WechatPaySigningMode;
  /** Headers WeChat Pay would sign this body with (tests forge notifications with them). */
  signHeaders(body: string, options?: { mode?: WechatPaySigningMode; timestamp?: number }): Record<string, string>;
  /** Step and retry timers still pending. */
  pendingTimers(): number;
  /** Cancels every timer and notification in flight; nothing is scheduled afterwards. */
  stop(): void;
}

// ---- internals ----

interface Order {
  tradeType: 'JSAPI' | 'MWEB';
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  attach?: string;
  timeExpire?: string;
  expiresAt?: number;
  amountTotal: number;
  openid: string;
  fingerprint: string;
  prepayId: string;
  prepayExpiresAt: number;
  /** Every prepay_id issued for the order (the current one last). */
  prepayIds: string[];
  state: WechatPaySimOrder['state'];
  transactionId?: string;
  successAt?: number;
}

interface Refund {
  refundId: string;
  outRefundNo: string;
  order: Order;
  reason?: string;
  notifyUrl?: string;
  refund: number;
  status: WechatPaySimRefund['status'];
  createdAt: number;
  successAt?: number;
  timer?: NodeJS.Timeout;
}

interface Notification {
  id: string;
  eventType: string;
  body: string;
  url: string;
  outTradeNo: string;
  outRefundNo?: string;
}

const STATE_DESC: Record<Order['state'], string> = { NOTPAY: '未支付', SUCCESS: '支付成功', REFUND: '转入退款', CLOSED: '已关闭' };
const REFUND_SUMMARY: Record<string, string> = { 'REFUND.SUCCESS': '退款成功', 'REFUND.ABNORMAL': '退款异常', 'REFUND.CLOSED': '退款关闭' };

/** `yyyy-MM-dd` and `yyyy-MM-dd HH:mm:ss` in Beijing time. */
function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}
function beijingDateTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
function parseRfc3339(s: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(s) ? Date.parse(s) : Number.NaN;
}

const WECHAT_OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/;
const WECHAT_OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const isStr = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
function validNotifyUrl(v: unknown): v is string {
  if (!isStr(v, 1, 256)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
  } catch {
    return false;
  }
}

export function wechatPaySimulator(sim: SimContext, options: WechatPaySimulatorOptions = {}): WechatPaySimulator {
  const keys = options.keys ?? generateWechatPayKeys({ appId: options.appId, now: sim.now() });
  const { credentials } = keys;
  const merchantPublicKey = publicKeyFrom(credentials.merchantPublicKey);
  const signers: Record<WechatPaySigningMode, { serial: string; privateKey: string }> = {
    certificate: { serial: credentials.platformSerialNo, privateKey: keys.platformCertificatePrivateKey },
    public_key: { serial: credentials.publicKeyId, privateKey: keys.platformPublicKeyPrivateKey },
  };
  let mode: WechatPaySigningMode = options.signingMode ?? 'public_key';
  const scale = options.notifyRetryScale ?? 1;
  const notifyTimeout = options.notifyTimeoutMs ?? 5000;
  const refundDelay = options.refundDelayMs === undefined ? 1000 : options.refundDelayMs;
  const maxOrders = options.maxOrders ?? 50_000;
  const mount = `${sim.prefix}/wechatpay`;

  const orders = new Map<string, Order>();
  const byPrepay = new Map<string, Order>();
  const byTransaction = new Map<string, Order>();
  const refunds = new Map<string, Refund>();
  const downloads = new ExpiringMap<Buffer>(sim.now, 1000);
  const mismatches = new Map<string, WechatPayBillMismatch[]>();
  const attemptsLog: WechatPayDeliveryAttempt[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const aborter = new AbortController();
  let stopped = false;
  let fault: WechatPayFault | null = null;
  let tamperDownload = false;

  function schedule(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (stopped) return undefined;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
    return t;
  }
  function cancel(t: NodeJS.Timeout | undefined) {
    if (!t) return;
    clearTimeout(t);
    timers.delete(t);
  }

  const nowSeconds = () => Math.floor(sim.now() / 1000);
  const signHeaders = (body: string, o: { mode?: WechatPaySigningMode; timestamp?: number } = {}) => signAsWechatPay(body, signers[o.mode ?? mode], o.timestamp ?? nowSeconds());

  // ---- answers ----

  function reply(ctx: Context, status: number, body?: Record<string, unknown>) {
    const text = body === undefined ? '' : JSON.stringify(body);
    ctx.status = status;
    ctx.set('Request-ID', randomToken(16));
    for (const [k, v] of Object.entries(signHeaders(text))) ctx.set(k, v);
    if (text) {
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = text;
    } else ctx.body = null;
    ctx.status = status; // setting a null body resets it
  }
  const refuse = (ctx: Context, status: number, code: string, message: string) => reply(ctx, status, { code, message });

  async function applyFault(ctx: Context): Promise<boolean> {
    const f = fault;
    if (!f) return false;
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) fault = null;
    }
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs).unref());
    if (f.down) {
      ctx.respond = false;
      ctx.req.socket.destroy();
      return true;
    }
    if (f.status === undefined) return false;
    ctx.status = f.status;
    ctx.type = f.contentType ?? 'application/json; charset=utf-8';
    ctx.body = f.body ?? JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' });
    return true;
  }

  /** Our Authorization, checked as WeChat does; on failure answers 401 SIGN_ERROR (unsigned). */
  function authenticate(ctx: Context, raw: Buffer): boolean {
    const fail = (message: string) => {
      ctx.status = 401;
      ctx.set('Request-ID', randomToken(16));
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = JSON.stringify({ code: 'SIGN_ERROR', message });
      return false;
    };
    const auth = parseAuthorization(ctx.get('Authorization') || undefined);
    if (!auth) return fail('Authorization 不合法：缺少 WECHATPAY2-SHA256-RSA2048 认证信息');
    if (auth.mchid !== credentials.mchId) return fail('商户号与认证信息不匹配');
    if (auth.serial_no.toUpperCase() !== credentials.merchantSerialNo) return fail('商户证书序列号有误');
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(nowSeconds() - Number(auth.timestamp)) > WECHATPAY_MAX_SKEW_SECONDS) return fail('请求的时间戳已过期');
    // The request target as WeChat would see it: without this simulator's mount prefix.
    const path = ctx.url.startsWith(mount) ? ctx.url.slice(mount.length) : ctx.url;
    const message = requestSignMessage(ctx.method, path, auth.timestamp, auth.nonce_str, raw.toString('utf8'));
    if (!rsaVerify(message, auth.signature, merchantPublicKey)) return fail('错误的签名，验签失败');
    return true;
  }

  /** Fault, then signature, then the JSON body (POST); undefined when already answered. */
  async function open(ctx: Context): Promise<Record<string, unknown> | undefined> {
    if (await applyFault(ctx)) return undefined;
    const raw = await readRawBody(ctx, 64 * 1024);
    if (!authenticate(ctx, raw)) return undefined;
    if (ctx.method === 'GET') return {};
    const body = parseJsonObject(raw);
    if (!body) refuse(ctx, 400, 'PARAM_ERROR', '请求体不是合法的 JSON 对象');
    return body;
  }

  // ---- wire views ----

  function transactionWire(o: Order): Record<string, unknown> {
    const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
    return {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      ...(paid ? { transaction_id: o.transactionId } : {}),
      trade_type: o.tradeType,
      trade_state: o.state,
      trade_state_desc: STATE_DESC[o.state],
      ...(paid ? { bank_type: 'OTHERS' } : {}),
      ...(o.attach !== undefined ? { attach: o.attach } : {}),
      ...(paid ? { success_time: beijingRfc3339(o.successAt!) } : {}),
      payer: paid ? { openid: o.openid } : {},
      amount: paid ? { total: o.amountTotal, payer_total: o.amountTotal, currency: 'CNY', payer_currency: 'CNY' } : { total: o.amountTotal, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  function refundWire(r: Refund): Record<string, unknown> {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: r.order.transactionId,
      out_trade_no: r.order.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(r.successAt !== undefined ? { success_time: beijingRfc3339(r.successAt) } : {}),
      create_time: beijingRfc3339(r.createdAt),
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: r.order.amountTotal,
        refund: r.refund,
        from: [],
        payer_total: r.order.amountTotal,
        payer_refund: r.refund,
        settlement_refund: r.refund,
        settlement_total: r.order.amountTotal,
        discount_refund: 0,
        currency: 'CNY',
        refund_fee: 0,
      },
      promotion_detail: [],
    };
  }

  function refundNoticeWire(r: Refund): Record<string, unknown> {
    return {
      mchid: r.order.mchid,
      transaction_id: r.order.transactionId,
      out_trade_no: r.order.outTradeNo,
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      refund_status: r.status,
      ...(r.successAt !== undefined ? { success_time: beijingRfc3339(r.successAt) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: r.order.amountTotal, refund: r.refund, payer_total: r.order.amountTotal, payer_refund: r.refund },
    };
  }

  const refundedFen = (o: Order) => [...refunds.values()].filter((r) => r.order === o && (r.status === 'SUCCESS' || r.status === 'PROCESSING')).reduce((s, r) => s + r.refund, 0);

  // ---- notifications: each on its own schedule, re-signed per attempt, same body ----

  function notify(url: string | undefined, eventType: string, summary: string, originalType: 'transaction' | 'refund', resource: Record<string, unknown>, refs: { outTradeNo: string; outRefundNo?: string }) {
    if (!url || stopped) return;
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      create_time: beijingRfc3339(sim.now()),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: { original_type: originalType, ...encryptResource(JSON.stringify(resource), credentials.apiV3Key, originalType) },
    });
    void attempt({ id, eventType, body, url, ...refs }, 1);
  }

  async function post(n: Notification): Promise<{ outcome: number | string; serial: string }> {
    const headers = signHeaders(n.body);
    try {
      const res = await fetch(n.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0 (wechatpay simulator)', ...headers },
        body: n.body,
        signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(notifyTimeout)]),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      return { outcome: res.status, serial: headers['Wechatpay-Serial'] };
    } catch (err) {
      return { outcome: (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.name ?? 'error', serial: headers['Wechatpay-Serial'] };
    }
  }

  async function attempt(n: Notification, k: number): Promise<void> {
    const { outcome, serial } = await post(n);
    if (stopped) return;
    const ok = outcome === 200 || outcome === 204;
    const delay = WECHATPAY_NOTIFY_SCHEDULE_S[k - 1];
    const gaveUp = !ok && delay === undefined;
    const nextDelayMs = ok || gaveUp ? undefined : Math.round(delay * 1000 * scale);
    attemptsLog.push({ notificationId: n.id, eventType: n.eventType, outTradeNo: n.outTradeNo, ...(n.outRefundNo ? { outRefundNo: n.outRefundNo } : {}), url: n.url, attempt: k, outcome, ok, gaveUp, ...(nextDelayMs !== undefined ? { nextDelayMs } : {}), serial });
    if (attemptsLog.length > 2000) attemptsLog.splice(0, attemptsLog.length - 2000);
    if (nextDelayMs !== undefined) schedule(nextDelayMs, () => void attempt(n, k + 1));
  }

  // ---- payments ----

  function remember(o: Order) {
    if (orders.size >= maxOrders) {
      const oldest = orders.values().next().value;
      if (oldest) {
        orders.delete(oldest.outTradeNo);
        for (const id of oldest.prepayIds) byPrepay.delete(id);
        if (oldest.transactionId) byTransaction.delete(oldest.transactionId);
        for (const [k, r] of refunds) {
          if (r.order !== oldest) continue;
          cancel(r.timer);
          refunds.delete(k);
        }
      }
    }
    orders.set(o.outTradeNo, o);
    byPrepay.set(o.prepayId, o);
  }

  function newPrepayId(): string {
    const stamp = beijingDateTime(sim.now()).replace(/[-: ]/g, '').slice(6);
    return `wx${stamp}${randomToken(13)}`;
  }

  function pay(o: Order | undefined, at?: number): WechatPayPayOutcome {
    if (!o) return { ok: false, code: 'ORDER_NOT_EXIST' };
    if (o.state === 'SUCCESS' || o.state === 'REFUND') return { ok: false, code: 'ORDERPAID' };
    if (o.state === 'CLOSED') return { ok: false, code: 'ORDER_CLOSED' };
    if (o.expiresAt !== undefined && o.expiresAt < sim.now()) return { ok: false, code: 'ORDER_EXPIRED' };
    const when = at ?? sim.now();
    // An H5 payer is known to WeChat only once they pay.
    if (!o.openid) o.openid = `o${randomToken(14, 'base64url')}`;
    o.state = 'SUCCESS';
    o.successAt = when;
    o.transactionId = `42000${randomDigits(5)}${beijingDate(when).replace(/-/g, '')}${randomDigits(10)}`;
    byTransaction.set(o.transactionId, o);
    notify(o.notifyUrl, 'TRANSACTION.SUCCESS', '支付成功', 'transaction', transactionWire(o), { outTradeNo: o.outTradeNo });
    return { ok: true, outTradeNo: o.outTradeNo, transactionId: o.transactionId };
  }

  const api = '/wechatpay/v3';

  /** JSAPI and H5 orders: the same checks and idempotency; the answer differs. */
  async function placeOrder(ctx: Context, tradeType: Order['tradeType']) {
    const b = await open(ctx);
    if (!b) return;
    const amount = (b.amount ?? undefined) as Record<string, unknown> | undefined;
    const payer = (b.payer ?? undefined) as Record<string, unknown> | undefined;
    if (b.appid !== credentials.appId) return refuse(ctx, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    if (b.mchid !== credentials.mchId) return refuse(ctx, 400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (!isStr(b.description, 1, 127)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/description”映射到字段“商品描述”：长度须为 1–127');
    if (typeof b.out_trade_no !== 'string' || !WECHAT_OUT_TRADE_NO.test(b.out_trade_no)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/out_trade_no”映射到字段“商户订单号”：6–32 位数字、大小写字母或 _-|*');
    if (!validNotifyUrl(b.notify_url)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/notify_url”映射到字段“通知地址”：须为不带参数的 URL');
    if (!amount || typeof amount !== 'object' || !isFen(amount.total)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/amount/total”映射到字段“总金额”：须为正整数（分）');
    if (amount.currency !== undefined && amount.currency !== 'CNY') return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/amount/currency”：仅支持 CNY');
    if (tradeType === 'JSAPI' && (!payer || typeof payer !== 'object' || !isStr(payer.openid, 1, 128))) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/payer/openid”映射到字段“用户标识”：必填');
    const scene = (b.scene_info ?? undefined) as Record<string, unknown> | undefined;
    const h5Info = (scene?.h5_info ?? undefined) as Record<string, unknown> | undefined;
    if (tradeType === 'MWEB') {
      if (!scene || typeof scene !== 'object' || typeof scene.payer_client_ip !== 'string' || isIP(scene.payer_client_ip) === 0) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/scene_info/payer_client_ip”映射到字段“用户终端IP”：须为 IPv4 或 IPv6 地址');
      if (!h5Info || typeof h5Info !== 'object' || !['Wap', 'iOS', 'Android'].includes(String(h5Info.type))) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/scene_info/h5_info/type”：须为 Wap、iOS 或 Android');
    }
    const openidOf = tradeType === 'JSAPI' ? String(payer!.openid) : '';
    if (b.attach !== undefined && !isStr(b.attach, 1, 128)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/attach”：长度须为 1–128');
    let expiresAt: number | undefined;
    if (b.time_expire !== undefined) {
      expiresAt = typeof b.time_expire === 'string' ? parseRfc3339(b.time_expire) : Number.NaN;
      if (Number.isNaN(expiresAt)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/time_expire”：须为 rfc3339 格式');
    }
    const fingerprint = JSON.stringify([tradeType, b.appid, b.description, amount.total, b.notify_url, openidOf, b.attach ?? null, b.time_expire ?? null]);
    const answer = (o: Order) => reply(ctx, 200, tradeType === 'JSAPI' ? { prepay_id: o.prepayId } : { h5_url: `${sim.publicBase(ctx)}${mount}/cashier?prepay_id=${o.prepayId}` });
    const existing = orders.get(b.out_trade_no);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return refuse(ctx, 400, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return refuse(ctx, 400, 'ORDER_CLOSED', '该订单已关闭');
      if (existing.fingerprint !== fingerprint) return refuse(ctx, 400, 'INVALID_REQUEST', '201 商户订单号重复');
      if (existing.prepayExpiresAt <= sim.now()) {
        existing.prepayId = newPrepayId();
        existing.prepayIds.push(existing.prepayId);
        existing.prepayExpiresAt = sim.now() + PREPAY_TTL_MS;
        byPrepay.set(existing.prepayId, existing);
      }
      return answer(existing);
    }
    const prepayId = newPrepayId();
    const o: Order = {
      tradeType,
      appid: b.appid,
      mchid: b.mchid,
      description: b.description,
      outTradeNo: b.out_trade_no,
      notifyUrl: b.notify_url,
      ...(b.attach !== undefined ? { attach: b.attach as string } : {}),
      ...(b.time_expire !== undefined ? { timeExpire: b.time_expire as string, expiresAt } : {}),
      amountTotal: amount.total,
      openid: openidOf,
      fingerprint,
      prepayId,
      prepayExpiresAt: sim.now() + PREPAY_TTL_MS,
      prepayIds: [prepayId],
      state: 'NOTPAY',
    };
    remember(o);
    answer(o);
  }

  sim.router.post(`${api}/pay/transactions/jsapi`, (ctx) => placeOrder(ctx, 'JSAPI'));
  sim.router.post(`${api}/pay/transactions/h5`, (ctx) => placeOrder(ctx, 'MWEB'));

  function queryAnswer(ctx: Context, o: Order | undefined) {
    if (ctx.query.mchid !== credentials.mchId) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/query/mchid”：与认证信息中的商户号不一致');
    if (!o) return refuse(ctx, 404, 'ORDER_NOT_EXIST', '订单不存在');
    reply(ctx, 200, transactionWire(o));
  }

  sim.router.get(`${api}/pay/transactions/out-trade-no/:no`, async (ctx) => {
    if (!(await open(ctx))) return;
    queryAnswer(ctx, orders.get(ctx.params.no));
  });

  sim.router.get(`${api}/pay/transactions/id/:id`, async (ctx) => {
    if (!(await open(ctx))) return;
    queryAnswer(ctx, byTransaction.get(ctx.params.id));
  });

  sim.router.post(`${api}/pay/transactions/out-trade-no/:no/close`, async (ctx) => {
    const b = await open(ctx);
    if (!b) return;
    if (b.mchid !== credentials.mchId) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/mchid”：与认证信息中的商户号不一致');
    const o = orders.get(ctx.params.no);
    if (!o) return refuse(ctx, 404, 'ORDER_NOT_EXIST', '订单不存在');
    if (o.state === 'SUCCESS' || o.state === 'REFUND') return refuse(ctx, 400, 'ORDERPAID', '订单已支付');
    o.state = 'CLOSED';
    reply(ctx, 204);
  });

  // ---- refunds ----

  function settleRefund(r: Refund, status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED', at?: number): boolean {
    if (r.status !== 'PROCESSING') return false;
    cancel(r.timer);
    r.timer = undefined;
    r.status = status;
    if (status === 'SUCCESS') {
      r.successAt = at ?? sim.now();
      r.order.state = 'REFUND';
    }
    const eventType = `REFUND.${status}`;
    notify(r.notifyUrl ?? options.refundNotifyUrl?.(), eventType, REFUND_SUMMARY[eventType], 'refund', refundNoticeWire(r), { outTradeNo: r.order.outTradeNo, outRefundNo: r.outRefundNo });
    return true;
  }

  sim.router.post(`${api}/refund/domestic/refunds`, async (ctx) => {
    const b = await open(ctx);
    if (!b) return;
    const amount = (b.amount ?? undefined) as Record<string, unknown> | undefined;
    if (typeof b.out_refund_no !== 'string' || !WECHAT_OUT_REFUND_NO.test(b.out_refund_no)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/out_refund_no”映射到字段“商户退款单号”：1–64 位');
    if (b.out_trade_no === undefined && b.transaction_id === undefined) return refuse(ctx, 400, 'PARAM_ERROR', 'transaction_id 和 out_trade_no 必须二选一');
    if (!amount || typeof amount !== 'object' || !isFen(amount.refund) || !isFen(amount.total) || amount.currency !== 'CNY') {
      return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/amount”：refund、total 须为正整数（分），currency 须为 CNY');
    }
    if (b.reason !== undefined && !isStr(b.reason, 1, 80)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/reason”：长度须为 1–80');
    if (b.notify_url !== undefined && !validNotifyUrl(b.notify_url)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/notify_url”：须为不带参数的 URL');
    const o = typeof b.transaction_id === 'string' ? byTransaction.get(b.transaction_id) : typeof b.out_trade_no === 'string' ? orders.get(b.out_trade_no) : undefined;
    const previous = refunds.get(b.out_refund_no);
    if (previous) {
      if (previous.order !== o || previous.refund !== amount.refund || previous.order.amountTotal !== amount.total) {
        return refuse(ctx, 400, 'INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
      }
      return reply(ctx, 200, refundWire(previous));
    }
    if (!o) return refuse(ctx, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (o.state !== 'SUCCESS' && o.state !== 'REFUND') return refuse(ctx, 400, 'INVALID_REQUEST', '订单未支付，不能发起退款');
    if (amount.total !== o.amountTotal) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/body/amount/total”：与原订单金额不一致');
    if ((amount.refund as number) > o.amountTotal - refundedFen(o)) return refuse(ctx, 400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const r: Refund = {
      refundId: `50${randomDigits(27)}`,
      outRefundNo: b.out_refund_no,
      order: o,
      ...(b.reason !== undefined ? { reason: b.reason as string } : {}),
      ...(b.notify_url !== undefined ? { notifyUrl: b.notify_url as string } : {}),
      refund: amount.refund as number,
      status: 'PROCESSING',
      createdAt: sim.now(),
    };
    refunds.set(r.outRefundNo, r);
    if (refundDelay !== null) r.timer = schedule(refundDelay, () => void settleRefund(r, 'SUCCESS'));
    reply(ctx, 200, refundWire(r));
  });

  sim.router.get(`${api}/refund/domestic/refunds/:no`, async (ctx) => {
    if (!(await open(ctx))) return;
    const r = refunds.get(ctx.params.no);
    if (!r) return refuse(ctx, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    reply(ctx, 200, refundWire(r));
  });

  // ---- bills ----

  const fee = (fen: number) => Math.round(fen * FEE_RATE);

  function billLines(billDate: string, billType: string): string[][] {
    const lines: { row: string[]; outTradeNo: string; payment: boolean }[] = [];
    const paymentRow = (o: { successAt: number; transactionId: string; outTradeNo: string; openid: string; amountTotal: number; description: string; attach?: string; tradeType?: string }) => [
      beijingDateTime(o.successAt),
      credentials.appId,
      credentials.mchId,
      '0',
      '',
      o.transactionId,
      o.outTradeNo,
      o.openid,
      o.tradeType ?? 'JSAPI',
      'SUCCESS',
      'OTHERS',
      'CNY',
      fenToYuan(o.amountTotal),
      '0.00',
      '0',
      '0',
      '0.00',
      '0.00',
      '',
      '',
      o.description,
      o.attach ?? '',
      fenToYuan(fee(o.amountTotal)),
      '0.60%',
      fenToYuan(o.amountTotal),
      '0.00',
      '',
    ];
    if (billType !== 'REFUND') {
      for (const o of orders.values()) {
        if (o.successAt === undefined || beijingDate(o.successAt) !== billDate) continue;
        lines.push({ row: paymentRow({ ...o, successAt: o.successAt, transactionId: o.transactionId! }), outTradeNo: o.outTradeNo, payment: true });
      }
    }
    if (billType !== 'SUCCESS') {
      for (const r of refunds.values()) {
        if (r.status !== 'SUCCESS' || r.successAt === undefined || beijingDate(r.successAt) !== billDate) continue;
        const o = r.order;
        lines.push({
          row: [
            beijingDateTime(r.successAt),
            credentials.appId,
            credentials.mchId,
            '0',
            '',
            o.transactionId!,
            o.outTradeNo,
            o.openid,
            o.tradeType,
            'REFUND',
            'OTHERS',
            'CNY',
            '0.00',
            '0.00',
            r.refundId,
            r.outRefundNo,
            fenToYuan(r.refund),
            '0.00',
            'ORIGINAL',
            'SUCCESS',
            o.description,
            o.attach ?? '',
            fenToYuan(-fee(r.refund)),
            '0.60%',
            '0.00',
            fenToYuan(r.refund),
            '',
          ],
          outTradeNo: o.outTradeNo,
          payment: false,
        });
      }
    }
    for (const m of mismatches.get(billDate) ?? []) {
      if (m.kind === 'extra' && billType !== 'REFUND') {
        const at = Date.parse(`${billDate}T12:00:00+08:00`);
        const outTradeNo = m.outTradeNo ?? `SIMX${randomDigits(12)}`;
        lines.push({
          row: paymentRow({ successAt: at, transactionId: `42000${randomDigits(5)}${billDate.replace(/-/g, '')}${randomDigits(10)}`, outTradeNo, openid: `o${randomToken(13, 'base64url')}`, amountTotal: m.amountFen ?? 100, description: '未知订单' }),
          outTradeNo,
          payment: true,
        });
      }
      if (m.kind === 'alter') {
        const line = lines.find((l) => l.payment && l.outTradeNo === m.outTradeNo);
        if (line) {
          line.row[12] = fenToYuan(m.amountFen);
          line.row[24] = fenToYuan(m.amountFen);
          line.row[22] = fenToYuan(fee(m.amountFen));
        }
      }
      if (m.kind === 'drop') {
        const at = lines.findIndex((l) => l.payment && l.outTradeNo === m.outTradeNo);
        if (at >= 0) lines.splice(at, 1);
      }
    }
    return lines.sort((a, b) => a.row[0].localeCompare(b.row[0])).map((l) => l.row);
  }

  function billFile(rows: string[][]): Buffer {
    const sum = (i: number) => rows.reduce((s, r) => s + yuanToFen(r[i]), 0);
    const summary = [String(rows.length), fenToYuan(sum(12)), fenToYuan(sum(16)), fenToYuan(sum(17)), fenToYuan(sum(22)), fenToYuan(sum(24)), fenToYuan(sum(25))];
    return Buffer.from(formatTradeBill(rows, summary), 'utf8');
  }

  sim.router.get(`${api}/bill/tradebill`, async (ctx) => {
    if (!(await open(ctx))) return;
    const billDate = typeof ctx.query.bill_date === 'string' ? ctx.query.bill_date : '';
    const billType = typeof ctx.query.bill_type === 'string' ? ctx.query.bill_type : 'ALL';
    const at = /^\d{4}-\d{2}-\d{2}$/.test(billDate) ? Date.parse(`${billDate}T00:00:00+08:00`) : Number.NaN;
    if (Number.isNaN(at) || beijingDate(at) !== billDate) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/query/bill_date”：格式须为 yyyy-MM-DD');
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) return refuse(ctx, 400, 'PARAM_ERROR', '输入源“/query/bill_type”：仅支持 ALL、SUCCESS、REFUND');
    if (ctx.query.tar_type !== undefined) return refuse(ctx, 400, 'PARAM_ERROR', '模拟环境不支持 tar_type（不压缩）');
    const today = beijingDate(sim.now());
    if (billDate > today) return refuse(ctx, 400, 'PARAM_ERROR', '账单日期不能晚于今天');
    if (billDate === today && !options.sameDayBills) return refuse(ctx, 400, 'STATEMENT_CREATING', '账单生成中，请于次日 10 点后再申请');
    if (sim.now() - at > BILL_MAX_AGE_DAYS * 86_400_000) return refuse(ctx, 400, 'PARAM_ERROR', '仅支持三个月内的账单下载申请');
    const rows = billLines(billDate, billType);
    if (rows.length === 0) return refuse(ctx, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const file = billFile(rows);
    const token = randomToken(24, 'base64url');
    downloads.set(token, file, DOWNLOAD_TTL_MS);
    reply(ctx, 200, {
      hash_type: 'SHA1',
      hash_value: createHash('sha1').update(file).digest('hex'),
      download_url: `${sim.publicBase(ctx)}${mount}/v3/billdownload/file?token=${token}`,
    });
  });

  sim.router.get(`${api}/billdownload/file`, async (ctx) => {
    if (!(await open(ctx))) return;
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const file = downloads.get(token);
    if (!file) return refuse(ctx, 400, 'INVALID_REQUEST', '下载链接已过期或不存在，请重新申请账单');
    let bytes = file;
    if (tamperDownload) {
      tamperDownload = false;
      bytes = Buffer.from(file.toString('utf8').replace(/`0\.60%/, '`0.61%'), 'utf8');
    }
    ctx.status = 200;
    ctx.type = 'application/octet-stream';
    ctx.body = bytes;
  });

  // ---- the cashier page (H5 build) ----

  function htmlPage(ctx: Context, status: number, inner: string) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = simPage('微信支付（模拟）', inner);
  }

  sim.router.get('/wechatpay/cashier', (ctx) => {
    const prepayId = typeof ctx.query.prepay_id === 'string' ? ctx.query.prepay_id : '';
    const redirect = typeof ctx.query.redirect === 'string' && isSafeRedirect(ctx.query.redirect) ? ctx.query.redirect : '';
    const redirectUrl = typeof ctx.query.redirect_url === 'string' && isSafeRedirect(ctx.query.redirect_url) ? ctx.query.redirect_url : '';
    const o = byPrepay.get(prepayId);
    if (!o || o.prepayId !== prepayId || o.prepayExpiresAt <= sim.now()) return htmlPage(ctx, 404, '<h1>订单不存在或已过期</h1><p id="sim-wechatpay-error">PREPAY_EXPIRED</p>');
    if (o.state !== 'NOTPAY') return htmlPage(ctx, 409, `<h1>${o.state === 'CLOSED' ? '订单已关闭' : '订单已支付'}</h1><p id="sim-wechatpay-error">${o.state}</p>`);
    const hidden = `<input type="hidden" name="prepay_id" value="${escapeHtml(prepayId)}"><input type="hidden" name="redirect" value="${escapeHtml(redirect)}"><input type="hidden" name="redirect_url" value="${escapeHtml(redirectUrl)}">`;
    const action = `${mount}/cashier/confirm`;
    htmlPage(
      ctx,
      200,
      `<span class="badge">模拟环境 · 微信支付</span>
<p id="sim-wechatpay-description">${escapeHtml(o.description)}</p>
<h1 id="sim-wechatpay-amount">¥${fenToYuan(o.amountTotal)}</h1>
<form method="post" action="${action}">${hidden}<input type="hidden" name="action" value="pay">
<button id="sim-wechatpay-pay" class="pass" type="submit">确认支付</button></form>
<form method="post" action="${action}">${hidden}<input type="hidden" name="action" value="cancel">
<button id="sim-wechatpay-cancel" class="fail" type="submit">取消</button></form>`,
    );
  });

  sim.router.post('/wechatpay/cashier/confirm', async (ctx) => {
    const form = parseForm(await readRawBody(ctx, 16 * 1024));
    const redirect = form.redirect && isSafeRedirect(form.redirect) ? form.redirect : '';
    if (form.action !== 'pay' && form.action !== 'cancel') return htmlPage(ctx, 400, '<p id="sim-wechatpay-error">参数错误</p>');
    let result = 'cancel';
    if (form.action === 'pay') {
      const outcome = payPrepay(form.prepay_id ?? '');
      if (!outcome.ok) return htmlPage(ctx, 409, `<h1>支付失败</h1><p id="sim-wechatpay-error">${escapeHtml(outcome.code)}</p>`);
      result = 'ok';
    }
    if (redirect) {
      ctx.status = 303;
      ctx.redirect(withQueryParam(redirect, 'wechatpay', result));
      return;
    }
    // WeChat H5 returns to redirect_url as given, whatever happened: the merchant queries the order.
    if (form.redirect_url && isSafeRedirect(form.redirect_url)) {
      ctx.status = 303;
      ctx.redirect(form.redirect_url);
      return;
    }
    htmlPage(ctx, 200, `<h1 id="sim-wechatpay-done">${result === 'ok' ? '支付成功' : '已取消支付'}</h1><p>请返回继续办理。</p>`);
  });

  function payPrepay(prepayId: string, opts: { at?: number } = {}): WechatPayPayOutcome {
    const o = byPrepay.get(prepayId);
    if (o && (o.prepayId !== prepayId || o.prepayExpiresAt <= sim.now())) return { ok: false, code: 'PREPAY_EXPIRED' };
    return pay(o, opts.at);
  }

  // ---- hooks ----

  const hooks: WechatPaySimulator = {
    credentials,
    clientOptions(baseUrl, extra = {}) {
      const which = extra.verifier ?? 'both';
      return {
        baseUrl,
        appId: credentials.appId,
        mchId: credentials.mchId,
        merchantSerialNo: credentials.merchantSerialNo,
        merchantPrivateKey: credentials.merchantPrivateKey,
        apiV3Key: credentials.apiV3Key,
        verifier: {
          ...(which !== 'public_key' ? { platformCertificates: [credentials.platformCertificate] } : {}),
          ...(which !== 'certificate' ? { publicKey: { id: credentials.publicKeyId, pem: credentials.platformPublicKey } } : {}),
        },
        ...(extra.timeoutMs !== undefined ? { timeoutMs: extra.timeoutMs } : {}),
      };
    },
    pay: (outTradeNo, opts = {}) => pay(orders.get(outTradeNo), opts.at),
    payPrepay,
    completeRefund(outRefundNo, status = 'SUCCESS', opts = {}) {
      const r = refunds.get(outRefundNo);
      return r ? settleRefund(r, status, opts.at) : false;
    },
    order(outTradeNo) {
      const o = orders.get(outTradeNo);
      if (!o) return undefined;
      return {
        outTradeNo: o.outTradeNo,
        prepayId: o.prepayId,
        state: o.state,
        amountFen: o.amountTotal,
        openid: o.openid,
        description: o.description,
        notifyUrl: o.notifyUrl,
        ...(o.transactionId ? { transactionId: o.transactionId } : {}),
        ...(o.successAt !== undefined ? { successTime: beijingRfc3339(o.successAt) } : {}),
        refundedFen: refundedFen(o),
      };
    },
    refund(outRefundNo) {
      const r = refunds.get(outRefundNo);
      if (!r) return undefined;
      return { outRefundNo: r.outRefundNo, refundId: r.refundId, outTradeNo: r.order.outTradeNo, status: r.status, refundFen: r.refund, ...(r.notifyUrl ? { notifyUrl: r.notifyUrl } : {}) };
    },
    deliveries: () => attemptsLog.map((a) => ({ ...a })),
    plantBillMismatch(billDate, mismatch) {
      mismatches.set(billDate, [...(mismatches.get(billDate) ?? []), mismatch]);
    },
    clearBillMismatches: () => mismatches.clear(),
    tamperNextBillDownload() {
      tamperDownload = true;
    },
    setFault(f) {
      fault = f ? { ...f } : null;
    },
    setSigningMode(m) {
      mode = m;
    },
    signingMode: () => mode,
    signHeaders,
    pendingTimers: () => timers.size,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      aborter.abort();
    },
  };

  registerDevRoutes(sim, hooks);
  return hooks;
}

/**
 * `<prefix>/wechatpay/dev/*` (never mounted in production):
 *   POST pay {outTradeNo | prepayId}                → {ok, transactionId} | 409 {code}
 *   POST refunds/complete {outRefundNo, status?}    → {ok}
 *   GET  orders/{outTradeNo}                         → the order as the simulator holds it
 *   GET  deliveries                                  → notification attempts
 *   POST faults {fault | null}                       → delay / down / status for the API
 *   POST bill-mismatches {billDate, mismatch | null} → plant (or clear all) bill mismatches
 *   POST signing-mode {mode: public_key | certificate}
 */
function registerDevRoutes(sim: SimContext, hooks: WechatPaySimulator) {
  const dev = '/wechatpay/dev';
  async function json(ctx: Context): Promise<Record<string, unknown> | undefined> {
    const body = parseJsonObject(await readRawBody(ctx, 16 * 1024));
    ctx.set('Cache-Control', 'no-store');
    if (!body) bad(ctx, 'body must be a JSON object');
    return body;
  }
  function bad(ctx: Context, message: string) {
    ctx.status = 400;
    ctx.body = { code: 'INVALID_ARGUMENT', message };
  }

  sim.router.post(`${dev}/pay`, async (ctx) => {
    const b = await json(ctx);
    if (!b) return;
    const outcome = typeof b.outTradeNo === 'string' ? hooks.pay(b.outTradeNo) : typeof b.prepayId === 'string' ? hooks.payPrepay(b.prepayId) : undefined;
    if (!outcome) return bad(ctx, 'outTradeNo or prepayId is required');
    if (!outcome.ok) ctx.status = 409;
    ctx.body = outcome;
  });

  sim.router.post(`${dev}/refunds/complete`, async (ctx) => {
    const b = await json(ctx);
    if (!b) return;
    const status = b.status ?? 'SUCCESS';
    if (typeof b.outRefundNo !== 'string' || (status !== 'SUCCESS' && status !== 'ABNORMAL' && status !== 'CLOSED')) return bad(ctx, 'outRefundNo and status? (SUCCESS | ABNORMAL | CLOSED)');
    const ok = hooks.completeRefund(b.outRefundNo, status);
    ctx.status = ok ? 200 : 409;
    ctx.body = { ok };
  });

  sim.router.get(`${dev}/orders/:no`, (ctx) => {
    const o = hooks.order(ctx.params.no);
    ctx.set('Cache-Control', 'no-store');
    if (!o) {
      ctx.status = 404;
      ctx.body = { code: 'ORDER_NOT_EXIST' };
      return;
    }
    ctx.body = o;
  });

  sim.router.get(`${dev}/deliveries`, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { deliveries: hooks.deliveries() };
  });

  sim.router.post(`${dev}/faults`, async (ctx) => {
    const b = await json(ctx);
    if (!b) return;
    const f = b.fault;
    if (f === null) hooks.setFault(null);
    else if (f && typeof f === 'object') {
      const { delayMs, status, down, times } = f as Record<string, unknown>;
      const okNum = (v: unknown, lo: number, hi: number) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi);
      if (!okNum(delayMs, 0, 60_000) || !okNum(status, 200, 599) || !okNum(times, 1, 1000) || (down !== undefined && typeof down !== 'boolean')) {
        return bad(ctx, 'fault: {delayMs?: 0–60000, status?: 200–599, down?: boolean, times?: 1–1000} or null');
      }
      hooks.setFault({ delayMs: delayMs as number | undefined, status: status as number | undefined, down: down as boolean | undefined, times: times as number | undefined });
    } else return bad(ctx, 'fault: {…} or null');
    ctx.body = { ok: true };
  });

  sim.router.post(`${dev}/bill-mismatches`, async (ctx) => {
    const b = await json(ctx);
    if (!b) return;
    if (b.mismatch === null) {
      hooks.clearBillMismatches();
      ctx.body = { ok: true };
      return;
    }
    const m = b.mismatch as Record<string, unknown> | undefined;
    if (typeof b.billDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(b.billDate) || !m || typeof m !== 'object') return bad(ctx, 'billDate (yyyy-MM-dd) and mismatch are required');
    const fen = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
    if (m.kind === 'extra' && (m.amountFen === undefined || fen(m.amountFen)) && (m.outTradeNo === undefined || typeof m.outTradeNo === 'string')) {
      hooks.plantBillMismatch(b.billDate, { kind: 'extra', outTradeNo: m.outTradeNo as string | undefined, amountFen: m.amountFen as number | undefined });
    } else if (m.kind === 'alter' && typeof m.outTradeNo === 'string' && fen(m.amountFen)) {
      hooks.plantBillMismatch(b.billDate, { kind: 'alter', outTradeNo: m.outTradeNo, amountFen: m.amountFen as number });
    } else if (m.kind === 'drop' && typeof m.outTradeNo === 'string') {
      hooks.plantBillMismatch(b.billDate, { kind: 'drop', outTradeNo: m.outTradeNo });
    } else return bad(ctx, 'mismatch: {kind: extra, outTradeNo?, amountFen?} | {kind: alter, outTradeNo, amountFen} | {kind: drop, outTradeNo}');
    ctx.body = { ok: true };
  });

  sim.router.post(`${dev}/signing-mode`, async (ctx) => {
    const b = await json(ctx);
    if (!b) return;
    if (b.mode !== 'public_key' && b.mode !== 'certificate') return bad(ctx, 'mode: public_key | certificate');
    hooks.setSigningMode(b.mode);
    ctx.body = { ok: true };
  });
}
