import { beijingDate, beijingToIso, fenToYuan, tryYuanToFen, yuanToFen } from './amount';

describe('fenToYuan', () => {
  it('writes whole fen as yuan with two places, exactly', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(10)).toBe('0.10');
    expect(fenToYuan(99)).toBe('0.99');
    expect(fenToYuan(100)).toBe('1.00');
    expect(fenToYuan(1999)).toBe('19.99');
    expect(fenToYuan(2000)).toBe('20.00');
    expect(fenToYuan(10_000_000_000)).toBe('100000000.00');
    expect(fenToYuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
    expect(fenToYuan(-50)).toBe('-0.50');
    expect(fenToYuan(-1999)).toBe('-19.99');
  });

  it('refuses what is not whole fen', () => {
    for (const bad of [0.5, 19.99, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '100' as unknown as number]) expect(() => fenToYuan(bad)).toThrow(RangeError);
  });
});

describe('yuanToFen', () => {
  it('reads yuan strings exactly, where floats would not', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('0.10')).toBe(10);
    expect(yuanToFen('19.99')).toBe(1999); // 19.99 * 100 = 1998.9999999999998
    expect(yuanToFen('1.15')).toBe(115); // 1.15 * 100 = 114.99999999999999
    expect(yuanToFen('20')).toBe(2000);
    expect(yuanToFen('0')).toBe(0);
    expect(yuanToFen('100000000.00')).toBe(10_000_000_000);
    expect(yuanToFen('-5.50')).toBe(-550);
    expect(yuanToFen('-0.00')).toBe(0);
    expect(Object.is(yuanToFen('-0.00'), 0)).toBe(true);
  });

  it('round-trips every amount up to 1000 yuan and a spread of large ones', () => {
    const wrong: number[] = [];
    for (let fen = 0; fen <= 100_000; fen++) if (yuanToFen(fenToYuan(fen)) !== fen) wrong.push(fen);
    expect(wrong).toEqual([]);
    for (const fen of [123_456_789, 9_999_999_999, 10_000_000_001, Number.MAX_SAFE_INTEGER]) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
    for (let fen = -1000; fen < 0; fen++) if (yuanToFen(fenToYuan(fen)) !== fen) wrong.push(fen);
    expect(wrong).toEqual([]);
  });

  it('refuses anything it cannot read exactly', () => {
    for (const bad of ['', ' 1.00', '1.00 ', '1.234', '1.', '.5', '01.00', '+1.00', '1e2', '1,000.00', '¥1.00', 'NaN', '0x10', '1.0.0', '--1', '90071992547409.92', '100000000000000']) {
      expect(() => yuanToFen(bad)).toThrow(RangeError);
      expect(tryYuanToFen(bad)).toBeUndefined();
    }
    expect(() => yuanToFen(1 as unknown as string)).toThrow(RangeError);
    expect(tryYuanToFen(undefined)).toBeUndefined();
    expect(tryYuanToFen('20.00')).toBe(2000);
  });
});

describe('Beijing time', () => {
  it('reads Alipay times as UTC+8 whatever the process TZ', () => {
    expect(beijingToIso('2025-01-02 00:30:05')).toBe('2025-01-01T16:30:05.000Z');
    expect(beijingToIso('2024-02-29 08:00:00')).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of ['2025-02-30 00:00:00', '2025-01-01T00:00:00', '2025-01-01 24:00:00', '2025-1-1 00:00:00', '', undefined]) expect(beijingToIso(bad)).toBeUndefined();
    expect(beijingDate(new Date('2025-01-01T16:00:00Z'))).toBe('2025-01-02');
    expect(beijingDate(new Date('2025-01-01T15:59:59Z'))).toBe('2025-01-01');
  });
});
