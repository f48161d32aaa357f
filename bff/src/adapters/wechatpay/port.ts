/**
 * WeChat Pay API v3 (直连商户, JSAPI / mini-program payment) as a port. Amounts are integer fen
 * everywhere; times are WeChat's RFC 3339 strings with their offset (`2025-01-01T10:00:00+08:00`).
 * The real client is `./client.ts`; notifications are read with `./notification.ts`; the simulator
 * is `sim/wechatpay.ts`.
 */
import { z } from 'zod';
import type { WechatPayRequestPayment } from './crypto';

export type { WechatPayRequestPayment } from './crypto';

export const WECHATPAY_TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
export type WechatPayTradeState = (typeof WECHATPAY_TRADE_STATES)[number];

export const WECHATPAY_REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;
export type WechatPayRefundStatus = (typeof WECHATPAY_REFUND_STATUSES)[number];

/** A payment as the query API and the TRANSACTION.SUCCESS notification describe it. */
export interface WechatPayTransaction {
  appId: string;
  mchId: string;
  outTradeNo: string;
  /** WeChat's order number; absent until paid. */
  transactionId?: string;
  tradeType?: string;
  tradeState: WechatPayTradeState;
  tradeStateDesc?: string;
  bankType?: string;
  attach?: string;
  successTime?: string;
  payerOpenid?: string;
  amount: {
    /** The order amount in fen (WeChat may leave it out of an unpaid order's answer). */
    totalFen?: number;
    /** What the payer paid, after coupons. */
    payerTotalFen?: number;
    currency?: string;
    payerCurrency?: string;
  };
}

/** A refund as the refund APIs and the REFUND.* notifications describe it. */
export interface WechatPayRefund {
  /** Present in notifications. */
  mchId?: string;
  refundId: string;
  outRefundNo: string;
  transactionId: string;
  outTradeNo: string;
  status: WechatPayRefundStatus;
  channel?: string;
  userReceivedAccount?: string;
  fundsAccount?: string;
  createTime?: string;
  successTime?: string;
  amount: {
    totalFen: number;
    refundFen: number;
    payerTotalFen?: number;
    payerRefundFen?: number;
    currency?: string;
  };
}

export interface WechatPayJsapiInput {
  /** 6–32 characters of [0-9A-Za-z_-] (see OUT_TRADE_NO), unique per merchant: our payment number. */
  outTradeNo: string;
  /** What the payer sees in their WeChat bill, ≤ 127 characters. */
  description: string;
  amountFen: number;
  payerOpenid: string;
  /** Where WeChat Pay POSTs the TRANSACTION.SUCCESS notification (https, no query string). */
  notifyUrl: string;
  /** Returned as is in queries and the notification, ≤ 128 characters. */
  attach?: string;
  /** The last moment the payer can pay. */
  timeExpire?: Date;
}

/** H5 payment (in a phone browser outside WeChat): no openid; WeChat wants the payer's IP. */
export interface WechatPayH5Input extends Omit<WechatPayJsapiInput, 'payerOpenid'> {
  /** The payer's IP as our edge saw it (IPv4 or IPv6). */
  clientIp: string;
  /** h5_info.type; default Wap. */
  h5Type?: 'Wap' | 'iOS' | 'Android';
  /** h5_info.app_name / app_url (Wap: the site's name and URL). */
  appName?: string;
  appUrl?: string;
}

export interface WechatPayPrepay {
  /** Valid two hours; the same order again returns one as long as its parameters are the same. */
  prepayId: string;
  /** For `wx.requestPayment`, signed with our merchant key. */
  requestPayment: WechatPayRequestPayment;
}

export interface WechatPayRefundInput {
  outTradeNo: string;
  /** 1–64 characters of [0-9A-Za-z_-] (see OUT_REFUND_NO); the same number again never refunds twice. */
  outRefundNo: string;
  refundFen: number;
  /** The original order amount (WeChat checks it). */
  totalFen: number;
  /** Shown to the payer, ≤ 80 characters. */
  reason?: string;
  /** Where the REFUND.* notification goes; unset → the one configured on the merchant platform. */
  notifyUrl?: string;
}

