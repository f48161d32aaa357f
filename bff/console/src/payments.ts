/**
 * Payments in the console, the pure part (no React, no fetch): a case's orders and refunds as the
 * desk shows them, and the reconciliation page's dates, URL filter and amounts. Unit-tested in
 * payments.test.ts.
 */
import { PAYMENT_CHANNEL_NAMES, formatFen, isCalendarDate } from '@onevisit/shared-types/client';
import type { FeeLine, PaymentOrder, PaymentState, ReconciliationMismatch, RefundState } from '@onevisit/shared-types/client';
import { todayInShanghai } from './format';
import type { StateTone } from './cases';

// ---- amounts ----

/** `¥20.00`; `—` where there is no amount (a bill line we have no order for, or the reverse). */
export function fenText(fen: number | null | undefined): string {
  return fen == null || !Number.isInteger(fen) ? '—' : formatFen(fen);
}

const FEE_LINE_NAMES: Record<FeeLine['kind'], string> = { item_fee: '事项费用', postage: '邮寄费' };

/**
 * A fee line for display: its kind's name (`事项费用`, `邮寄费`), the server's description when it
 * says more than the name (the catalogue's fee text can be long), and the amount.
 */
export function feeLineView(line: FeeLine): { name: string; description: string | null; amount: string } {
  const name = FEE_LINE_NAMES[line.kind] ?? line.kind;
  const description = line.description.trim();
  return { name, description: description && description !== name ? description : null, amount: fenText(line.amountFen) };
}

// ---- orders and refunds ----

export function paymentTone(state: PaymentState): StateTone {
  switch (state) {
    case 'paid':
      return 'ok';
    case 'paying':
      return 'progress';
    case 'refunding':
      return 'warn';
    case 'flagged':
      return 'bad';
    default:
      return 'muted'; // closed, refunded
  }
}

export function refundTone(state: RefundState): StateTone {
  return state === 'success' ? 'ok' : state === 'failed' ? 'bad' : 'warn';
}

/** Newest order first (a case may have a closed order and a later paid one); ties by order number. */
export function sortOrders(orders: readonly PaymentOrder[]): PaymentOrder[] {
  return [...orders].sort((a, b) => (a.createdAt === b.createdAt ? a.orderNo.localeCompare(b.orderNo) : a.createdAt < b.createdAt ? 1 : -1));
}

export interface PaymentTotals {
  /** What the channels took: every order with a payment time (a late payment to a closed order too). */
  receivedFen: number;
  /** Refunds that succeeded. */
  refundedFen: number;
  /** Refunds still at the channel. */
  refundingFen: number;
  /** Received minus refunded. */
  netFen: number;
}

export function paymentTotals(orders: readonly PaymentOrder[]): PaymentTotals {
  let receivedFen = 0;
  let refundedFen = 0;
  let refundingFen = 0;
  for (const o of orders) {
    if (o.paidAt) receivedFen += o.amountFen;
    for (const r of o.refunds) {
      if (r.state === 'success') refundedFen += r.amountFen;
      else if (r.state === 'processing') refundingFen += r.amountFen;
    }
  }
  return { receivedFen, refundedFen, refundingFen, netFen: receivedFen - refundedFen };
}

/** The channel's name, `微信支付`; the raw code for one this build does not know. */
export function channelName(channel: string): string {
  return (PAYMENT_CHANNEL_NAMES as Record<string, string>)[channel] ?? channel;
}

// ---- reconciliation ----

/** The channels whose daily bill the console can reconcile again (WeChat's bill covers H5 payments too). */
export const RECONCILABLE_CHANNELS = ['wechat', 'alipay'] as const;
export type ReconcilableChannel = (typeof RECONCILABLE_CHANNELS)[number];

/** `YYYY-MM-DD` plus `days` (negative: back), calendar arithmetic without time zones. */
export function addDays(date: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days)).toISOString().slice(0, 10);
}

/** Yesterday in Beijing time: the newest day whose bills the channels have published. */
export function yesterdayInShanghai(now = new Date()): string {
  return addDays(todayInShanghai(now), -1);
}

/**
 * A bill can be reconciled again once the channel has published it: the day must be over in
 * Beijing time (WeChat Pay and Alipay generate the previous day's bill in the morning).
 */
export function canRunBill(billDate: string | null, now = new Date()): boolean {
  return billDate !== null && isCalendarDate(billDate) && billDate < todayInShanghai(now);
}

/** The reconciliation page's filter: `billDate` null means every day. */
export interface ReconFilter {
  billDate: string | null;
  page: number;
}

/** Reads `?date=2025-03-06&page=2` (`date=all`: every day); no date or a bad one means yesterday in Beijing time. */
export function parseReconFilter(search: string, now = new Date()): ReconFilter {
  const params = new URLSearchParams(search);
  const date = params.get('date');
  const today = todayInShanghai(now);
  let billDate: string | null = yesterdayInShanghai(now);
  if (date === 'all') billDate = null;
  else if (date && isCalendarDate(date) && date <= today) billDate = date;
  const page = Number(params.get('page'));
  return { billDate, page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1 };
}

export function reconHref(filter: ReconFilter): string {
  const params = new URLSearchParams();
  params.set('date', filter.billDate ?? 'all');
  if (filter.page > 1) params.set('page', String(filter.page));
  return `#/reconciliation?${params.toString()}`;
}

/** The bill's amount minus ours (`+¥10.00`: the bill says more); null unless both sides have one. */
export function mismatchDifference(m: Pick<ReconciliationMismatch, 'ourAmountFen' | 'billAmountFen'>): string | null {
  if (m.ourAmountFen == null || m.billAmountFen == null) return null;
  const diff = m.billAmountFen - m.ourAmountFen;
  if (diff === 0) return null;
  return diff > 0 ? `+${formatFen(diff)}` : formatFen(diff);
}
