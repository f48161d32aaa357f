import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../logger';
import './context';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives each request an id (the ingress's `X-Request-Id` when it is sane, a new UUID otherwise),
 * a child logger that stamps it on every line, and one access-log line when it ends.
 */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    // The child logger is made only when a request logs something besides its access line.
    let child: Logger | undefined;
    Object.defineProperty(ctx, 'log', { get: () => (child ??= logger.child({ reqId: requestId })), configurable: true });
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ reqId: requestId, method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
    }
  };
}
