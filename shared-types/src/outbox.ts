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
