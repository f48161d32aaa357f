import type { PaymentOrder } from '@onevisit/shared-types/client';
import { createPaymentsApi } from '../api/payments';
import type { RequestFn, RequestOptions } from '../api/client';
import {
  alipayOutcome,
  channelFor,
  DEFAULT_POLL,
  feeLines,
  h5CashierUrl,
  h5ResultUrl,
  isSettled,
  parseOutcome,
  paymentTone,
  pollDelays,
  resultKind,
  RESULT_TEXT,
  wechatOutcome,
  yuan,
} from './payView';

const order = (over: Partial<PaymentOrder> = {}): PaymentOrder => ({
  orderNo: 'P20260301100000ABCDEF12',
  caseNo: '11430000006940002L070001002001202603010001',
  channel: 'wechat_h5',
  state: 'paying',
  amountFen: 3000,
  lines: [
    { kind: 'item_fee', description: '居民身份证工本费', amountFen: 2000 },
    { kind: 'postage', description: 'EMS 邮寄费', amountFen: 1000 },
  ],
  createdAt: '2026-03-01T02:00:00.000Z',
  expiresAt: '2026-03-01T02:30:00.000Z',
  paidAt: null,
  transactionId: null,
  refunds: [],
  ...over,
});

describe('the channel of each build', () => {
  it('is WeChat Pay JSAPI in WeChat, Alipay in Alipay, the WeChat Pay H5 cashier in a browser', () => {
    expect(channelFor('weapp')).toBe('wechat');
    expect(channelFor('alipay')).toBe('alipay');
    expect(channelFor('h5')).toBe('wechat_h5');
  });
});

describe('amounts', () => {
  it('are shown in yuan from integer fen through formatFen', () => {
    expect(yuan(2000)).toBe('¥20.00');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(123456)).toBe('¥1,234.56');
    expect(() => yuan(20.5)).toThrow(RangeError);
  });

  it('list the fee lines and the total the BFF computed (postage included)', () => {
    expect(feeLines(order())).toEqual({
      lines: [
        { key: 'item_fee-0', label: '办理费用', note: '居民身份证工本费', amount: '¥20.00' },
        { key: 'postage-1', label: '邮寄费', note: 'EMS 邮寄费', amount: '¥10.00' },
      ],
      total: '¥30.00',
    });
    // the total is the order's amount, never a sum made on the device
    expect(feeLines(order({ amountFen: 2000, lines: [{ kind: 'item_fee', description: ' ', amountFen: 2000 }] }))).toEqual({
      lines: [{ key: 'item_fee-0', label: '办理费用', amount: '¥20.00' }],
      total: '¥20.00',
    });
    expect(feeLines(order({ amountFen: 1, lines: [{ kind: 'postage', description: '邮寄费', amountFen: 1 }] })).lines[0]).toEqual({ key: 'postage-0', label: '邮寄费', amount: '¥0.01' });
  });
});

describe('the H5 cashier round trip', () => {
  const location = { origin: 'https://gov.example.cn', pathname: '/' };

  it('returns to the result page of the order through the hash router', () => {
    expect(h5ResultUrl(location, 'P20260301100000ABCDEF12')).toBe('https://gov.example.cn/#/packages/pay/result/index?orderNo=P20260301100000ABCDEF12');
    expect(h5ResultUrl({ origin: 'http://127.0.0.1:8080', pathname: '' }, 'P1')).toBe('http://127.0.0.1:8080/#/packages/pay/result/index?orderNo=P1');
    expect(h5ResultUrl({ origin: 'https://gov.example.cn', pathname: '/h5/' }, 'P1')).toBe('https://gov.example.cn/h5/#/packages/pay/result/index?orderNo=P1');
  });

  it('adds redirect_url, URL-encoded, to the cashier URL after its own query', () => {
    const back = h5ResultUrl(location, 'P1');
    const url = h5CashierUrl('http://127.0.0.1:8080/sim/wechatpay/cashier?prepay_id=wx123', back);
    expect(url).toBe(`http://127.0.0.1:8080/sim/wechatpay/cashier?prepay_id=wx123&redirect_url=${encodeURIComponent(back)}`);
    expect(url).toContain('redirect_url=https%3A%2F%2Fgov.example.cn%2F%23%2Fpackages%2Fpay%2Fresult%2Findex%3ForderNo%3DP1');
    // the parameter decodes back to exactly the result page
    expect(new URL(url).searchParams.get('redirect_url')).toBe(back);
    expect(new URL(url).searchParams.get('prepay_id')).toBe('wx123');
  });

  it('copes with a cashier URL without a query, ending in ? or &, or with a fragment', () => {
    expect(h5CashierUrl('https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb', 'https://a/#/x')).toBe(
      `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?redirect_url=${encodeURIComponent('https://a/#/x')}`,
    );
    expect(h5CashierUrl('https://c/pay?', 'https://a/')).toBe('https://c/pay?redirect_url=https%3A%2F%2Fa%2F');
    expect(h5CashierUrl('https://c/pay?a=1&', 'https://a/')).toBe('https://c/pay?a=1&redirect_url=https%3A%2F%2Fa%2F');
    expect(h5CashierUrl('https://c/pay?a=1#top', 'https://a/')).toBe('https://c/pay?a=1&redirect_url=https%3A%2F%2Fa%2F#top');
  });
});

