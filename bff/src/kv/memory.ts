import { randomUUID } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Kv, Lock, RateLimiterOptions, SetOptions } from './port';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** In-process KV for the embedded default and tests; same semantics as the Redis one. */
export class MemoryKv implements Kv {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Expired keys are also dropped lazily on read; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    for (const key of this.entries.keys()) this.live(key);
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.ifAbsent && this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: options.ttlMs ? this.now() + options.ttlMs : null });
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) if (this.live(key) && this.entries.delete(key)) removed++;
    return removed;
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    const entry = this.live(key);
    const current = entry ? Number(entry.value) : 0;
    if (!Number.isInteger(current)) throw new Error(`kv value at ${key} is not an integer`);
    const next = current + by;
    this.entries.set(key, {
      value: String(next),
      expiresAt: entry ? entry.expiresAt : ttlMs ? this.now() + ttlMs : null,
    });
    return next;
  }

  async ttlMs(key: string): Promise<number> {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === null ? -1 : entry.expiresAt - this.now();
  }

  async acquireLock(key: string, ttlMs: number): Promise<Lock | null> {
    const token = randomUUID();
    if (!(await this.set(key, token, { ttlMs, ifAbsent: true }))) return null;
    return {
      release: async () => {
        if (this.live(key)?.value === token) this.entries.delete(key);
      },
    };
  }

  rateLimiter(options: RateLimiterOptions) {
    return new RateLimiterMemory({ keyPrefix: options.name, points: options.points, duration: options.durationSeconds });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
