import { maskPersonalDataInText } from '@onevisit/shared-types';

/**
 * Thrown by a handler when retrying cannot help (the partner refused the request as invalid, the
 * case no longer exists …): the entry is dead-lettered at once. Any other error is retried.
 * The message is stored and logged (scrubbed of payload values): say what went wrong, not to whom.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isPermanentFailure(err: unknown): boolean {
  return err instanceof PermanentFailure || (typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true);
}

/** The longest `last_error` kept (the column is varchar(200) on MySQL; characters, not bytes). */
export const LAST_ERROR_MAX_CHARS = 200;
const REDACTED = '[payload]';
const MAX_VALUES = 500;

/** String leaves of a payload worth redacting: strings of 2+ characters and numbers of 5+ digits. */
function payloadValues(payload: unknown): string[] {
  const values = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (values.size >= MAX_VALUES || depth > 8) return;
    if (typeof value === 'string') {
      if (value.trim().length >= 2) values.add(value.trim());
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      if (text.replace(/\D/g, '').length >= 5) values.add(text);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v, depth + 1);
    }
  };
  visit(payload, 0);
  // Longest first, so a value that contains another is removed whole.
  return [...values].sort((a, b) => b.length - a.length);
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text); // never cut a surrogate pair in half
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * What went wrong, fit for `last_error` and the logs: the error's name, its code when it has one,
 * and its message with every payload value replaced, ID and mobile numbers masked, control
 * characters flattened, truncated. Payloads may hold personal data; handlers' messages may quote
 * them (`invalid phone 138…`), so nothing of the payload survives here.
 */
export function describeFailure(err: unknown, payload?: unknown): string {
  const name = err instanceof Error ? err.name || 'Error' : 'NonError';
  const rawCode = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const code = (typeof rawCode === 'string' || typeof rawCode === 'number') && /^[\w.-]{1,40}$/.test(String(rawCode)) ? String(rawCode) : undefined;
  let message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'a non-error value was thrown';
  message = truncate(message, 2000); // bound the work below
  for (const value of payloadValues(payload)) {
    if (message.includes(value)) message = message.split(value).join(REDACTED);
  }
  message = maskPersonalDataInText(message).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return truncate(`${name}${code ? ` [${code}]` : ''}${message ? `: ${message}` : ''}`, LAST_ERROR_MAX_CHARS);
}
