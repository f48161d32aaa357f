import pino, { type Logger, type DestinationStream } from 'pino';
import { maskPersonalDataInText } from '@onevisit/shared-types';

export type { Logger };

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'token', 'accessToken', 'refreshToken', 'password', 'secret', 'sessionKey'];
const SECRET_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`]);
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** Cheap pre-check: only strings with an 11+ digit run or a credential scheme can need masking. */
const MAYBE_SENSITIVE = /\d{11}|Bearer\s|Basic\s/;

/**
 * Masks ID and mobile numbers and bearer credentials inside any string of a log record. Runs on
 * every log line, so it copies an object only when something in it changed.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return MAYBE_SENSITIVE.test(value) ? maskPersonalDataInText(value).replace(BEARER, '$1 [REDACTED]') : value;
  }
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) {
    const mapped = value.map((v) => scrub(v, depth + 1));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  let out: Record<string, unknown> | null = null;
  for (const key in value) {
    const original = (value as Record<string, unknown>)[key];
    const scrubbed = scrub(original, depth + 1);
    if (scrubbed !== original) (out ??= { ...(value as Record<string, unknown>) })[key] = scrubbed;
  }
  return out ?? value;
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
