import type { Kysely } from 'kysely';
import type { Tables } from '../db';
import { newId, toDbTime } from '../db/sql';
import './table';

/** `upstream.submit`, `notify.sms`, `webhook.partner`, `payment.query` …: lower case, dot-separated. */
export const TOPIC_PATTERN = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;
export const TOPIC_MAX_LENGTH = 64;
export const DEDUPE_KEY_MAX_LENGTH = 200;
/** A payload is what a handler needs to act, not a document store: 256 KiB of JSON at most. */
export const PAYLOAD_MAX_BYTES = 256 * 1024;

export interface EnqueueInput {
  /** Which handler delivers it. */
  topic: string;
  /**
   * The logical effect's identity, unique per topic (e.g. `${caseNo}:submitted`): enqueueing the
   * same key twice is a no-op, also after delivery. A business key, never personal data.
   */
  dedupeKey: string;
  /** Anything JSON can carry; may hold personal data (it is never logged). */
  payload: unknown;
  /** Deliver no earlier than this (default: as soon as the transaction commits). */
  notBefore?: Date;
}

export type EnqueueResult = { created: true; id: string } | { created: false };

/** A programming error in a caller (bad topic, huge payload); carries no payload content. */
export class OutboxEnqueueError extends Error {
  override readonly name = 'OutboxEnqueueError';
}

export function assertTopic(topic: string): void {
  if (typeof topic !== 'string' || topic.length > TOPIC_MAX_LENGTH || !TOPIC_PATTERN.test(topic)) {
    throw new OutboxEnqueueError(`invalid outbox topic ${JSON.stringify(String(topic).slice(0, TOPIC_MAX_LENGTH))}`);
  }
}

/**
 * Writes one side effect into the outbox with the caller's own transaction (or connection), so it
 * commits or rolls back with the state change that caused it. Idempotent: a second enqueue of the
 * same (topic, dedupeKey) changes nothing and answers `{ created: false }`.
 *
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   await repo.markSubmitted(trx, caseNo);
 *   await enqueue(trx, { topic: 'upstream.submit', dedupeKey: `${caseNo}:submit`, payload: { caseNo } });
 * });
 * ```
 */
export async function enqueue(db: Kysely<Tables>, input: EnqueueInput): Promise<EnqueueResult> {
  assertTopic(input.topic);
  const { dedupeKey } = input;
  // No surrounding spaces: MySQL's PAD SPACE collations ignore trailing ones, SQLite does not.
  if (
    typeof dedupeKey !== 'string' ||
    !dedupeKey.length ||
    Array.from(dedupeKey).length > DEDUPE_KEY_MAX_LENGTH ||
    /[\u0000-\u001f\u007f]/.test(dedupeKey) ||
    dedupeKey.trim() !== dedupeKey
  ) {
    throw new OutboxEnqueueError(`invalid dedupe key for ${input.topic}: 1–${DEDUPE_KEY_MAX_LENGTH} printable characters, no surrounding spaces`);
  }
  const payload = JSON.stringify(input.payload);
  if (payload === undefined) throw new OutboxEnqueueError(`the payload of ${input.topic} is not JSON-serialisable`);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > PAYLOAD_MAX_BYTES) throw new OutboxEnqueueError(`the payload of ${input.topic} has ${bytes} bytes; at most ${PAYLOAD_MAX_BYTES}`);
  if (input.notBefore !== undefined && Number.isNaN(input.notBefore.getTime())) throw new OutboxEnqueueError(`invalid notBefore for ${input.topic}`);

  const now = new Date();
  const id = newId('obx');
  // `insert ignore` on MySQL, `insert or ignore` on SQLite. MySQL's IGNORE also downgrades other
  // errors (truncation, NULLs) to warnings; every value is checked above, so only the duplicate is.
  const result = await db
    .insertInto('outbox')
    .ignore()
    .values({
      id,
      topic: input.topic,
      dedupe_key: dedupeKey,
      payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: toDbTime(input.notBefore ?? now),
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: toDbTime(now),
      updated_at: toDbTime(now),
      delivered_at: null,
    })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? { created: true, id } : { created: false };
}
