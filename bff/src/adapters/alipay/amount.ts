/**
 * Money at Alipay's edge. The platform keeps money as integer fen everywhere; Alipay's OpenAPI
 * takes and gives yuan as decimal strings with at most two places (`total_amount: "20.00"`).
 * These two functions are the only place fen become yuan and back — exactly, on strings and
 * integers, never through a float (0.1 + 0.2 is not 0.3; 19.99 * 100 is 1998.9999999999998).
 */

/** Integer fen → yuan with two places: 1 → `0.01`, 2000 → `20.00`, -50 → `-0.50` (bill rows). */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount in fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const YUAN = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/**
 * Yuan as Alipay writes it → integer fen: `20.00` → 2000, `0.5` → 50, `7` → 700, `-5.00` → -500.
 * Anything else (more than two places, exponents, spaces, `+`, leading zeros, `.5`) throws: an
 * amount we cannot read exactly is never guessed.
 */
export function yuanToFen(yuan: string): number {
  const m = typeof yuan === 'string' ? YUAN.exec(yuan) : null;
  if (!m) throw new RangeError(`not a yuan amount: ${JSON.stringify(yuan)}`);
  const [, sign, whole, frac = ''] = m;
  if (whole.length > 14) throw new RangeError(`yuan amount too large: ${yuan}`);
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) throw new RangeError(`yuan amount too large: ${yuan}`);
  return sign && fen !== 0 ? -fen : fen;
}

/** yuanToFen, or undefined for what is not an amount (reading answers: the caller decides). */
export function tryYuanToFen(yuan: unknown): number | undefined {
  if (typeof yuan !== 'string') return undefined;
  try {
    return yuanToFen(yuan);
  } catch {
    return undefined;
  }
}

/** `yyyy-MM-dd HH:mm:ss` read as Beijing time (UTC+8, no DST) → ISO 8601 UTC; undefined if malformed. */
export function beijingToIso(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
  const back = new Date(ms + 8 * 3600_000);
  // 2025-02-30 is not a date: refuse rather than roll over
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(ms).toISOString();
}

/** The Beijing calendar date (`yyyy-MM-dd`) of an instant, whatever the process TZ. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
