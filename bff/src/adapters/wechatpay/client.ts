/**
 * WeChat Pay API v3 client (直连商户, JSAPI / mini-program) on top of wechatpay-node-v3 2.2.1.
 *
 * The library builds each request and its `Authorization` (SHA256withRSA with our merchant API
 * key, our certificate serial in upper case); everything it lacks is done here, in the HTTP
 * client injected through `pay.createHttp({post, get, upload})`:
 *   - the library's hard-coded https://api.mch.weixin.qq.com is swapped for `baseUrl()` (the
 *     signature covers only path and query, so it holds for any base), and
 *   - every request has a deadline, and
 *   - every 2xx answer (and any error answer that carries signature headers) is believed only once
 *     WeChat Pay's signature over the exact bytes verifies with the configured platform
 *     certificates or WeChat Pay public key (`./crypto.ts`); the library verifies nothing.
 * The bill download answer is not signed by WeChat Pay: its SHA1 (announced in the signed
 * tradebill answer) is checked instead.
 *
 *   POST /v3/pay/transactions/jsapi                      → prepay_id; wx.requestPayment params
 *                                                          signed here (appId, timeStamp,
 *                                                          nonceStr, package, signType RSA, paySign)
 *   POST /v3/pay/transactions/h5                         scene_info {payer_client_ip, h5_info} → h5_url
 *   GET  /v3/pay/transactions/out-trade-no/{no}?mchid=   → the transaction
 *   POST /v3/pay/transactions/out-trade-no/{no}/close    {mchid} → 204
 *   POST /v3/refund/domestic/refunds                     {out_trade_no, out_refund_no, reason?,
 *                                                          notify_url?, amount {refund, total,
 *                                                          currency: CNY}} → the refund
 *   GET  /v3/refund/domestic/refunds/{out_refund_no}     → the refund
 *   GET  /v3/bill/tradebill?bill_date=&bill_type=ALL     → {hash_type SHA1, hash_value,
 *                                                          download_url}; then GET download_url
 *
 * Errors (AdapterError, system `wechatpay`):
 *   'rejected'     a 4xx with WeChat's {code, message}: ORDER_NOT_EXIST, ORDERPAID, ORDER_CLOSED,
 *                  INVALID_REQUEST, PARAM_ERROR, RESOURCE_NOT_EXISTS, NO_STATEMENT_EXIST …
 *                  (upstreamCode = WeChat's code); also our own argument checks (PARAM_ERROR).
 *   'unavailable'  refused connection, timeout, 5xx (SYSTEM_ERROR …), 429 FREQUENCY_LIMITED,
 *                  STATEMENT_CREATING, an answer we cannot read, a response signature that does
 *                  not verify (invalid-signature), a bill whose hash does not match
 *                  (hash_mismatch) — and 401 SIGN_ERROR: our channel (key, serial, clock) is
 *                  wrong for every order alike, so callers retry and alert rather than settle.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import Pay from 'wechatpay-node-v3';
import type { IPayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.interface';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { AdapterError } from '../errors';
import { DEFAULT_TIMEOUT_MS, isRecord, joinUrl } from '../http';
import { parseTradeBill, TradeBillFormatError } from './bill';
import {
  createWechatPayVerifier,
  privateKeyFrom,
  signRequestPayment,
  type WechatPayVerifier,
  type WechatPayVerifierOptions,
} from './crypto';
import { parsePaymentNotification, type NotificationHeaders, type ParseNotificationOptions, type WechatPayNotification } from './notification';
import {
  BILL_DATE,
  OUT_REFUND_NO,
  OUT_TRADE_NO,
  RefundWireSchema,
  toRefund,
  toTransaction,
  TransactionWireSchema,
  type WechatPayPort,
  type WechatPayRefund,
  type WechatPayTransaction,
} from './port';

export const WECHATPAY_API_BASE = 'https://api.mch.weixin.qq.com';
const SYSTEM = 'wechatpay';

export interface WechatPayClientOptions {
  /** Default https://api.mch.weixin.qq.com; the simulator's is `<app>/sim/wechatpay`. */
  baseUrl: () => string;
  /** The mini-program (or official account) app id bound to the merchant. */
  appId: string;
  mchId: string;
  /** Serial number of our merchant API certificate (商户API证书序列号). */
  merchantSerialNo: string;
  /** Our merchant API private key (apiclient_key.pem), PEM; literal `\n` accepted. */
  merchantPrivateKey: string;
  /** The APIv3 key (32 characters): decrypts notification resources. */
  apiV3Key: string;
  /** How WeChat Pay's signatures are checked: platform certificates and/or the WeChat Pay public key. */
  verifier: WechatPayVerifierOptions | WechatPayVerifier;
  /** Per API request; default 5000 ms. */
  timeoutMs?: number;
  /** For the bill file; default 30000 ms. */
  downloadTimeoutMs?: number;
  /** Clock in ms (response timestamp check, wx.requestPayment timeStamp); default Date.now. */
  now?: () => number;
  userAgent?: string;
}

