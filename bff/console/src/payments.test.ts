import { describe, expect, it } from '@jest/globals';
import type { PaymentOrder } from '@onevisit/shared-types/client';
import {
  addDays,
  canRunBill,
  channelName,
  feeLineView,
  fenText,
  mismatchDifference,
  parseReconFilter,
  paymentTone,
  paymentTotals,
  reconHref,
  refundTone,
  sortOrders,
  yesterdayInShanghai,
} from './payments';

// 2025-03-07 01:30 in Beijing, still 2025-03-06 in UTC.
const EARLY_MORNING = new Date('2025-03-06T17:30:00Z');
// 2025-03-07 23:30 in Beijing.
const LATE_EVENING = new Date('2025-03-07T15:30:00Z');

function order(over: Partial<PaymentOrder> = {}): PaymentOrder {
  return {
    orderNo: 'P20250307100000AAAA0001',
    caseNo: '11430000006940002L070001002001202503070001',
    channel: 'wechat',
    state: 'paid',
    amountFen: 3000,
    lines: [
      { kind: 'item_fee', description: '居民身份证换领工本费', amountFen: 2000 },
      { kind: 'postage', description: '', amountFen: 1000 },
    ],
    createdAt: '2025-03-07T02:00:00.000Z',
    expiresAt: '2025-03-07T02:30:00.000Z',
    paidAt: '2025-03-07T02:01:00.000Z',
    transactionId: '4200000001',
    refunds: [],
    ...over,
  };
}

describe('amounts', () => {
  it('shows fen as yuan, and a dash for a missing amount', () => {
    expect(fenText(2000)).toBe('¥20.00');
    expect(fenText(123456)).toBe('¥1,234.56');
    expect(fenText(0)).toBe('¥0.00');
    expect(fenText(null)).toBe('—');
    expect(fenText(undefined)).toBe('—');
    expect(fenText(1.5)).toBe('—');
  });

  it('names a fee line by its kind, with the description when there is one', () => {
    expect(feeLineView({ kind: 'item_fee', description: ' 居民身份证换领工本费 ', amountFen: 2000 })).toEqual({ name: '事项费用', description: '居民身份证换领工本费', amount: '¥20.00' });
    expect(feeLineView({ kind: 'postage', description: '', amountFen: 1000 })).toEqual({ name: '邮寄费', description: null, amount: '¥10.00' });
    expect(feeLineView({ kind: 'postage', description: '邮寄费', amountFen: 1000 })).toEqual({ name: '邮寄费', description: null, amount: '¥10.00' });
  });

  it('gives the bill-minus-ours difference only when both sides have an amount and they differ', () => {
    expect(mismatchDifference({ ourAmountFen: 2000, billAmountFen: 3000 })).toBe('+¥10.00');
    expect(mismatchDifference({ ourAmountFen: 3000, billAmountFen: 2000 })).toBe('-¥10.00');
    expect(mismatchDifference({ ourAmountFen: 2000, billAmountFen: 2000 })).toBeNull();
    expect(mismatchDifference({ ourAmountFen: null, billAmountFen: 4000 })).toBeNull();
    expect(mismatchDifference({ ourAmountFen: 2000, billAmountFen: null })).toBeNull();
  });
});