/** One line of a trade bill (ALL): a payment (SUCCESS) or a refund (REFUND). Money in fen. */
export interface WechatPayTradeBillRow {
  /** `yyyy-MM-dd HH:mm:ss`, Beijing time. */
  tradeTime: string;
  appId: string;
  mchId: string;
  subMchId: string;
  deviceInfo: string;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  tradeType: string;
  /** SUCCESS for a payment line, REFUND for a refund line (REVOKED …). */
  tradeState: string;
  bankType: string;
  currency: string;
  /** 应结订单金额. */
  settlementTotalFen: number;
  /** 代金券金额. */
  couponFen: number;
  refundId: string;
  outRefundNo: string;
  /** 退款金额. */
  refundFen: number;
  /** 充值券退款金额. */
  rechargeCouponRefundFen: number;
  refundType: string;
  refundStatus: string;
  description: string;
  attach: string;
  /** 手续费, as printed (yuan; may carry more than two decimals). */
  fee: string;
  feeRate: string;
  /** 订单金额. */
  orderTotalFen: number;
  /** 申请退款金额. */
  requestedRefundFen: number;
  feeRateNote: string;
}

export interface WechatPayTradeBillSummary {
  count: number;
  settlementTotalFen: number;
  refundTotalFen: number;
  rechargeCouponRefundTotalFen: number;
  /** 手续费总金额, as printed. */
  feeTotal: string;
  orderTotalFen: number;
  requestedRefundTotalFen: number;
}

export interface WechatPayTradeBill {
  /** `yyyy-MM-dd`. */
  billDate: string;
  rows: WechatPayTradeBillRow[];
  summary: WechatPayTradeBillSummary;
  /** The SHA1 WeChat announced, which the downloaded file matched. */
  sha1: string;
  /** The file as downloaded (UTF-8). */
  raw: string;
}

export interface WechatPayPort {
  /** `POST /v3/pay/transactions/jsapi` → prepay_id, plus the signed wx.requestPayment parameters. */
  jsapiPrepay(input: WechatPayJsapiInput): Promise<WechatPayPrepay>;
  /**
   * `POST /v3/pay/transactions/h5` → h5_url (valid 5 minutes), where the browser goes to pay. Append
   * `&redirect_url=<urlencoded>` to come back (WeChat returns there whatever happened: query after).
   */
  h5Prepay(input: WechatPayH5Input): Promise<{ h5Url: string }>;
  /** `GET /v3/pay/transactions/out-trade-no/{no}?mchid=`. Unknown → 'rejected' ORDER_NOT_EXIST. */
  queryByOutTradeNo(outTradeNo: string): Promise<WechatPayTransaction>;
  /** `POST /v3/pay/transactions/out-trade-no/{no}/close`. Paid → 'rejected' ORDERPAID. */
  close(outTradeNo: string): Promise<void>;
  /** `POST /v3/refund/domestic/refunds`. Usually answers PROCESSING; the outcome comes by notification or query. */
  refund(input: WechatPayRefundInput): Promise<WechatPayRefund>;
  /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. Unknown → 'rejected' RESOURCE_NOT_EXISTS. */
  queryRefund(outRefundNo: string): Promise<WechatPayRefund>;
  /**
   * `GET /v3/bill/tradebill?bill_date=&bill_type=ALL`, then the file, whose SHA1 must match.
   * No trade that day → 'rejected' NO_STATEMENT_EXIST; not generated yet → 'unavailable' STATEMENT_CREATING.
   */
  tradeBill(billDate: string): Promise<WechatPayTradeBill>;
}

// ---- wire schemas (WeChat's field names) and their translation ----

const fen = z.number().int().nonnegative();
const opt = z.string().optional();

