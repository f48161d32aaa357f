import type { AlipaySdk } from 'alipay-sdk';
import { AdapterError } from '../errors';
import type { AlipayGateway } from './client';
import { ackAlipayNotify, ALIPAY_NOTIFY_ACK, alipayNotifyAnswer, createAlipayPayments, nackAlipayNotify, parseAlipayNotifyForm, type AlipayPaymentsOptions } from './payments';

const options = { appId: '2021000000000001', notifyUrl: () => 'https://bff.example/notify' } as unknown as AlipayPaymentsOptions;

/** A gateway that answers from a script (the real one is exercised against the simulator). */
function fake(answers: Record<string, (params: Record<string, unknown>) => Record<string, unknown>>, signed = true) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const gateway: AlipayGateway = {
    async exec(method, params) {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
    sdk: () => ({ checkNotifySignV2: () => signed }) as unknown as AlipaySdk,
    timestamp: () => '2025-01-01 08:00:00',
  };
  return { gateway, calls };
}
const refused = (code: string) => () => {
  throw new AdapterError('alipay', 'rejected', code, 'refused');
};

describe('createAlipayPayments (protocol details, with a scripted gateway)', () => {
  it('sends yuan strings, JSAPI_PAY, the buyer and notify_url; expiry in Beijing time', async () => {
    const { gateway, calls } = fake({ 'alipay.trade.create': () => ({ code: '10000', trade_no: '2025', out_trade_no: 'A1' }) });
    const p = createAlipayPayments({ ...options, miniAppId: '2021000000000002' }, gateway);
    expect(await p.createTrade({ outTradeNo: 'A1', amountFen: 1999, subject: '工本费', buyerId: '2088000000000001', expiresAt: new Date('2025-01-01T16:30:00Z') })).toEqual({ tradeNo: '2025', outTradeNo: 'A1' });
    await p.createTrade({ outTradeNo: 'A1', amountFen: 1, subject: 's', buyerOpenId: 'o1', notifyUrl: 'https://bff.example/other' });
    expect(calls[1].params).toMatchObject({ notify_url: 'https://bff.example/other', bizContent: { total_amount: '0.01', buyer_open_id: 'o1' } });
    expect(calls[0].params).toEqual({
      notify_url: 'https://bff.example/notify',
      bizContent: { out_trade_no: 'A1', total_amount: '19.99', subject: '工本费', product_code: 'JSAPI_PAY', buyer_id: '2088000000000001', op_app_id: '2021000000000002', time_expire: '2025-01-02 00:30:00' },
    });
  });

  it('treats ACQ.SYSTEM_ERROR as an outage and unreadable answers as unavailable', async () => {
    const { gateway } = fake({
      'alipay.trade.query': refused('ACQ.SYSTEM_ERROR'),
      'alipay.trade.create': () => ({ code: '10000' }),
      'alipay.trade.refund': () => ({ code: '10000', trade_no: 'T', refund_fee: '1.234', fund_change: 'Y' }),
    });
    const p = createAlipayPayments(options, gateway);
    await expect(p.queryTrade('A1')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'ACQ.SYSTEM_ERROR' });
    await expect(p.createTrade({ outTradeNo: 'A1', amountFen: 1, subject: 's', buyerId: '2088000000000001' })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    await expect(p.refund({ outTradeNo: 'A1', outRequestNo: 'R1', amountFen: 1 })).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
  });

  it('resolves a refused close by asking what the trade is', async () => {
    let status = 'TRADE_SUCCESS';
    const { gateway } = fake({
      'alipay.trade.close': refused('ACQ.TRADE_STATUS_ERROR'),
      'alipay.trade.query': () => ({ code: '10000', trade_no: 'T', out_trade_no: 'A1', trade_status: status, total_amount: '1.00' }),
    });
    const p = createAlipayPayments(options, gateway);
    expect(await p.closeTrade('A1')).toEqual({ status: 'TRADE_SUCCESS' });
    status = 'TRADE_FINISHED';
    expect(await p.closeTrade('A1')).toEqual({ status: 'TRADE_FINISHED' });
    status = 'WAIT_BUYER_PAY';
    await expect(p.closeTrade('A1')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'ACQ.TRADE_STATUS_ERROR' });
    const other = createAlipayPayments(options, fake({ 'alipay.trade.close': refused('ACQ.INVALID_PARAMETER') }).gateway);
    await expect(other.closeTrade('A1')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ACQ.INVALID_PARAMETER' });
  });

  it('reads a verified notification, and refuses one it cannot read', () => {
    const p = createAlipayPayments(options, fake({}).gateway);
    const form = {
      notify_id: 'n1',
      notify_type: 'trade_status_sync',
      notify_time: '2025-01-02 00:30:00',
      app_id: options.appId,
      trade_no: 'T',
      out_trade_no: 'A1',
      trade_status: 'TRADE_CLOSED',
      total_amount: '20.00',
      refund_fee: '20.00',
      out_biz_no: 'R1',
      gmt_refund: '2025-01-02 00:29:59.123',
      gmt_close: '2025-01-02 00:30:00',
      buyer_open_id: 'open-1',
      sign: 'x',
      sign_type: 'RSA2',
    };
    expect(p.verifyNotification(form)).toEqual({
      ok: true,
      notification: {
        notifyId: 'n1',
        notifyType: 'trade_status_sync',
        notifyTime: '2025-01-01T16:30:00.000Z',
        appId: options.appId,
        tradeStatus: 'TRADE_CLOSED',
        tradeNo: 'T',
        outTradeNo: 'A1',
        totalFen: 2000,
        refundedTotalFen: 2000,
        outBizNo: 'R1',
        refundedAt: '2025-01-01T16:29:59.000Z',
        closedAt: '2025-01-01T16:30:00.000Z',
        buyerOpenId: 'open-1',
      },
    });
    expect(p.verifyNotification({ ...form, total_amount: '20.001' })).toMatchObject({ ok: false, reason: 'invalid', message: expect.stringContaining('total_amount') });
    expect(p.verifyNotification({ ...form, trade_status: 'PAID' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(p.verifyNotification({ ...form, notify_time: '2025-01-02T00:30:00' })).toMatchObject({ ok: false, reason: 'invalid' });
    const { notify_id: _id, ...noId } = form;
    expect(p.verifyNotification(noId)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(createAlipayPayments(options, fake({}, false).gateway).verifyNotification(form)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const throwing = { ...fake({}).gateway, sdk: () => ({ checkNotifySignV2: () => { throw new TypeError('bad key'); } }) as unknown as AlipaySdk };
    expect(createAlipayPayments(options, throwing).verifyNotification(form)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});

describe('notification helpers', () => {
  it('decodes a form body once (+ and %xx), keeping the first of a repeated key', () => {
    expect(parseAlipayNotifyForm('notify_time=2025-01-01+08%3A00%3A00&subject=%E5%B7%A5%E6%9C%AC%E8%B4%B9&a=1&a=2&fund_bill_list=%5B%7B%22amount%22%3A%2220.00%22%7D%5D')).toEqual({
      notify_time: '2025-01-01 08:00:00',
      subject: '工本费',
      a: '1',
      fund_bill_list: '[{"amount":"20.00"}]',
    });
    expect(parseAlipayNotifyForm(Buffer.from('x=%25'))).toEqual({ x: '%' });
  });

  it('answers exactly `success`, or something else', () => {
    const ctx = { status: 404, type: '', body: undefined as unknown };
    ackAlipayNotify(ctx);
    expect(ctx).toEqual({ status: 200, type: 'text/plain', body: 'success' });
    expect(ALIPAY_NOTIFY_ACK).toBe('success');
    nackAlipayNotify(ctx);
    expect(ctx).toEqual({ status: 400, type: 'text/plain', body: 'fail' });
    expect(alipayNotifyAnswer(true)).toEqual({ status: 200, type: 'text/plain', body: 'success' });
    expect(alipayNotifyAnswer(false).body).not.toBe('success');
  });
});
