/**
 * Alipay payments for the mini-program (小程序支付, OpenAPI 2.0 through alipay-sdk 4), on the same
 * signed line as identity (`createAlipayGateway`: RSA2 requests, every response's signature
 * verified, timestamps in Beijing time whatever the process TZ).
 *
 *   alipay.trade.create           biz_content {out_trade_no, total_amount (yuan string), subject,
 *                                 product_code JSAPI_PAY, buyer_id | buyer_open_id, op_app_id?,
 *                                 time_expire? (Beijing time), body?}, notify_url as a common
 *                                 parameter → trade_no, which the mini-program hands to
 *                                 my.tradePay({ tradeNO }). The same out_trade_no again while
 *                                 unpaid answers the same trade_no; with another amount
 *                                 ACQ.CONTEXT_INCONSISTENT; once paid ACQ.TRADE_HAS_SUCCESS.
 *   alipay.trade.query            → trade_status WAIT_BUYER_PAY | TRADE_CLOSED | TRADE_SUCCESS |
 *                                 TRADE_FINISHED (ACQ.TRADE_NOT_EXIST → null)
 *   alipay.trade.close            only an unpaid trade closes; ACQ.TRADE_STATUS_ERROR (already paid
 *                                 or closed) is resolved by a query, so closing is idempotent
 *   alipay.trade.refund           out_request_no makes it idempotent: the same request again →
 *                                 fund_change N with the same refund_fee (cumulative)
 *   alipay.trade.fastpay.refund.query   did a refund request go through (REFUND_SUCCESS)?
 *   alipay.data.dataservice.bill.downloadurl.query  bill_type trade | signcustomer, bill_date
 *                                 yyyy-MM-dd | yyyy-MM → a URL valid for 30 s (`downloadBill`)
 *
 * Money: integer fen in and out; `fenToYuan` / `yuanToFen` (`./amount.ts`) at this edge only.
 *
 * Async notifications (异步通知): Alipay POSTs a form (application/x-www-form-urlencoded) to
 * notify_url when a trade is paid (TRADE_SUCCESS) and when it is refunded (refund_fee,
 * out_biz_no, gmt_refund; TRADE_CLOSED once fully refunded), retrying on 4m, 10m, 10m, 1h, 2h,
 * 6h, 15h until it gets exactly `success`. The notify route, before anything else:
 *
 *   const form = parseAlipayNotifyForm(rawBody);          // decoded once, by URLSearchParams
 *   const verdict = payments.verifyNotification(form);    // checkNotifySignV2 + app_id (+ seller_id)
 *   if (!verdict.ok) → answer anything but `success` (400 'fail'), change nothing
 *   … apply verdict.notification idempotently (dedupe on notifyId / state), then
 *   ackAlipayNotify(ctx)                                   // 200 text/plain, exactly `success`
 *
 * A notification proves only what Alipay said; the service still compares the amount with its
 * own order (a business rule, not this adapter's).
 *
 * Errors: AdapterError 'rejected' with Alipay's sub_code (ACQ.TRADE_HAS_SUCCESS …) when Alipay
 * refused the request; 'unavailable' for outages, timeouts, bad signatures and ACQ.SYSTEM_ERROR.
 */
import { AdapterError } from '../errors';
import { DEFAULT_TIMEOUT_MS } from '../http';
import { beijingToIso, fenToYuan, tryYuanToFen } from './amount';
import { parseBillZip, type AlipayBill } from './bill';
import { beijingTimestamp, createAlipayGateway, type AlipayClientOptions, type AlipayGateway } from './client';

export { fenToYuan, yuanToFen, beijingToIso, beijingDate } from './amount';
export type { AlipayBill, AlipayBillRow } from './bill';

export const ALIPAY_TRADE_STATUSES = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'] as const;
export type AlipayTradeStatus = (typeof ALIPAY_TRADE_STATUSES)[number];

/** What Alipay's async notification handler must answer, and nothing else, to stop the retries. */
export const ALIPAY_NOTIFY_ACK = 'success';

export interface AlipayPaymentsOptions extends Omit<AlipayClientOptions, 'certifyReturnUrl'> {
  /** notify_url of every trade (unless a trade names its own): where Alipay POSTs payment and refund notifications. */
  notifyUrl: () => string;
  /** op_app_id: the mini-program's app id, when it is not the app that calls the API (appId). */
  miniAppId?: string;
  /** When set, notifications for another seller (seller_id) are refused. */
  sellerId?: string;
}

