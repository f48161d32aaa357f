/**
 * Integer fen → `¥20.00`. Money is integer fen everywhere; it becomes yuan only for display
 * (and at payment providers' edges). Negative amounts (refunds) keep their sign: `-¥0.50`.
 */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new RangeError(`amount in fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+$)/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}
