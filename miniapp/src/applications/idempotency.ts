/**
 * Idempotency keys (shared-types `IdempotencyKeySchema`: 16–64 of `[A-Za-z0-9_-]`). One key per
 * attempt of a form: kept while the citizen retries the same submission (a timeout, a double
 * tap, a lost answer), so the BFF answers with the case it already made instead of a second one.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

type RandomSource = (bytes: Uint8Array) => void;

/** The platform's CSPRNG where there is one (browsers); Math.random otherwise (mini-program runtimes). */
function defaultRandom(bytes: Uint8Array): void {
  // `typeof` first: older mini-program engines have neither `crypto` nor `globalThis`
  const c = typeof crypto !== 'undefined' ? (crypto as { getRandomValues?: (a: Uint8Array) => Uint8Array }) : undefined;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(bytes);
    return;
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
}

/** 32 lower-case hex characters: 8 of the time in ms (sortable, unlikely to repeat) and 24 random. */
export function newIdempotencyKey(now: number = Date.now(), random: RandomSource = defaultRandom): string {
  const bytes = new Uint8Array(12);
  random(bytes);
  const time = (Math.floor(now / 1000) >>> 0).toString(16).padStart(8, '0').slice(-8);
  let hex = time;
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The key for a submission: the same while the request stays the same (`fingerprint`), a new
 * one as soon as the citizen changed anything (the BFF refuses a known key with another request:
 * IDEMPOTENCY_KEY_REUSED).
 */
export class IdempotencyKeeper {
  private key: string | undefined;
  private fingerprint: string | undefined;

  constructor(private readonly make: () => string = () => newIdempotencyKey()) {}

  keyFor(fingerprint: string): string {
    if (!this.key || this.fingerprint !== fingerprint) {
      this.key = this.make();
      this.fingerprint = fingerprint;
    }
    return this.key;
  }

  /** After a success: the next submission is a new one. */
  reset(): void {
    this.key = undefined;
    this.fingerprint = undefined;
  }
}

/** A stable JSON of a request (object keys sorted), to compare two submissions. */
export function fingerprintOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .reduce<Record<string, unknown>>((acc, k) => {
        acc[k] = o[k];
        return acc;
      }, {});
  });
}
