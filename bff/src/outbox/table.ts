/**
 * The `outbox` table's row type, added to the schema by module augmentation so the table stays
 * owned by this folder (db/schema.ts lists the core tables only).
 */
export interface OutboxTable {
  /** `obx_…` from newId: sortable by creation. */
  id: string;
  /** What kind of effect, and so which handler delivers it: `upstream.submit`, `notify.sms` … */
  topic: string;
  /** Unique per topic: enqueueing the same logical effect twice is a no-op. Never personal data. */
  dedupe_key: string;
  /** JSON text. May hold personal data: never logged, never shown, never copied into last_error. */
  payload: string;
  /** pending | delivered | dead */
  status: string;
  /** Deliveries started (counted when claimed, so a row that crashes its dispatcher still runs out). */
  attempts: number;
  /** Not before this time (UTC `YYYY-MM-DD HH:MM:SS.mmm`); the dispatcher's index is (status, next_attempt_at). */
  next_attempt_at: string;
  /** Who holds the row while delivering: `host:pid:instance#claim`; null when nobody does. */
  lease_owner: string | null;
  /** The lease ends here; an expired lease (a crashed dispatcher) makes the row claimable again. */
  lease_until: string | null;
  /** Why the last attempt failed: error name, code and a scrubbed, truncated message. */
  last_error: string | null;
  created_at: string;
  /** When the status last changed (dead letters are listed newest first by this). */
  updated_at: string;
  delivered_at: string | null;
}

declare module '../db/schema' {
  interface Tables {
    outbox: OutboxTable;
  }
}
