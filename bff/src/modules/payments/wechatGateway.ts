import type { PaymentChannel, PayParams } from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import { WECHATPAY_NOTIFY_REFUSAL, type WechatPayClient, type WechatPayRefund, type WechatPayTransaction } from '../../adapters/wechatpay';
import type { BillLine, ChannelPayment, ChannelRefund, NoticeAnswer, NoticeVerdict, PaymentGateway, PrepareInput } from './gateway';

const PAID: Record<string, ChannelPayment['state']> = {
  SUCCESS: 'paid',
  NOTPAY: 'unpaid',
  USERPAYING: 'unpaid',
  PAYERROR: 'unpaid',
  CLOSED: 'closed',
  REVOKED: 'closed',
  REFUND: 'refunded',
};
const REFUNDED: Record<string, ChannelRefund['state']> = { SUCCESS: 'success', PROCESSING: 'processing', ABNORMAL: 'failed', CLOSED: 'failed' };

function payment(t: WechatPayTransaction): ChannelPayment {
  return {
    orderNo: t.outTradeNo,
    state: PAID[t.tradeState] ?? 'unpaid',
    transactionId: t.transactionId,
    amountFen: t.amount.totalFen,
    paidAt: t.successTime ? new Date(t.successTime) : undefined,
    merchantId: t.mchId,
    appId: t.appId,
  };
}

function refund(r: WechatPayRefund): ChannelRefund {
  return { orderNo: r.outTradeNo, refundNo: r.outRefundNo, state: REFUNDED[r.status] ?? 'processing', amountFen: r.amount.refundFen, refundedAt: r.successTime ? new Date(r.successTime) : undefined };
}

/**
 * WeChat Pay v3 behind the payments service: JSAPI in the WeChat mini-program, H5 (MWEB) in a
 * browser. One client serves both; the two gateways differ only in how an order is prepared.
 */
export function wechatGateway(client: WechatPayClient, ids: { mchId: string; appId: string }, mode: 'jsapi' | 'h5'): PaymentGateway {
  const channel: PaymentChannel = mode === 'jsapi' ? 'wechat' : 'wechat_h5';
  return {
    channel,
    merchantId: ids.mchId,
    appId: ids.appId,
    async prepare(input: PrepareInput): Promise<PayParams> {
      const common = { outTradeNo: input.orderNo, description: input.description, amountFen: input.amountFen, notifyUrl: input.notifyUrl, timeExpire: input.expiresAt };
      if (mode === 'h5') {
        const { h5Url } = await client.h5Prepay({ ...common, clientIp: input.clientIp ?? '127.0.0.1' });
        return { kind: 'wechat_h5', h5Url };
      }
      if (!input.payerId) throw new AdapterError('wechatpay', 'rejected', 'NO_PAYER', 'JSAPI needs the payer openid');
      const { requestPayment } = await client.jsapiPrepay({ ...common, payerOpenid: input.payerId });
      return { kind: 'wechat_jsapi', params: requestPayment };
    },
    async query(orderNo) {
      try {
        return payment(await client.queryByOutTradeNo(orderNo));
      } catch (err) {
        if (err instanceof AdapterError && err.upstreamCode === 'ORDER_NOT_EXIST') return { orderNo, state: 'unknown_order' };
        throw err;
      }
    },
    async close(orderNo) {
      await client.close(orderNo);
    },
    async refund(input) {
      return refund(await client.refund({ outTradeNo: input.orderNo, outRefundNo: input.refundNo, refundFen: input.amountFen, totalFen: input.totalFen, reason: input.reason, notifyUrl: input.notifyUrl }));
    },
    async readNotice(raw, headers): Promise<NoticeVerdict> {
      const n = client.parseNotification(raw, headers);
      if (!n.ok) return { ok: false, reason: n.reason };
      return n.kind === 'transaction' ? { ok: true, notice: { kind: 'payment', payment: payment(n.transaction) } } : { ok: true, notice: { kind: 'refund', refund: refund(n.refund) } };
    },
    answer(accepted): NoticeAnswer {
      // WeChat Pay wants 200/204 for "received"; anything else (with {code,message}) is retried.
      if (accepted) return { status: 204, type: 'text/plain', body: '' };
      const refusal = WECHATPAY_NOTIFY_REFUSAL.bad_signature;
      return { status: refusal.status, type: 'application/json', body: JSON.stringify({ code: 'FAIL', message: 'refused' }) };
    },
    async tradeBill(billDate): Promise<BillLine[]> {
      const bill = await client.tradeBill(billDate);
      return bill.rows.map((r) =>
        r.tradeState === 'REFUND'
          ? { orderNo: r.outTradeNo, transactionId: r.transactionId, kind: 'refund' as const, amountFen: r.refundFen }
          : { orderNo: r.outTradeNo, transactionId: r.transactionId, kind: 'payment' as const, amountFen: r.settlementTotalFen },
      );
    },
  };
}
