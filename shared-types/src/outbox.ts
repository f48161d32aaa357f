import { z } from 'zod';
import { pageOf, PagingQuerySchema } from './paging';

// ---- the transactional outbox, as the console sees it (/console/api/outbox/…) ----

/** pending: waiting for (or in) delivery; delivered: done; dead: gave up, waits for a person. */
export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES);

/**
 * One side effect waiting to leave the process (upstream submission, SMS, partner webhook …).
 * The payload is never shown: it may hold personal data. `lastError` is truncated and scrubbed
 * of payload values; `dedupeKey` is a business key (case number, event), never personal data.
 */
export const OutboxEntrySchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    dedupeKey: z.string(),
    status: OutboxStatusSchema,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string(),
    createdAt: z.string(),
    /** When the status last changed (for a dead entry: when it was dead-lettered). */
    updatedAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxEntry' });
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

export const OutboxDeadQuerySchema = PagingQuerySchema.extend({
  topic: z.string().trim().max(64).optional(),
});
export type OutboxDeadQuery = z.infer<typeof OutboxDeadQuerySchema>;
export const OutboxDeadListResponseSchema = pageOf(OutboxEntrySchema);
export const OutboxIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
/** The entry after the retry: pending again, attempts reset, due now. */
export const OutboxRetryResponseSchema = OutboxEntrySchema;

/** At most this many dead entries are put back per bulk retry (call again for the rest). */
export const OUTBOX_RETRY_TOPIC_MAX = 500;
/**
 * Every dead entry of one topic back in the queue — after a cause shared by all of them is fixed
 * (a partner's receiver was down for a day, the province's secret was wrong).
 */
export const OutboxRetryTopicRequestSchema = z.object({
  topic: z.string().trim().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'an outbox topic (lower case, dots)'),
});
export type OutboxRetryTopicRequest = z.infer<typeof OutboxRetryTopicRequestSchema>;
export const OutboxRetryTopicResponseSchema = z.object({
  topic: z.string(),
  /** Put back to pending by this call. */
  retried: z.number().int(),
  /** Still dead (over OUTBOX_RETRY_TOPIC_MAX, or dead-lettered again meanwhile): call again. */
  remaining: z.number().int(),
});
export type OutboxRetryTopicResponse = z.infer<typeof OutboxRetryTopicResponseSchema>;
