import type { Context, Next } from 'koa';
import { z } from 'zod';
import { errorStatus, type ErrorBody, type ErrorCode, type FieldIssue } from '@onevisit/shared-types';

/** A refusal the platform means: it leaves as its code, status and message. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}

export function fieldIssues(error: z.ZodError, location: string): FieldIssue[] {
  return error.issues.map((i) => ({
    field: [location, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

export function validationError(issues: FieldIssue[]): AppError {
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ');
  return new AppError('VALIDATION_FAILED', `invalid ${summary}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}`, { issues });
}

/** Errors raised by koa, its body parser or router (http-errors), translated to our codes. */
function fromHttpError(err: { status?: number; expose?: boolean; message?: string; type?: string }): AppError | null {
  switch (err.status) {
    case 400:
      return new AppError('MALFORMED_JSON', 'request body is not valid JSON');
    case 405:
    case 501:
      return new AppError('METHOD_NOT_ALLOWED', err.message ?? 'method not allowed');
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type');
    case 404:
      return new AppError('ROUTE_NOT_FOUND', 'no such route');
    default:
      return null;
  }
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(fieldIssues(err, ''));
  if (err && typeof err === 'object' && 'status' in err && typeof err.status === 'number' && err.status < 500) {
    return fromHttpError(err as { status: number });
  }
  return null;
}

/**
 * Every error leaves in the shape `{code, message, requestId, details}`. 4xx are logged at info
 * without a stack; anything else is a bug: logged with its stack, answered as INTERNAL_ERROR
 * without any detail that could leak SQL or internals.
 */
export function errorMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('ROUTE_NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const known = toAppError(err);
      const appError = known ?? new AppError('INTERNAL_ERROR', 'internal error');
      if (known) ctx.log.info({ code: known.code, status: known.status }, known.message);
      else ctx.log.error({ err }, 'unhandled error');
      const body: ErrorBody = {
        code: appError.code,
        message: appError.message,
        requestId: ctx.state.requestId,
        ...(appError.details === undefined ? {} : { details: appError.details }),
      };
      ctx.status = appError.status;
      ctx.body = body;
      if (appError.code === 'RATE_LIMITED' && typeof appError.details === 'object' && appError.details && 'retryAfterSeconds' in appError.details) {
        ctx.set('Retry-After', String(appError.details.retryAfterSeconds));
      }
    }
  };
}
