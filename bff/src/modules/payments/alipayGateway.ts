import { alipayNotifyAnswer, parseAlipayNotifyForm, type AlipayNotification, type AlipayPaymentsPort, type AlipayTrade } from '../../adapters/alipay/payments';
import type { BillLine, ChannelPayment, NoticeVerdict, PaymentGateway, PrepareInput } from './gateway';

const PAID: Record<string, ChannelPayment['state']> = { TRADE_SUCCESS: 'paid', TRADE_FINISHED: 'paid', WAIT_BUYER_PAY: 'unpaid', TRADE_CLOSED: 'closed' };

function payment(t: Pick<AlipayTrade, 'outTradeNo' | 'tradeNo' | 'status' | 'totalFen' | 'paidAt'>, appId?: string): ChannelPayment {
  return { orderNo: t.outTradeNo, state: PAID[t.status] ?? 'unpaid', transactionId: t.tradeNo, amountFen: t.totalFen, paidAt: t.paidAt ? new Date(t.paidAt) : undefined, appId };
}

/** A refund shows up as a notification with a cumulative refund_fee (out_biz_no names our refund). */
function refundNotice(n: AlipayNotification): NoticeVerdict {
  return {
    ok: true,
    notice: { kind: 'refund', refund: { orderNo: n.outTradeNo, refundNo: n.outBizNo!, state: 'success', amountFen: n.refundedTotalFen!, refundedAt: n.refundedAt ? new Date(n.refundedAt) : undefined } },
  };
}

/** Alipay behind the payments service: alipay.trade.create for my.tradePay in the Alipay mini-program. */
export function alipayGateway(client: AlipayPaymentsPort, ids: { sellerId: string; appId: string }): PaymentGateway {
  return {
    channel: 'alipay',
    merchantId: ids.sellerId,
    appId: ids.appId,
    async prepare(input: PrepareInput) {
      const { tradeNo } = await client.createTrade({ outTradeNo: input.orderNo, amountFen: input.amountFen, subject: input.description, buyerId: input.payerId, expiresAt: input.expiresAt, notifyUrl: input.notifyUrl });
      return { kind: 'alipay_trade', tradeNo };
    },
    async query(orderNo) {
      const trade = await client.queryTrade(orderNo);
      return trade ? payment(trade) : { orderNo, state: 'unknown_order' };
    },
    async close(orderNo) {
      await client.closeTrade(orderNo);
    },
    async refund(input) {
      const r = await client.refund({ outTradeNo: input.orderNo, outRequestNo: input.refundNo, amountFen: input.amountFen, reason: input.reason });
      return { orderNo: input.orderNo, refundNo: input.refundNo, state: 'success', amountFen: input.amountFen, refundedAt: r.refundedAt ? new Date(r.refundedAt) : undefined };
    },
    async readNotice(raw): Promise<NoticeVerdict> {
      const verdict = client.verifyNotification(parseAlipayNotifyForm(raw));
      if (!verdict.ok) return { ok: false, reason: verdict.reason };
      const n = verdict.notification;
      if (n.outBizNo && n.refundedTotalFen !== undefined) return refundNotice(n);
      return { ok: true, notice: { kind: 'payment', payment: payment({ outTradeNo: n.outTradeNo, tradeNo: n.tradeNo, status: n.tradeStatus, totalFen: n.totalFen, paidAt: n.paidAt }, n.appId) } };
    },
    answer: alipayNotifyAnswer,
    async tradeBill(billDate): Promise<BillLine[]> {
      const { url } = await client.billDownloadUrl({ billType: 'trade', billDate });
      const bill = await client.downloadBill(url);
      return bill.rows
        .filter((r) => r.type === '交易' || r.type === '退款')
        .map((r) => ({ orderNo: r.outTradeNo, transactionId: r.tradeNo, kind: r.type === '交易' ? ('payment' as const) : ('refund' as const), amountFen: Math.abs(r.receivedFen) }));
    },
  };
}
