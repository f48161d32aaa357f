import type { PaymentChannel, PayParams } from '@onevisit/shared-types';

/**
 * One payment channel (WeChat Pay JSAPI or H5, Alipay) as the payments service needs it. The
 * bridges to the protocol adapters live beside this file; the service never sees a protocol.
 */
export interface PrepareInput {
  orderNo: string;
  amountFen: number;
  /** What the payer sees in their bill. */
  description: string;
  expiresAt: Date;
  notifyUrl: string;
  /** WeChat openid (JSAPI) or Alipay user id of the payer, when the channel needs one. */
  payerId?: string;
  /** The payer's IP (WeChat H5 scene info). */
  clientIp?: string;
}

/** What the channel says an order is, by query or notification. */
export interface ChannelPayment {
  orderNo: string;
  state: 'paid' | 'unpaid' | 'closed' | 'refunded' | 'unknown_order';
  transactionId?: string;
  /** What was actually paid, in fen. */
  amountFen?: number;
  paidAt?: Date;
  /** The merchant and app the channel booked it under (checked against ours). */
  merchantId?: string;
  appId?: string;
}

export interface ChannelRefund {
  orderNo: string;
  refundNo: string;
  state: 'success' | 'processing' | 'failed';
  amountFen: number;
  refundedAt?: Date;
}

export type ChannelNotice = { kind: 'payment'; payment: ChannelPayment } | { kind: 'refund'; refund: ChannelRefund };

export type NoticeVerdict = { ok: true; notice: ChannelNotice } | { ok: false; reason: string };

/** How the channel wants a notification answered (WeChat: status + JSON; Alipay: the text `success`). */
export interface NoticeAnswer {
  status: number;
  type: string;
  body: string;
}

export interface BillLine {
  orderNo: string;
  transactionId: string;
  kind: 'payment' | 'refund';
  amountFen: number;
}

export interface PaymentGateway {
  readonly channel: PaymentChannel;
  /** The merchant id and app id our orders are booked under. */
  readonly merchantId: string;
  readonly appId: string;
  prepare(input: PrepareInput): Promise<PayParams>;
  query(orderNo: string): Promise<ChannelPayment>;
  close(orderNo: string): Promise<void>;
  refund(input: { orderNo: string; refundNo: string; amountFen: number; totalFen: number; reason: string; notifyUrl: string }): Promise<ChannelRefund>;
  /** Verifies and decodes a notification from its raw bytes and headers. Refusals are verdicts, not throws. */
  readNotice(raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<NoticeVerdict>;
  answer(accepted: boolean): NoticeAnswer;
  /** The day's trade bill (Asia/Shanghai date), its hash checked. */
  tradeBill(billDate: string): Promise<BillLine[]>;
}