export interface CreateTradeInput {
  /** Our payment order number: 1–64 of [A-Za-z0-9_-], unique per payment attempt. */
  outTradeNo: string;
  amountFen: number;
  /** What the citizen sees in the cashier (≤ 256 characters). */
  subject: string;
  /** The payer: the 2088… user id (alipay.system.oauth.token user_id) or, in open-id mode, the open_id. */
  buyerId?: string;
  buyerOpenId?: string;
  /** The trade closes itself if unpaid by then. */
  expiresAt?: Date;
  body?: string;
  /** This trade's notify_url instead of `options.notifyUrl()`. */
  notifyUrl?: string;
}

export interface AlipayTrade {
  tradeNo: string;
  outTradeNo: string;
  status: AlipayTradeStatus;
  totalFen: number;
  /** What the buyer paid (after discounts), once paid. */
  buyerPayFen?: number;
  buyerUserId?: string;
  buyerOpenId?: string;
  /** ISO 8601 UTC (send_pay_date), once paid. */
  paidAt?: string;
}

export interface RefundInput {
  outTradeNo: string;
  /** Unique per refund of this trade: the same value again is the same refund (idempotent). */
  outRequestNo: string;
  amountFen: number;
  reason?: string;
}

export interface AlipayRefundResult {
  tradeNo: string;
  outTradeNo: string;
  /** false when this request did not move money now (a repeat of a refund already made). */
  fundChange: boolean;
  /** All refunds of the trade so far (refund_fee is cumulative). */
  refundedTotalFen: number;
  refundedAt?: string;
}

export interface AlipayRefundQuery {
  outTradeNo: string;
  outRequestNo: string;
  refundFen: number;
  totalFen: number;
  refundedAt?: string;
}

export type AlipayCloseOutcome = { status: 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'NOT_EXIST' };

export interface AlipayNotification {
  notifyId: string;
  notifyType: string;
  /** ISO 8601 UTC. */
  notifyTime: string;
  appId: string;
  tradeStatus: AlipayTradeStatus;
  tradeNo: string;
  outTradeNo: string;
  totalFen: number;
  receiptFen?: number;
  buyerPayFen?: number;
  buyerId?: string;
  buyerOpenId?: string;
  sellerId?: string;
  paidAt?: string;
  /** Refund notifications: refunds so far (refund_fee, cumulative), the refund's out_request_no (out_biz_no), when. */
  refundedTotalFen?: number;
  outBizNo?: string;
  refundedAt?: string;
  closedAt?: string;
}

export type AlipayNotifyVerdict =
  | { ok: true; notification: AlipayNotification }
  | { ok: false; reason: 'bad_signature' | 'wrong_app' | 'wrong_seller' | 'invalid'; message: string };

export type AlipayBillType = 'trade' | 'signcustomer';

export interface AlipayPaymentsPort {
  createTrade(input: CreateTradeInput): Promise<{ tradeNo: string; outTradeNo: string }>;
  /** null when Alipay knows no such trade. */
  queryTrade(outTradeNo: string): Promise<AlipayTrade | null>;
  /** Closes an unpaid trade; answers what the trade is now (already paid → TRADE_SUCCESS, never created → NOT_EXIST). */
  closeTrade(outTradeNo: string): Promise<AlipayCloseOutcome>;
  refund(input: RefundInput): Promise<AlipayRefundResult>;
  /** null when no such refund request went through. */
  queryRefund(outTradeNo: string, outRequestNo: string): Promise<AlipayRefundQuery | null>;
  /** The day's (yyyy-MM-dd) or month's (yyyy-MM) bill URL, valid for 30 s. */
  billDownloadUrl(input: { billType: AlipayBillType; billDate: string }): Promise<{ url: string }>;
  /** Downloads and reads a bill URL (the zip of GBK CSV files). */
  downloadBill(url: string): Promise<AlipayBill>;
  /** Verifies a decoded notification form (`parseAlipayNotifyForm`) and reads it. Never throws. */
  verifyNotification(form: Record<string, string>): AlipayNotifyVerdict;
}

const OUT_NO = /^[A-Za-z0-9_-]{1,64}$/;
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function unavailable(code: string, message: string): AdapterError {
  return new AdapterError('alipay', 'unavailable', code, message);
}
function invalidInput(message: string): AdapterError {
  return new AdapterError('alipay', 'rejected', 'INVALID_ARGUMENT', message);
}