describe('what the payment sheets said', () => {
  it('WeChat: resolved is paid, "fail cancel" is cancelled, any other failure is unknown', () => {
    expect(wechatOutcome({ ok: true })).toBe('success');
    expect(wechatOutcome({ ok: false, errMsg: 'requestPayment:fail cancel' })).toBe('cancelled');
    expect(wechatOutcome({ ok: false, errMsg: 'requestPayment:fail (detail message)' })).toBe('unknown');
    expect(wechatOutcome({ ok: false })).toBe('unknown');
  });

  it('Alipay: 9000 paid, 6001 cancelled, 8000 / 6004 / 6002 / 4000 asked of Alipay', () => {
    expect(alipayOutcome('9000')).toBe('success');
    expect(alipayOutcome(9000)).toBe('success');
    expect(alipayOutcome('6001')).toBe('cancelled');
    for (const code of ['8000', '6004', '6002', '4000', undefined]) expect(alipayOutcome(code)).toBe('unknown');
  });

  it('the result page reads its outcome; the H5 cashier return has none and counts as unknown', () => {
    expect(parseOutcome('success')).toBe('success');
    expect(parseOutcome('cancelled')).toBe('cancelled');
    expect(parseOutcome(undefined)).toBe('unknown');
    expect(parseOutcome('paid')).toBe('unknown');
  });
});

describe('the polling schedule', () => {
  it('backs off from 1 s to every 5 s and stops after exactly 30 s', () => {
    const delays = pollDelays();
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000, 1875]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(DEFAULT_POLL.totalMs);
    // never shrinks except for the last, shortened wait
    for (let i = 1; i < delays.length - 1; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  });

  it('is bounded whatever it is given', () => {
    expect(pollDelays({ firstMs: 0, factor: 2, maxMs: 1000, totalMs: 10_000 })).toEqual([]);
    expect(pollDelays({ firstMs: 1000, factor: 2, maxMs: 1000, totalMs: 0 })).toEqual([]);
    expect(pollDelays({ firstMs: 500, factor: 0.5, maxMs: 5000, totalMs: 2000 })).toEqual([500, 500, 500, 500]);
    expect(pollDelays({ firstMs: 8000, factor: 2, maxMs: 3000, totalMs: 7000 })).toEqual([3000, 3000, 1000]);
  });
});

describe('the result', () => {
  it('keeps checking while the order is paying, then says it found no result', () => {
    expect(isSettled('paying')).toBe(false);
    expect(resultKind('paying', false)).toBe('checking');
    expect(resultKind(undefined, false)).toBe('checking');
    expect(resultKind('paying', true)).toBe('timeout');
    expect(RESULT_TEXT.checking.title).toBe('支付结果确认中…');
    expect(RESULT_TEXT.timeout.title).toBe('未查询到支付结果');
  });

  it('is settled as paid, closed or refunded', () => {
    for (const s of ['paid', 'closed', 'refunding', 'refunded', 'flagged'] as const) expect(isSettled(s)).toBe(true);
    expect(resultKind('paid', false)).toBe('paid');
    expect(RESULT_TEXT[resultKind('paid', false)].title).toBe('缴费成功');
    expect(RESULT_TEXT[resultKind('closed', true)].title).toBe('订单已关闭，请重新缴费');
    expect(resultKind('refunded', false)).toBe('refund');
    expect(resultKind('flagged', false)).toBe('flagged');
    expect(paymentTone('paid')).toBe('green');
    expect(paymentTone('closed')).toBe('gray');
  });
});

describe('the payments API', () => {
  function recorder() {
    const calls: { path: string; options?: RequestOptions }[] = [];
    const fn = (async (path: string, options?: RequestOptions) => {
      calls.push({ path, options });
      return {};
    }) as RequestFn;
    return { calls, api: createPaymentsApi(fn) };
  }

  it('creates an order with the case, channel and key only (never an amount), and reads, reports and lists', async () => {
    const { calls, api } = recorder();
    await api.pay({ caseNo: 'C1', channel: 'wechat_h5', idempotencyKey: '0123456789abcdef0123' });
    await api.order('P20260301100000ABCDEF12');
    await api.report('P20260301100000ABCDEF12', 'unknown');
    await api.ofCase('C1');
    expect(calls.map((c) => [c.options?.method ?? 'GET', c.path, c.options?.data])).toEqual([
      ['POST', '/payments', { caseNo: 'C1', channel: 'wechat_h5', idempotencyKey: '0123456789abcdef0123' }],
      ['GET', '/payments/P20260301100000ABCDEF12', undefined],
      ['POST', '/payments/P20260301100000ABCDEF12/result', { outcome: 'unknown' }],
      ['GET', '/applications/C1/payments', undefined],
    ]);
  });
});