describe('orders and refunds', () => {
  it('colours states: paid ok, paying in progress, refunding warn, flagged bad, closed and refunded muted', () => {
    expect(paymentTone('paid')).toBe('ok');
    expect(paymentTone('paying')).toBe('progress');
    expect(paymentTone('refunding')).toBe('warn');
    expect(paymentTone('flagged')).toBe('bad');
    expect(paymentTone('closed')).toBe('muted');
    expect(paymentTone('refunded')).toBe('muted');
    expect(refundTone('success')).toBe('ok');
    expect(refundTone('processing')).toBe('warn');
    expect(refundTone('failed')).toBe('bad');
  });

  it('lists the newest order first without changing the input', () => {
    const closed = order({ orderNo: 'P1', state: 'closed', createdAt: '2025-03-06T02:00:00.000Z', paidAt: null, transactionId: null });
    const paid = order({ orderNo: 'P2' });
    const input = [closed, paid];
    expect(sortOrders(input).map((o) => o.orderNo)).toEqual(['P2', 'P1']);
    expect(input.map((o) => o.orderNo)).toEqual(['P1', 'P2']);
    const twin = order({ orderNo: 'P0' });
    expect(sortOrders([paid, twin]).map((o) => o.orderNo)).toEqual(['P0', 'P2']);
  });

  it('sums what was received (paid orders, a late payment too) and what was refunded or is being refunded', () => {
    const orders = [
      order({ orderNo: 'P1', state: 'closed', paidAt: null, transactionId: null }),
      order({
        orderNo: 'P2',
        state: 'refunded',
        refunds: [{ refundNo: 'R1', amountFen: 3000, state: 'success', reason: '办件不予受理', createdAt: '2025-03-08T00:00:00Z', refundedAt: '2025-03-08T00:01:00Z' }],
      }),
      order({
        orderNo: 'P3',
        state: 'flagged',
        amountFen: 2000,
        refunds: [
          { refundNo: 'R2', amountFen: 2000, state: 'processing', reason: '关单后到账', createdAt: '2025-03-08T00:00:00Z', refundedAt: null },
          { refundNo: 'R3', amountFen: 2000, state: 'failed', reason: '关单后到账', createdAt: '2025-03-07T23:00:00Z', refundedAt: null },
        ],
      }),
    ];
    expect(paymentTotals(orders)).toEqual({ receivedFen: 5000, refundedFen: 3000, refundingFen: 2000, netFen: 2000 });
    expect(paymentTotals([])).toEqual({ receivedFen: 0, refundedFen: 0, refundingFen: 0, netFen: 0 });
  });

  it('names channels, and shows an unknown code as it is', () => {
    expect(channelName('wechat')).toBe('微信支付');
    expect(channelName('alipay')).toBe('支付宝');
    expect(channelName('wechat_h5')).toBe('微信支付（网页）');
    expect(channelName('unionpay')).toBe('unionpay');
  });
});

describe('reconciliation dates', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(() => addDays('2025/03/01', 1)).toThrow(RangeError);
  });

  it('takes yesterday in Beijing time, not UTC', () => {
    expect(yesterdayInShanghai(EARLY_MORNING)).toBe('2025-03-06');
    expect(yesterdayInShanghai(LATE_EVENING)).toBe('2025-03-06');
    expect(yesterdayInShanghai(new Date('2025-03-07T16:00:00Z'))).toBe('2025-03-07'); // midnight in Beijing
  });

  it('lets a bill be run again only for a real day before today in Beijing time', () => {
    expect(canRunBill('2025-03-06', EARLY_MORNING)).toBe(true);
    expect(canRunBill('2025-03-07', EARLY_MORNING)).toBe(false); // today in Beijing, though still the 6th in UTC
    expect(canRunBill('2025-03-08', EARLY_MORNING)).toBe(false);
    expect(canRunBill('2025-02-30', EARLY_MORNING)).toBe(false);
    expect(canRunBill(null, EARLY_MORNING)).toBe(false);
  });
});

describe('reconciliation filter in the hash', () => {
  it('defaults to yesterday and page 1', () => {
    expect(parseReconFilter('', EARLY_MORNING)).toEqual({ billDate: '2025-03-06', page: 1 });
  });

  it('reads a date, every date and a page; ignores bad, future and impossible values', () => {
    expect(parseReconFilter('date=2025-02-28&page=3', EARLY_MORNING)).toEqual({ billDate: '2025-02-28', page: 3 });
    expect(parseReconFilter('date=all', EARLY_MORNING)).toEqual({ billDate: null, page: 1 });
    expect(parseReconFilter('date=2025-03-07', EARLY_MORNING)).toEqual({ billDate: '2025-03-07', page: 1 }); // today may be looked at
    expect(parseReconFilter('date=2025-03-08', EARLY_MORNING).billDate).toBe('2025-03-06');
    expect(parseReconFilter('date=2025-02-30', EARLY_MORNING).billDate).toBe('2025-03-06');
    expect(parseReconFilter('date=yesterday&page=0', EARLY_MORNING)).toEqual({ billDate: '2025-03-06', page: 1 });
    expect(parseReconFilter('page=1.5', EARLY_MORNING).page).toBe(1);
    expect(parseReconFilter('page=10001', EARLY_MORNING).page).toBe(1);
  });

  it('writes the filter back so that parsing it gives the same filter', () => {
    expect(reconHref({ billDate: '2025-03-06', page: 1 })).toBe('#/reconciliation?date=2025-03-06');
    expect(reconHref({ billDate: null, page: 2 })).toBe('#/reconciliation?date=all&page=2');
    for (const f of [{ billDate: '2025-02-28', page: 4 }, { billDate: null, page: 1 }]) {
      expect(parseReconFilter(reconHref(f).split('?')[1], EARLY_MORNING)).toEqual(f);
    }
  });
});
