import type { Context, Next } from 'koa';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './errors';

/**
 * Fixed-window limit per client IP. The limiter's store is the KV's (memory or Redis), so the
 * limit holds across BFF processes in production. A KV outage fails open: refusing every
 * citizen because the limiter cannot count would be worse than serving them unthrottled.
 */
export function rateLimitByIp(limiter: RateLimiterAbstract) {
  return async (ctx: Context, next: Next) => {
    try {
      const res = await limiter.consume(ctx.ip);
      ctx.set('RateLimit-Remaining', String(res.remainingPoints));
    } catch (rejection) {
      if (rejection instanceof Error) {
        ctx.log.warn({ err: rejection }, 'rate limiter unavailable; request let through');
      } else {
        const retryAfterSeconds = Math.max(1, Math.ceil((rejection as { msBeforeNext: number }).msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', 'too many requests; retry later', { retryAfterSeconds });
      }
    }
    await next();
  };
}