export interface WechatPayClient extends WechatPayPort {
  readonly verifier: WechatPayVerifier;
  /** parsePaymentNotification with this client's verifier, APIv3 key, mchid and app id. */
  parseNotification(raw: string | Uint8Array, headers: NotificationHeaders, options?: Pick<ParseNotificationOptions, 'now'>): WechatPayNotification;
}

/** Codes that mean "not now" rather than "no". */
const TRY_LATER = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'BANK_ERROR', 'BANKERROR', 'STATEMENT_CREATING', 'SIGN_ERROR']);

function unavailable(code: string, message: string): AdapterError {
  return new AdapterError(SYSTEM, 'unavailable', code, message);
}
function rejected(code: string, message: string): AdapterError {
  return new AdapterError(SYSTEM, 'rejected', code, message);
}

/** `2025-01-01T10:00:00+08:00`: RFC 3339 in Beijing time, as WeChat writes times. */
export function beijingRfc3339(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

function describe(path: string): string {
  // Order numbers are not personal data, but keep log lines short and free of query strings.
  return path.split('?')[0];
}

export function createWechatPayClient(options: WechatPayClientOptions): WechatPayClient {
  const now = options.now ?? Date.now;
  const verifier: WechatPayVerifier = 'verify' in options.verifier ? options.verifier : createWechatPayVerifier(options.verifier);
  const privateKey = privateKeyFrom(options.merchantPrivateKey);
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }) as string;
  if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32) throw new Error('wechatpay: the APIv3 key must be 32 bytes');

  const pay = new Pay({
    appid: options.appId,
    mchid: options.mchId,
    // Upper case: WeChat prints serials so; the library would read a lower-case one from a certificate.
    serial_no: options.merchantSerialNo.toUpperCase(),
    // Only used by the library to read a serial from a certificate when none is given: ours is given.
    publicKey: Buffer.from(publicPem),
    privateKey: Buffer.from(privatePem),
    key: options.apiV3Key,
    userAgent: options.userAgent ?? 'onevisit-bff (wechatpay-node-v3/2.2.1)',
  });

  /** The library's absolute URL → ours, and the path it signed. */
  function target(libraryUrl: string): { url: string; path: string } {
    if (!libraryUrl.startsWith(WECHATPAY_API_BASE)) throw unavailable('bad_request', 'wechatpay: a request outside the API origin');
    const path = libraryUrl.slice(WECHATPAY_API_BASE.length);
    return { url: joinUrl(options.baseUrl(), path), path };
  }

  async function send(method: 'GET' | 'POST', libraryUrl: string, libraryHeaders: Record<string, unknown>, body?: string): Promise<Output> {
    const { url, path } = target(libraryUrl);
    const isDownload = path.startsWith('/v3/billdownload/');
    const timeoutMs = isDownload ? (options.downloadTimeoutMs ?? 30_000) : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const what = `${method} ${describe(path)}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(libraryHeaders)) if (typeof v === 'string' && k.toLowerCase() !== 'accept-encoding') headers[k] = v;
    let res: Response;
    let bytes: Buffer;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw unavailable('timeout', `${what} timed out after ${timeoutMs} ms`);
      const cause = (err as { cause?: { code?: string } })?.cause?.code;
      throw unavailable(cause ?? 'network', `${what} failed: ${cause ?? (err as Error)?.message ?? 'network error'}`);
    }
    const text = bytes.toString('utf8');
    const requestId = res.headers.get('request-id') ?? '';
    const rid = requestId ? ` (Request-ID ${requestId})` : '';

    if (res.status >= 200 && res.status < 300) {
      if (isDownload) return { status: res.status, data: bytes };
      checkSignature(res, text, what);
      // (an empty object, not undefined: the library reads fields of data without checking it)
      if (text === '') return { status: res.status, data: {} };
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw unavailable('bad_response', `${what} answered ${res.status} with a body that is not JSON${rid}`);
      }
      if (!isRecord(data)) throw unavailable('bad_response', `${what} answered JSON that is not an object${rid}`);
      return { status: res.status, data };
    }

    let answer: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed) && typeof parsed.code === 'string' && parsed.code) answer = parsed;
    } catch {
      /* not JSON */
    }
    if (res.status >= 500) throw unavailable(answer ? String(answer.code) : `http_${res.status}`, `${what} answered HTTP ${res.status}${rid}`);
    if (!answer) throw unavailable('bad_response', `${what} answered HTTP ${res.status} without WeChat's {code, message}${rid}`);
    // A refusal after our signature held is signed like any answer: believe it only when it verifies.
    // A 401 (our signature refused) comes unsigned.
    if (res.headers.get('wechatpay-signature') !== null) checkSignature(res, text, what);
    const code = String(answer.code);
    const message = `${what}: ${code} ${typeof answer.message === 'string' ? answer.message : ''}`.trim() + rid;
    if (res.status === 429 || TRY_LATER.has(code)) throw unavailable(code, message);
    throw rejected(code, message);
  }

  function checkSignature(res: Response, text: string, what: string): void {
    const verdict = verifier.verify(
      {
        timestamp: res.headers.get('wechatpay-timestamp') ?? '',
        nonce: res.headers.get('wechatpay-nonce') ?? '',
        signature: res.headers.get('wechatpay-signature') ?? '',
        serial: res.headers.get('wechatpay-serial') ?? '',
        body: text,
      },
      Math.floor(now() / 1000),
    );
    if (!verdict.ok) throw unavailable('invalid-signature', `${what}: response signature refused (${verdict.reason})`);
  }

  const http: IPayRequest = {
    post: (url, params, headers) => send('POST', url, headers, JSON.stringify(params)),
    get: (url, headers) => send('GET', url, headers),
    upload: async () => {
      throw unavailable('unsupported', 'wechatpay: uploads are not used');
    },
  };
  pay.createHttp(http);

  function check(ok: boolean, message: string): void {
    if (!ok) throw rejected('PARAM_ERROR', `${message} (checked before sending)`);
  }
  const isFen = (v: number) => Number.isSafeInteger(v) && v >= 1;

  function readTransaction(data: unknown, what: string, outTradeNo: string): WechatPayTransaction {
    const parsed = TransactionWireSchema.safeParse(data);
    if (!parsed.success) throw unavailable('bad_response', `${what}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const t = toTransaction(parsed.data);
    if (t.outTradeNo !== outTradeNo || t.mchId !== options.mchId) throw unavailable('bad_response', `${what}: the answer is about another order or merchant`);
    return t;
  }

  function readRefund(data: unknown, what: string, outRefundNo: string): WechatPayRefund {
    const parsed = RefundWireSchema.safeParse(data);
    if (!parsed.success) throw unavailable('bad_response', `${what}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const r = toRefund(parsed.data);
    if (r.outRefundNo !== outRefundNo) throw unavailable('bad_response', `${what}: the answer is about another refund`);
    return r;
  }

  /** download_url as the library must sign it: on the API origin, whatever base we talk to. */
  function canonicalDownloadUrl(downloadUrl: string): string {
    const base = options.baseUrl().replace(/\/+$/, '');
    for (const origin of [base, WECHATPAY_API_BASE]) {
      if (downloadUrl.startsWith(`${origin}/v3/billdownload/`)) return `${WECHATPAY_API_BASE}${downloadUrl.slice(origin.length)}`;
    }
    throw unavailable('bad_response', 'GET /v3/bill/tradebill: download_url is not on the API origin');
  }

  return {
    verifier,

    parseNotification: (raw, headers, opts = {}) =>
      parsePaymentNotification(raw, headers, verifier, options.apiV3Key, { now: opts.now ?? Math.floor(now() / 1000), mchId: options.mchId, appId: options.appId }),

    async jsapiPrepay(input) {
      check(OUT_TRADE_NO.test(input.outTradeNo), 'outTradeNo: 6–32 of [0-9A-Za-z_-]');
      check(input.description.length >= 1 && input.description.length <= 127, 'description: 1–127 characters');
      check(isFen(input.amountFen), 'amountFen: a positive integer');
      check(input.payerOpenid.length >= 1 && input.payerOpenid.length <= 128, 'payerOpenid is required');
      check(/^https?:\/\/[^?#]+$/.test(input.notifyUrl) && input.notifyUrl.length <= 256, 'notifyUrl: an http(s) URL without query, ≤ 256 characters');
      check(input.attach === undefined || (input.attach.length >= 1 && input.attach.length <= 128), 'attach: 1–128 characters');
      const r = await pay.transactions_jsapi({
        description: input.description,
        out_trade_no: input.outTradeNo,
        ...(input.timeExpire ? { time_expire: beijingRfc3339(input.timeExpire) } : {}),
        ...(input.attach !== undefined ? { attach: input.attach } : {}),
        notify_url: input.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.payerOpenid },
      });
      // The library swaps the answer for its own requestPayment object; only package is kept from it.
      const pkg = isRecord(r.data) ? r.data.package : undefined;
      const prepayId = typeof pkg === 'string' && pkg.startsWith('prepay_id=') ? pkg.slice('prepay_id='.length) : '';
      if (!/^[\w-]{1,64}$/.test(prepayId)) throw unavailable('bad_response', 'POST /v3/pay/transactions/jsapi: no prepay_id');
      return {
        prepayId,
        requestPayment: signRequestPayment({ appId: options.appId, prepayId, privateKey, timestamp: Math.floor(now() / 1000) }),
      };
    },

    async h5Prepay(input) {
      check(OUT_TRADE_NO.test(input.outTradeNo), 'outTradeNo: 6–32 of [0-9A-Za-z_-]');
      check(input.description.length >= 1 && input.description.length <= 127, 'description: 1–127 characters');
      check(isFen(input.amountFen), 'amountFen: a positive integer');
      check(isIP(input.clientIp) !== 0, 'clientIp: an IPv4 or IPv6 address');
      check(/^https?:\/\/[^?#]+$/.test(input.notifyUrl) && input.notifyUrl.length <= 256, 'notifyUrl: an http(s) URL without query, ≤ 256 characters');
      check(input.attach === undefined || (input.attach.length >= 1 && input.attach.length <= 128), 'attach: 1–128 characters');
      const r = await pay.transactions_h5({
        description: input.description,
        out_trade_no: input.outTradeNo,
        ...(input.timeExpire ? { time_expire: beijingRfc3339(input.timeExpire) } : {}),
        ...(input.attach !== undefined ? { attach: input.attach } : {}),
        notify_url: input.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        scene_info: {
          payer_client_ip: input.clientIp,
          h5_info: { type: input.h5Type ?? 'Wap', ...(input.appName ? { app_name: input.appName } : {}), ...(input.appUrl ? { app_url: input.appUrl } : {}) },
        },
      } as Parameters<typeof pay.transactions_h5>[0]);
      const h5Url = isRecord(r.data) ? r.data.h5_url : undefined;
      if (typeof h5Url !== 'string' || !/^https?:\/\//.test(h5Url)) throw unavailable('bad_response', 'POST /v3/pay/transactions/h5: no h5_url');
      return { h5Url };
    },

    async queryByOutTradeNo(outTradeNo) {
      check(OUT_TRADE_NO.test(outTradeNo), 'outTradeNo: 6–32 of [0-9A-Za-z_-]');
      const r = await pay.query({ out_trade_no: outTradeNo } as Parameters<typeof pay.query>[0]);
      return readTransaction(r.data, 'GET /v3/pay/transactions/out-trade-no', outTradeNo);
    },

    async close(outTradeNo) {
      check(OUT_TRADE_NO.test(outTradeNo), 'outTradeNo: 6–32 of [0-9A-Za-z_-]');
      await pay.close(outTradeNo);
    },

    async refund(input) {
      check(OUT_TRADE_NO.test(input.outTradeNo), 'outTradeNo: 6–32 of [0-9A-Za-z_-]');
      check(OUT_REFUND_NO.test(input.outRefundNo), 'outRefundNo: 1–64 of [0-9A-Za-z_-]');
      check(isFen(input.refundFen) && isFen(input.totalFen) && input.refundFen <= input.totalFen, 'refundFen and totalFen: positive integers, refund ≤ total');
      check(input.reason === undefined || (input.reason.length >= 1 && input.reason.length <= 80), 'reason: 1–80 characters');
      check(input.notifyUrl === undefined || /^https?:\/\/[^?#]+$/.test(input.notifyUrl), 'notifyUrl: an http(s) URL without query');
      const r = await pay.refunds({
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(input.notifyUrl !== undefined ? { notify_url: input.notifyUrl } : {}),
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      });
      return readRefund(r.data, 'POST /v3/refund/domestic/refunds', input.outRefundNo);
    },

    async queryRefund(outRefundNo) {
      check(OUT_REFUND_NO.test(outRefundNo), 'outRefundNo: 1–64 of [0-9A-Za-z_-]');
      const r = await pay.find_refunds(outRefundNo);
      return readRefund(r.data, 'GET /v3/refund/domestic/refunds', outRefundNo);
    },

    async tradeBill(billDate) {
      check(BILL_DATE.test(billDate), 'billDate: yyyy-MM-dd');
      const what = 'GET /v3/bill/tradebill';
      const r = await pay.tradebill({ bill_date: billDate, bill_type: 'ALL' });
      const d = r.data;
      if (!isRecord(d) || typeof d.download_url !== 'string' || typeof d.hash_value !== 'string' || typeof d.hash_type !== 'string') {
        throw unavailable('bad_response', `${what}: download_url, hash_type and hash_value are required`);
      }
      if (d.hash_type.toUpperCase() !== 'SHA1' || !/^[0-9a-fA-F]{40}$/.test(d.hash_value)) throw unavailable('bad_response', `${what}: unsupported hash ${d.hash_type}`);
      const file = await pay.downloadBill(canonicalDownloadUrl(d.download_url));
      const bytes = file.data;
      if (!Buffer.isBuffer(bytes)) throw unavailable('bad_response', 'GET /v3/billdownload/file: no file');
      const sha1 = createHash('sha1').update(bytes).digest('hex');
      if (sha1 !== d.hash_value.toLowerCase()) throw unavailable('hash_mismatch', `GET /v3/billdownload/file: SHA1 ${sha1} is not the announced ${d.hash_value.toLowerCase()}`);
      const raw = bytes.toString('utf8');
      try {
        return { billDate, ...parseTradeBill(raw), sha1, raw };
      } catch (err) {
        if (err instanceof TradeBillFormatError) throw unavailable('bad_response', `GET /v3/billdownload/file: ${err.message}`);
        throw err;
      }
    },
  };
}

