import pino, { type Logger, type DestinationStream } from 'pino';
import { maskPersonalDataInText } from '@onevisit/shared-types';

export type { Logger };

/** Keys (compared in lower case) whose values never reach a log line, at any depth of the record. */
const SECRET_KEYS = new Set(['authorization', 'cookie', 'set-cookie', 'token', 'accesstoken', 'refreshtoken', 'password', 'secret', 'sessionkey', 'x-ov-signature']);
const REDACTED = '[REDACTED]';
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** Cheap pre-check: only strings with an 11+ digit run or a credential scheme can need masking. */
const MAYBE_SENSITIVE = /\d{11}|Bearer\s|Basic\s/;

/**
 * One pass over a log record: secret keys are replaced, ID and mobile numbers and bearer
 * credentials inside any string are masked, errors are serialised first so their messages are
 * masked too. Runs on every log line, so it copies an object only when something in it changed.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return MAYBE_SENSITIVE.test(value) ? maskPersonalDataInText(value).replace(BEARER, `$1 ${REDACTED}`) : value;
  }
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const mapped = value.map((v) => scrub(v, depth + 1));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  let out: Record<string, unknown> | null = null;
  for (const key in value) {
    const original = (value as Record<string, unknown>)[key];
    const scrubbed = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : scrub(original, depth + 1);
    if (scrubbed !== original) (out ??= { ...(value as Record<string, unknown>) })[key] = scrubbed;
  }
  return out ?? value;
}

/** Human-readable lines for a developer at a terminal; JSON everywhere else. */
function prettyDestination(): DestinationStream | undefined {
  if (process.env.NODE_ENV === 'production' || !process.stdout.isTTY) return undefined;
  try {
    return pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } });
  } catch {
    return undefined; // pino-pretty is a dev dependency; without it, JSON
  }
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'onevisit-bff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (record) => scrub(record) as Record<string, unknown> },
      hooks: {
        // The message string is not part of `record`, so scrub it separately.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? (scrub(a) as string) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? prettyDestination(),
  );
}