/** Reads an application/x-www-form-urlencoded body once (URLSearchParams decodes `+` and `%xx`); a repeated key keeps its first value. */
export function parseAlipayNotifyForm(raw: string | Uint8Array): Record<string, string> {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const form: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in form)) form[k] = v;
  return form;
}

/** Answers an async notification exactly as Alipay requires: HTTP 200, text/plain, body `success`. */
export function ackAlipayNotify(ctx: { status: number; type: string; body: unknown }): void {
  ctx.status = 200;
  ctx.type = 'text/plain';
  ctx.body = ALIPAY_NOTIFY_ACK;
}

/** The answer as a value (for a route that sets status, type and body itself): exactly `success`, or `fail` (Alipay retries). */
export function alipayNotifyAnswer(accepted: boolean): { status: number; type: string; body: string } {
  return accepted ? { status: 200, type: 'text/plain', body: ALIPAY_NOTIFY_ACK } : { status: 400, type: 'text/plain', body: 'fail' };
}

/** Answers a notification we refused or could not store: anything but `success` makes Alipay retry. */
export function nackAlipayNotify(ctx: { status: number; type: string; body: unknown }, status = 400): void {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = 'fail';
}

function isTradeStatus(v: unknown): v is AlipayTradeStatus {
  return typeof v === 'string' && (ALIPAY_TRADE_STATUSES as readonly string[]).includes(v);
}

/** The pieces of a notification form, or why it is not one (signature already checked). */
function readNotification(form: Record<string, string>): AlipayNotification | string {
  const need = ['notify_id', 'notify_type', 'notify_time', 'app_id', 'trade_no', 'out_trade_no', 'total_amount'] as const;
  for (const k of need) if (!str(form[k])) return `${k} is missing`;
  if (!isTradeStatus(form.trade_status)) return 'trade_status is not a trade status';
  const totalFen = tryYuanToFen(form.total_amount);
  if (totalFen === undefined) return 'total_amount is not an amount';
  const notifyTime = beijingToIso(form.notify_time);
  if (!notifyTime) return 'notify_time is not a Beijing time';
  const n: AlipayNotification = {
    notifyId: form.notify_id,
    notifyType: form.notify_type,
    notifyTime,
    appId: form.app_id,
    tradeStatus: form.trade_status,
    tradeNo: form.trade_no,
    outTradeNo: form.out_trade_no,
    totalFen,
  };
  const money: [keyof AlipayNotification, string][] = [
    ['receiptFen', 'receipt_amount'],
    ['buyerPayFen', 'buyer_pay_amount'],
    ['refundedTotalFen', 'refund_fee'],
  ];
  for (const [key, field] of money) {
    if (form[field] === undefined || form[field] === '') continue;
    const fen = tryYuanToFen(form[field]);
    if (fen === undefined) return `${field} is not an amount`;
    (n as unknown as Record<string, unknown>)[key] = fen;
  }
  const times: [keyof AlipayNotification, string][] = [
    ['paidAt', 'gmt_payment'],
    ['refundedAt', 'gmt_refund'],
    ['closedAt', 'gmt_close'],
  ];
  for (const [key, field] of times) {
    if (!form[field]) continue;
    // gmt_refund carries milliseconds: 2025-01-01 12:00:00.123
    const iso = beijingToIso(form[field].replace(/\.\d{1,3}$/, ''));
    if (!iso) return `${field} is not a Beijing time`;
    (n as unknown as Record<string, unknown>)[key] = iso;
  }
  if (str(form.buyer_id)) n.buyerId = form.buyer_id;
  if (str(form.buyer_open_id)) n.buyerOpenId = form.buyer_open_id;
  if (str(form.seller_id)) n.sellerId = form.seller_id;
  if (str(form.out_biz_no)) n.outBizNo = form.out_biz_no;
  return n;
}

