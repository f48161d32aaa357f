import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface SetOptions {
  /** Expire after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist (SET NX); the result says whether it was set. */
  ifAbsent?: boolean;
}

export interface Lock {
  release(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Distinguishes limiters sharing one store. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * The key-value port: sessions, nonces, locks, caches, counters. Keys are namespaced with the
 * configured prefix by the implementation, so callers write `catalog:version`, not `ov:catalog:version`.
 */
export interface Kv {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Atomically adds `by` and returns the new value; `ttlMs` applies when the key is created. */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;
  /** Remaining lifetime in ms; -1 without expiry, -2 when absent. */
  ttlMs(key: string): Promise<number>;
  /** A lease that only its holder can release; null when someone else holds it. */
  acquireLock(key: string, ttlMs: number): Promise<Lock | null>;
  rateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  ping(): Promise<void>;
  close(): Promise<void>;
}
