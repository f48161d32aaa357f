import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';

/**
 * Runs `fn` holding a KV lease on `key` (every BFF process shares it), waiting up to `waitMs` for
 * it. Busy for longer: CONFLICT (409), which a client may retry; outbox handlers let it retry.
 */
export async function withLock<T>(kv: Kv, key: string, fn: () => Promise<T>, options: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const ttlMs = options.ttlMs ?? 30_000;
  const until = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    const lock = await kv.acquireLock(key, ttlMs);
    if (lock) {
      try {
        return await fn();
      } finally {
        await lock.release().catch(() => undefined);
      }
    }
    if (Date.now() > until) throw new AppError('CONFLICT', 'this is being changed at the moment; try again');
    await new Promise((r) => setTimeout(r, 25));
  }
}