function readTrade(a: Record<string, unknown>, method: string): AlipayTrade {
  if (!str(a.trade_no) || !str(a.out_trade_no) || !isTradeStatus(a.trade_status)) throw unavailable('bad_response', `${method}: no trade_no, out_trade_no or trade_status`);
  const totalFen = tryYuanToFen(a.total_amount);
  if (totalFen === undefined) throw unavailable('bad_response', `${method}: total_amount is not an amount`);
  const trade: AlipayTrade = { tradeNo: a.trade_no, outTradeNo: a.out_trade_no, status: a.trade_status, totalFen };
  const buyerPay = tryYuanToFen(a.buyer_pay_amount);
  if (buyerPay !== undefined) trade.buyerPayFen = buyerPay;
  if (str(a.buyer_user_id)) trade.buyerUserId = a.buyer_user_id;
  if (str(a.buyer_open_id)) trade.buyerOpenId = a.buyer_open_id;
  const paidAt = beijingToIso(a.send_pay_date);
  if (paidAt) trade.paidAt = paidAt;
  return trade;
}

export function createAlipayPayments(options: AlipayPaymentsOptions, gateway: AlipayGateway = createAlipayGateway(options)): AlipayPaymentsPort {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  /** exec, with Alipay's own "system error, try again" treated as an outage. */
  async function exec(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    try {
      return await gateway.exec(method, params);
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected' && /^(ACQ|aop|isp)\.SYSTEM_ERROR$/i.test(err.upstreamCode)) {
        throw new AdapterError(err.system, 'unavailable', err.upstreamCode, err.message.replace(/^alipay: /, ''));
      }
      throw err;
    }
  }

  function outNo(v: string, name: string): string {
    if (typeof v !== 'string' || !OUT_NO.test(v)) throw invalidInput(`${name}: 1–64 of [A-Za-z0-9_-]`);
    return v;
  }
  function amount(fen: number, name: string): string {
    if (!Number.isSafeInteger(fen) || fen < 1 || fen > 10_000_000_000) throw invalidInput(`${name}: whole fen, 1 to 10000000000`);
    return fenToYuan(fen);
  }

  async function queryTrade(outTradeNo: string): Promise<AlipayTrade | null> {
    try {
      const a = await exec('alipay.trade.query', { bizContent: { out_trade_no: outNo(outTradeNo, 'outTradeNo') } });
      return readTrade(a, 'alipay.trade.query');
    } catch (err) {
      if (err instanceof AdapterError && err.upstreamCode === 'ACQ.TRADE_NOT_EXIST') return null;
      throw err;
    }
  }

  return {
    async createTrade(input) {
      const biz: Record<string, unknown> = {
        out_trade_no: outNo(input.outTradeNo, 'outTradeNo'),
        total_amount: amount(input.amountFen, 'amountFen'),
        subject: input.subject,
        product_code: 'JSAPI_PAY',
      };
      if (typeof input.subject !== 'string' || !input.subject.trim() || Array.from(input.subject).length > 256) throw invalidInput('subject: 1–256 characters');
      if (!input.buyerId === !input.buyerOpenId) throw invalidInput('exactly one of buyerId and buyerOpenId');
      if (input.buyerId) biz.buyer_id = input.buyerId;
      if (input.buyerOpenId) biz.buyer_open_id = input.buyerOpenId;
      if (options.miniAppId) biz.op_app_id = options.miniAppId;
      if (input.expiresAt) biz.time_expire = beijingTimestamp(input.expiresAt);
      if (input.body) biz.body = input.body;
      const a = await exec('alipay.trade.create', { notify_url: input.notifyUrl ?? options.notifyUrl(), bizContent: biz });
      if (!str(a.trade_no)) throw unavailable('bad_response', 'alipay.trade.create: no trade_no');
      if (a.out_trade_no !== undefined && a.out_trade_no !== input.outTradeNo) throw unavailable('bad_response', 'alipay.trade.create: answered for another out_trade_no');
      return { tradeNo: a.trade_no, outTradeNo: input.outTradeNo };
    },

    queryTrade,

    async closeTrade(outTradeNo) {
      try {
        await exec('alipay.trade.close', { bizContent: { out_trade_no: outNo(outTradeNo, 'outTradeNo') } });
        return { status: 'TRADE_CLOSED' };
      } catch (err) {
        if (!(err instanceof AdapterError)) throw err;
        if (err.upstreamCode === 'ACQ.TRADE_NOT_EXIST') return { status: 'NOT_EXIST' };
        if (err.upstreamCode !== 'ACQ.TRADE_STATUS_ERROR') throw err;
        // Already paid, or already closed: Alipay says only "状态不合法"; ask which.
        const trade = await queryTrade(outTradeNo);
        if (!trade) return { status: 'NOT_EXIST' };
        if (trade.status === 'WAIT_BUYER_PAY') throw unavailable('ACQ.TRADE_STATUS_ERROR', 'alipay.trade.close: refused while the trade still waits for payment');
        return { status: trade.status };
      }
    },

    async refund(input) {
      const biz: Record<string, unknown> = {
        out_trade_no: outNo(input.outTradeNo, 'outTradeNo'),
        out_request_no: outNo(input.outRequestNo, 'outRequestNo'),
        refund_amount: amount(input.amountFen, 'amountFen'),
      };
      if (input.reason) biz.refund_reason = input.reason;
      const a = await exec('alipay.trade.refund', { bizContent: biz });
      const refunded = tryYuanToFen(a.refund_fee);
      if (!str(a.trade_no) || refunded === undefined || (a.fund_change !== 'Y' && a.fund_change !== 'N')) {
        throw unavailable('bad_response', 'alipay.trade.refund: no trade_no, refund_fee or fund_change');
      }
      const result: AlipayRefundResult = { tradeNo: a.trade_no, outTradeNo: input.outTradeNo, fundChange: a.fund_change === 'Y', refundedTotalFen: refunded };
      const at = beijingToIso(a.gmt_refund_pay);
      if (at) result.refundedAt = at;
      return result;
    },

    async queryRefund(outTradeNo, outRequestNo) {
      const a = await exec('alipay.trade.fastpay.refund.query', {
        bizContent: { out_trade_no: outNo(outTradeNo, 'outTradeNo'), out_request_no: outNo(outRequestNo, 'outRequestNo'), query_options: ['gmt_refund_pay'] },
      });
      // Alipay answers 10000 without refund_status for a request it never took.
      if (a.refund_status !== 'REFUND_SUCCESS') return null;
      const refundFen = tryYuanToFen(a.refund_amount);
      const totalFen = tryYuanToFen(a.total_amount);
      if (refundFen === undefined || totalFen === undefined) throw unavailable('bad_response', 'alipay.trade.fastpay.refund.query: refund_amount or total_amount missing');
      const result: AlipayRefundQuery = { outTradeNo, outRequestNo, refundFen, totalFen };
      const at = beijingToIso(a.gmt_refund_pay);
      if (at) result.refundedAt = at;
      return result;
    },

    async billDownloadUrl({ billType, billDate }) {
      if (billType !== 'trade' && billType !== 'signcustomer') throw invalidInput("billType: 'trade' or 'signcustomer'");
      if (typeof billDate !== 'string' || !/^\d{4}-\d{2}(-\d{2})?$/.test(billDate)) throw invalidInput('billDate: yyyy-MM-dd or yyyy-MM (Beijing calendar)');
      const a = await exec('alipay.data.dataservice.bill.downloadurl.query', { bizContent: { bill_type: billType, bill_date: billDate } });
      if (!str(a.bill_download_url)) throw unavailable('bad_response', 'alipay.data.dataservice.bill.downloadurl.query: no bill_download_url');
      return { url: a.bill_download_url };
    },

    async downloadBill(url) {
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      } catch (err) {
        const name = (err as Error)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') throw unavailable('timeout', 'bill download timed out');
        throw unavailable((err as { cause?: { code?: string } })?.cause?.code ?? 'network', 'bill download failed');
      }
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status === 403 || res.status === 404 || res.status === 410) {
        throw new AdapterError('alipay', 'rejected', 'bill_url_expired', `bill download answered HTTP ${res.status}: ask for a new URL`);
      }
      if (res.status !== 200) throw unavailable(`http_${res.status}`, `bill download answered HTTP ${res.status}`);
      return parseBillZip(body);
    },

    verifyNotification(form) {
      let signed = false;
      try {
        signed = gateway.sdk().checkNotifySignV2(form);
      } catch {
        signed = false;
      }
      // RSA2 only: a form naming another sign_type is not one we asked for.
      if (form.sign_type !== undefined && form.sign_type !== 'RSA2') signed = false;
      if (!signed) return { ok: false, reason: 'bad_signature', message: 'the notification signature does not verify with the Alipay public key' };
      if (form.app_id !== options.appId) return { ok: false, reason: 'wrong_app', message: 'the notification is for another app_id' };
      if (options.sellerId && form.seller_id !== options.sellerId) return { ok: false, reason: 'wrong_seller', message: 'the notification is for another seller_id' };
      const n = readNotification(form);
      if (typeof n === 'string') return { ok: false, reason: 'invalid', message: n };
      return { ok: true, notification: n };
    },
  };
}
