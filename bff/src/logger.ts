import pino, { type Logger, type DestinationStream } from 'pino';
import { maskPersonalDataInText } from '@onevisit/shared-types';

export type { Logger };

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'token', 'accessToken', 'refreshToken', 'password', 'secret', 'sessionKey'];
const SECRET_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]);
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/** Masks ID and mobile numbers and bearer credentials inside any string of a log record. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalDataInText(value).replace(BEARER, '$1 [REDACTED]');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'onevisit-bff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: SECRET_PATHS, censor: '[REDACTED]' },
      formatters: { log: (record) => scrub(record) as Record<string, unknown> },
      hooks: {
        // The message string is not part of `record`, so scrub it separately.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? (scrub(a) as string) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
