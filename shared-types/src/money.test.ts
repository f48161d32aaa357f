import { formatFen } from './money';

describe('formatFen', () => {
  it('formats integer fen as yuan with two decimals', () => {
    expect(formatFen(2000)).toBe('¥20.00');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(1050)).toBe('¥10.50');
    expect(formatFen(12345678)).toBe('¥123,456.78');
    expect(formatFen(-50)).toBe('-¥0.50');
  });

  it('refuses amounts that are not integer fen', () => {
    expect(() => formatFen(20.5)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
  });

});
