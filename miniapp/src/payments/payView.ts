import {
  formatFen,
  PAYMENT_CHANNEL_NAMES,
  PAYMENT_STATE_NAMES,
  REFUND_STATE_NAMES,
  type PaymentChannel,
  type PaymentOrder,
  type PaymentState,
  type RefundState,
} from '@onevisit/shared-types/client';
import type { PaymentOutcome } from '../api/payments';
import { PAY_ROOT } from '../utils/routes';

export type Platform = 'weapp' | 'alipay' | 'h5';
export type Tone = 'blue' | 'green' | 'orange' | 'red' | 'gray';

/** The channel each build pays with: WeChat Pay JSAPI, Alipay, WeChat Pay's H5 cashier in a browser. */
export function channelFor(platform: Platform): PaymentChannel {
  return platform === 'weapp' ? 'wechat' : platform === 'alipay' ? 'alipay' : 'wechat_h5';
}

/** `¥20.00` from integer fen (shared-types `formatFen`: the one place money becomes yuan). */
export const yuan = (fen: number): string => formatFen(fen);

export function channelName(channel: PaymentChannel): string {
  return PAYMENT_CHANNEL_NAMES[channel] ?? channel;
}
export function paymentStateName(state: PaymentState): string {
  return PAYMENT_STATE_NAMES[state] ?? state;
}
export function refundStateName(state: RefundState): string {
  return REFUND_STATE_NAMES[state] ?? state;
}

export function paymentTone(state: PaymentState): Tone {
  switch (state) {
    case 'paid':
      return 'green';
    case 'paying':
      return 'orange';
    case 'refunding':
    case 'refunded':
    case 'flagged':
      return 'blue';
    default:
      return 'gray';
  }
}
export function refundTone(state: RefundState): Tone {
  return state === 'success' ? 'green' : state === 'failed' ? 'red' : 'blue';
}

const LINE_NAMES = { item_fee: '办理费用', postage: '邮寄费' } as const;

export interface FeeLineView {
  key: string;
  /** What is paid for: 办理费用 / 邮寄费. */
  label: string;
  /** The catalogue's wording (the charging rule, e.g. "每证20元…"), when it says more than the label. */
  note?: string;
  amount: string;
}

/** The fee lines as shown, and the total: the order's amount as the BFF computed it (never summed here). */
export function feeLines(order: Pick<PaymentOrder, 'lines' | 'amountFen'>): { lines: FeeLineView[]; total: string } {
  return {
    lines: order.lines.map((l, i) => {
      const label = LINE_NAMES[l.kind] ?? '费用';
      const note = l.description.trim();
      return { key: `${l.kind}-${i}`, label, ...(note && note !== label ? { note } : {}), amount: yuan(l.amountFen) };
    }),
    total: yuan(order.amountFen),
  };
}

// ---- the H5 cashier's way back ----

/** Where the WeChat Pay H5 cashier returns: this app's result page for the order (hash router). */
export function h5ResultUrl(location: { origin: string; pathname: string }, orderNo: string): string {
  return `${location.origin}${location.pathname || '/'}#/${PAY_ROOT}/result/index?orderNo=${encodeURIComponent(orderNo)}`;
}

/**
 * The cashier URL with WeChat's `redirect_url` (URL-encoded, as WeChat Pay H5 wants it) added
 * after whatever query the URL already has; a fragment stays last.
 */
export function h5CashierUrl(h5Url: string, returnUrl: string): string {
  const hashAt = h5Url.indexOf('#');
  const base = hashAt < 0 ? h5Url : h5Url.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : h5Url.slice(hashAt);
  const sep = base.includes('?') ? (/[?&]$/.test(base) ? '' : '&') : '?';
  return `${base}${sep}redirect_url=${encodeURIComponent(returnUrl)}${hash}`;
}

// ---- what the platforms' payment sheets answered ----

/**
 * wx.requestPayment: resolves when paid; rejects with `requestPayment:fail cancel` when the payer
 * closed the sheet; any other failure leaves the result unknown (the BFF asks WeChat Pay).
 */