export const TransactionWireSchema = z.object({
  appid: z.string().min(1),
  mchid: z.string().min(1),
  out_trade_no: z.string().min(1),
  transaction_id: opt,
  trade_type: opt,
  trade_state: z.enum(WECHATPAY_TRADE_STATES),
  trade_state_desc: opt,
  bank_type: opt,
  attach: opt,
  success_time: opt,
  payer: z.object({ openid: opt }).optional(),
  amount: z
    .object({ total: fen.optional(), payer_total: fen.optional(), currency: opt, payer_currency: opt })
    .optional(),
});

export function toTransaction(w: z.infer<typeof TransactionWireSchema>): WechatPayTransaction {
  const amount = w.amount ?? {};
  return strip({
    appId: w.appid,
    mchId: w.mchid,
    outTradeNo: w.out_trade_no,
    transactionId: w.transaction_id || undefined,
    tradeType: w.trade_type || undefined,
    tradeState: w.trade_state,
    tradeStateDesc: w.trade_state_desc,
    bankType: w.bank_type || undefined,
    attach: w.attach || undefined,
    successTime: w.success_time || undefined,
    payerOpenid: w.payer?.openid || undefined,
    amount: strip({ totalFen: amount.total, payerTotalFen: amount.payer_total, currency: amount.currency, payerCurrency: amount.payer_currency }),
  });
}

const refundAmount = z.object({
  total: fen,
  refund: fen,
  payer_total: fen.optional(),
  payer_refund: fen.optional(),
  currency: opt,
});

/** The refund API's answer (`status`). */
export const RefundWireSchema = z.object({
  refund_id: z.string().min(1),
  out_refund_no: z.string().min(1),
  transaction_id: z.string().min(1),
  out_trade_no: z.string().min(1),
  status: z.enum(WECHATPAY_REFUND_STATUSES),
  channel: opt,
  user_received_account: opt,
  funds_account: opt,
  create_time: opt,
  success_time: opt,
  amount: refundAmount,
});

/** The REFUND.* notification's resource (`refund_status`, `mchid`). */
export const RefundNoticeWireSchema = z.object({
  mchid: z.string().min(1),
  refund_id: z.string().min(1),
  out_refund_no: z.string().min(1),
  transaction_id: z.string().min(1),
  out_trade_no: z.string().min(1),
  refund_status: z.enum(WECHATPAY_REFUND_STATUSES),
  user_received_account: opt,
  success_time: opt,
  amount: refundAmount,
});

export function toRefund(w: z.infer<typeof RefundWireSchema> | z.infer<typeof RefundNoticeWireSchema>): WechatPayRefund {
  const isNotice = 'refund_status' in w;
  return strip({
    mchId: isNotice ? w.mchid : undefined,
    refundId: w.refund_id,
    outRefundNo: w.out_refund_no,
    transactionId: w.transaction_id,
    outTradeNo: w.out_trade_no,
    status: isNotice ? w.refund_status : w.status,
    channel: isNotice ? undefined : w.channel,
    userReceivedAccount: w.user_received_account || undefined,
    fundsAccount: isNotice ? undefined : w.funds_account,
    createTime: isNotice ? undefined : w.create_time || undefined,
    successTime: w.success_time || undefined,
    amount: strip({ totalFen: w.amount.total, refundFen: w.amount.refund, payerTotalFen: w.amount.payer_total, payerRefundFen: w.amount.payer_refund, currency: w.amount.currency }),
  });
}

/** Drops undefined fields (so results compare cleanly and serialise without noise). */
function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Our order numbers: WeChat also allows `|`, `*` (and `@` in refund numbers), but these numbers
 * travel in URL paths, where fetch percent-encodes `|` after the library signed it raw — so the
 * client keeps to the characters that survive unchanged.
 */
export const OUT_TRADE_NO = /^[0-9A-Za-z_-]{6,32}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_-]{1,64}$/;
export const BILL_DATE = /^\d{4}-\d{2}-\d{2}$/;
