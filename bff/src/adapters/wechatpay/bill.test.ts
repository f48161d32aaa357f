import { fenToYuan, formatTradeBill, parseTradeBill, TRADE_BILL_COLUMNS, TradeBillFormatError, yuanToFen } from './bill';

describe('money in bills', () => {
  it('turns yuan text into integer fen and back, without floating point', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('80.00')).toBe(8000);
    expect(yuanToFen('80')).toBe(8000);
    expect(yuanToFen('80.5')).toBe(8050);
    expect(yuanToFen('-0.48')).toBe(-48);
    expect(yuanToFen('1234567.89')).toBe(123456789);
    expect(() => yuanToFen('0.001')).toThrow(TradeBillFormatError);
    expect(() => yuanToFen('1e3')).toThrow(TradeBillFormatError);
    expect(() => yuanToFen('')).toThrow(TradeBillFormatError);
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(8050)).toBe('80.50');
    expect(fenToYuan(-48)).toBe('-0.48');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });
});

describe('parseTradeBill', () => {
  const pay = ['2025-01-01 10:00:00', 'wx0123456789abcdef', '1900000109', '0', '', '4200000001202501011234567890', 'OV20250101000001', 'oUpF8u', 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY', '80.00', '0.00', '0', '0', '0.00', '0.00', '', '', '护照, 工本费', 'case:1', '0.48', '0.60%', '80.00', '0.00', ''];
  const refund = [...pay];
  refund.splice(0, 1, '2025-01-01 12:00:00');
  refund.splice(9, 1, 'REFUND');
  refund.splice(12, 1, '0.00');
  refund.splice(14, 4, '50000000382019052709732678859', 'RF1', '30.00', '0.00');
  refund.splice(18, 2, 'ORIGINAL', 'SUCCESS');
  refund.splice(22, 1, '-0.18');
  refund.splice(24, 2, '0.00', '30.00');

  it('reads payment and refund lines and the summary, in fen', () => {
    const text = `\uFEFF${formatTradeBill([pay, refund], ['2', '80.00', '30.00', '0.00', '0.30', '80.00', '30.00'])}`;
    const { rows, summary } = parseTradeBill(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ tradeTime: '2025-01-01 10:00:00', outTradeNo: 'OV20250101000001', tradeState: 'SUCCESS', settlementTotalFen: 8000, orderTotalFen: 8000, refundFen: 0, refundId: '', description: '护照, 工本费', fee: '0.48' });
    expect(rows[1]).toMatchObject({ tradeState: 'REFUND', refundId: '50000000382019052709732678859', outRefundNo: 'RF1', refundFen: 3000, requestedRefundFen: 3000, settlementTotalFen: 0, refundStatus: 'SUCCESS' });
    expect(summary).toEqual({ count: 2, settlementTotalFen: 8000, refundTotalFen: 3000, rechargeCouponRefundTotalFen: 0, feeTotal: '0.30', orderTotalFen: 8000, requestedRefundTotalFen: 3000 });
  });

  it('refuses what is not a bill', () => {
    const ok = formatTradeBill([pay], ['1', '80.00', '0.00', '0.00', '0.48', '80.00', '0.00']);
    expect(() => parseTradeBill('')).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(ok.replace('`1,`80.00', '`2,`80.00'))).toThrow(/counts 2/);
    expect(() => parseTradeBill(ok.replace('`80.00,`0.00,`0,', '`80.001,`0.00,`0,'))).toThrow(/money/);
    expect(() => parseTradeBill(ok.replace('商户订单号', '订单'))).toThrow(/商户订单号/);
    expect(() => parseTradeBill(ok.replace(',`JSAPI', ''))).toThrow(/fields/);
    expect(() => parseTradeBill(ok.split('\r\n').slice(0, 2).join('\r\n'))).toThrow(TradeBillFormatError);
    expect(TRADE_BILL_COLUMNS).toHaveLength(27);
  });
});