export function wechatOutcome(result: { ok: true } | { ok: false; errMsg?: string }): PaymentOutcome {
  if (result.ok) return 'success';
  return /cancel/i.test(result.errMsg ?? '') ? 'cancelled' : 'unknown';
}

/**
 * my.tradePay's resultCode: 9000 paid, 6001 cancelled by the payer; 8000 and 6004 (processing,
 * unknown), 6002 (network) and 4000 (failed) are settled by asking Alipay.
 */
export function alipayOutcome(resultCode: string | number | undefined): PaymentOutcome {
  const code = String(resultCode ?? '');
  if (code === '9000') return 'success';
  if (code === '6001') return 'cancelled';
  return 'unknown';
}

/** The result page's `outcome` query: the mini-programs pass the sheet's word; the H5 cashier's return has none. */
export function parseOutcome(raw: string | undefined): PaymentOutcome {
  return raw === 'success' || raw === 'cancelled' ? raw : 'unknown';
}

// ---- confirming the result ----

export interface PollSchedule {
  /** The first wait, ms. */
  firstMs: number;
  /** Each wait is the previous times this… */
  factor: number;
  /** …up to this, ms. */
  maxMs: number;
  /** All waits together, ms: the schedule stops there. */
  totalMs: number;
}

/** About 30 s: 1 s, 1.5 s, 2.25 s, 3.4 s, then every 5 s. */
export const DEFAULT_POLL: PollSchedule = { firstMs: 1000, factor: 1.5, maxMs: 5000, totalMs: 30_000 };

/**
 * The waits between two reads of a paying order: growing by `factor`, capped at `maxMs`, summing
 * to exactly `totalMs` (the last wait is shortened). Bounded: at most totalMs / firstMs waits.
 */
export function pollDelays(s: PollSchedule = DEFAULT_POLL): number[] {
  const delays: number[] = [];
  if (s.firstMs <= 0 || s.totalMs <= 0) return delays;
  let next = Math.min(s.firstMs, s.maxMs);
  let sum = 0;
  while (sum < s.totalMs) {
    const d = Math.round(Math.min(next, s.totalMs - sum));
    if (d <= 0) break;
    delays.push(d);
    sum += d;
    next = Math.min(next * Math.max(1, s.factor), s.maxMs);
  }
  return delays;
}

/**
 * What the result page says about an order: still confirming (`paying` while polling), paid,
 * not found yet (`paying` once the schedule is over), closed (pay again), or money going back.
 */
export type ResultKind = 'checking' | 'paid' | 'timeout' | 'closed' | 'refund' | 'flagged';

/** Whether polling can stop: anything but `paying` is a settled answer. */
export function isSettled(state: PaymentState): boolean {
  return state !== 'paying';
}

export function resultKind(state: PaymentState | undefined, pollingOver: boolean): ResultKind {
  switch (state) {
    case 'paid':
      return 'paid';
    case 'closed':
      return 'closed';
    case 'refunding':
    case 'refunded':
      return 'refund';
    case 'flagged':
      return 'flagged';
    default:
      return pollingOver ? 'timeout' : 'checking';
  }
}

export const RESULT_TEXT: Record<ResultKind, { title: string; text: string }> = {
  checking: { title: '支付结果确认中…', text: '正在向支付机构查询本次支付的结果，请稍候，不要重复付款。' },
  paid: { title: '缴费成功', text: '费用已到账，办件将继续办理，进度会通过消息通知您。' },
  timeout: { title: '未查询到支付结果', text: '暂未查询到本次支付的结果。如已付款，结果可能稍有延迟，请稍后重新查询；如未付款，可返回办件重新缴费。' },
  closed: { title: '订单已关闭，请重新缴费', text: '本次支付未完成，订单已关闭，没有扣款。请返回重新缴费。' },
  refund: { title: '该笔费用已办理退款', text: '款项将原路退回您的付款账户，到账时间以支付机构为准。' },
  flagged: { title: '订单关闭后到账，将自动退款', text: '该订单关闭后才收到付款，款项将原路退回，请重新缴费。' },
};
