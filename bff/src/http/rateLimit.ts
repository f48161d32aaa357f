import type { Context, Next } from 'koa';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './errors';

/**
 * Counts one request against `key`; over the limit → 429 RATE_LIMITED with Retry-After. The
 * limiter's store is the KV's (memory or Redis), so limits hold across BFF processes. A KV outage
 * fails open: refusing every citizen because the limiter cannot count would be worse, and the
 * checks that matter most have a durable second line (staff lockout in the database, SMS codes'
 * own attempt counters).
 */
export async function consumeOrRefuse(ctx: Context, limiter: RateLimiterAbstract, key: string, message: string): Promise<number | null> {
  try {
    return (await limiter.consume(key)).remainingPoints;
  } catch (rejection) {
    if (rejection instanceof Error) {
      ctx.log.warn({ err: rejection }, 'rate limiter unavailable; request let through');
      return null;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((rejection as { msBeforeNext: number }).msBeforeNext / 1000));
    throw new AppError('RATE_LIMITED', message, { retryAfterSeconds });
  }
}

/** Fixed-window limit per client IP for a whole door (the citizen API). */
export function rateLimitByIp(limiter: RateLimiterAbstract) {
  return async (ctx: Context, next: Next) => {
    const remaining = await consumeOrRefuse(ctx, limiter, ctx.ip, 'too many requests; retry later');
    if (remaining !== null) ctx.set('RateLimit-Remaining', String(remaining));
    await next();
  };
}
