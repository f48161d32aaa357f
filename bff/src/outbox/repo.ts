import { sql, type Kysely } from 'kysely';
import type { OutboxEntry, OutboxStatus } from '@onevisit/shared-types';
import type { Tables } from '../db';
import { fromDbTime, toDbTime, type DialectName } from '../db/sql';
import type { OutboxTable } from './table';
import './table';

/** A row this dispatcher holds a lease on, ready to deliver. */
export interface ClaimedEntry {
  id: string;
  topic: string;
  /** JSON text; parsed only right before the handler runs. */
  payload: string;
  /** Including this delivery (attempts are counted when claimed). */
  attempt: number;
}

export interface ClaimRequest {
  /** Unique per claim: `owner#sequence`; the outcome is written only while this still holds the lease. */
  leaseToken: string;
  topics: readonly string[];
  now: Date;
  leaseMs: number;
  limit: number;
}

export interface Backlog {
  pending: number;
  dead: number;
  /** next_attempt_at of the oldest pending row that is due (null when none is). */
  oldestDueAt: Date | null;
}

function toEntry(r: OutboxTable): OutboxEntry {
  return {
    id: r.id,
    topic: r.topic,
    dedupeKey: r.dedupe_key,
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    nextAttemptAt: fromDbTime(r.next_attempt_at),
    createdAt: fromDbTime(r.created_at),
    updatedAt: fromDbTime(r.updated_at),
    deliveredAt: r.delivered_at === null ? null : fromDbTime(r.delivered_at),
  };
}

const ENTRY_COLUMNS = ['id', 'topic', 'dedupe_key', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'updated_at', 'delivered_at'] as const;

/**
 * The outbox's SQL, hiding the dialects: on MySQL/MariaDB rows are claimed in a transaction with
 * `SELECT … FOR UPDATE SKIP LOCKED` (several processes dispatch at once), on SQLite (one writer,
 * one process per file) with one atomic `UPDATE … WHERE id IN (due rows)`. Every outcome is
 * written only while the claim's lease token still holds the row.
 */
export class OutboxRepo {
  constructor(
    readonly db: Kysely<Tables>,
    readonly dialect: DialectName,
  ) {}

  async claim(req: ClaimRequest): Promise<ClaimedEntry[]> {
    if (!req.topics.length || req.limit < 1) return [];
    const now = toDbTime(req.now);
    const leaseUntil = toDbTime(new Date(req.now.getTime() + req.leaseMs));
    const lease = { lease_owner: req.leaseToken, lease_until: leaseUntil, attempts: sql<number>`attempts + 1` };
    if (this.dialect === 'mysql') {
      // READ COMMITTED: no gap locks, so enqueueing transactions are not held up by a claim.
      return this.db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (trx) => {
          const rows = await trx
            .selectFrom('outbox')
            .select(['id', 'topic', 'payload', 'attempts'])
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
            .where('topic', 'in', [...req.topics])
            .orderBy('next_attempt_at')
            .limit(req.limit)
            .forUpdate()
            .skipLocked()
            .execute();
          if (!rows.length) return [];
          await trx
            .updateTable('outbox')
            .set(lease)
            .where('id', 'in', rows.map((r) => r.id))
            .execute();
          return rows.map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, attempt: Number(r.attempts) + 1 }));
        });
    }
    // SQLite: one statement, so the check and the claim cannot be separated by another claim.
    const result = await this.db
      .updateTable('outbox')
      .set(lease)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .where('topic', 'in', [...req.topics])
          .orderBy('next_attempt_at')
          .limit(req.limit),
      )
      .executeTakeFirst();
    if (!Number(result.numUpdatedRows)) return [];
    const rows = await this.db
      .selectFrom('outbox')
      .select(['id', 'topic', 'payload', 'attempts', 'next_attempt_at'])
      .where('lease_owner', '=', req.leaseToken)
      .where('status', '=', 'pending')
      .orderBy('next_attempt_at')
      .execute();
    return rows.map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, attempt: Number(r.attempts) }));
  }

  private held(id: string, leaseToken: string) {
    return this.db.updateTable('outbox').where('id', '=', id).where('lease_owner', '=', leaseToken).where('status', '=', 'pending');
  }

  private static changed(result: { numUpdatedRows: bigint }): boolean {
    return Number(result.numUpdatedRows) > 0;
  }

  /** False when the lease was lost (expired and taken by another dispatcher) before the outcome. */
  async markDelivered(id: string, leaseToken: string, now: Date): Promise<boolean> {
    const at = toDbTime(now);
    const result = await this.held(id, leaseToken)
      .set({ status: 'delivered', delivered_at: at, updated_at: at, lease_owner: null, lease_until: null })
      .executeTakeFirst();
    return OutboxRepo.changed(result);
  }

  async scheduleRetry(id: string, leaseToken: string, now: Date, nextAttemptAt: Date, lastError: string): Promise<boolean> {
    const result = await this.held(id, leaseToken)
      .set({ next_attempt_at: toDbTime(nextAttemptAt), last_error: lastError, updated_at: toDbTime(now), lease_owner: null, lease_until: null })
      .executeTakeFirst();
    return OutboxRepo.changed(result);
  }

  async markDead(id: string, leaseToken: string, now: Date, lastError: string): Promise<boolean> {
    const result = await this.held(id, leaseToken)
      .set({ status: 'dead', last_error: lastError, updated_at: toDbTime(now), lease_owner: null, lease_until: null })
      .executeTakeFirst();
    return OutboxRepo.changed(result);
  }

  async find(id: string): Promise<OutboxEntry | null> {
    const row = await this.db.selectFrom('outbox').select(ENTRY_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toEntry(row as OutboxTable) : null;
  }

  async listDead(filter: { topic?: string }, offset: number, limit: number): Promise<{ entries: OutboxEntry[]; total: number }> {
    let q = this.db.selectFrom('outbox').where('status', '=', 'dead');
    if (filter.topic) q = q.where('topic', '=', filter.topic);
    const [rows, count] = await Promise.all([
      q.select(ENTRY_COLUMNS).orderBy('updated_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { entries: rows.map((r) => toEntry(r as OutboxTable)), total: Number(count.n) };
  }

  /** A dead entry back to pending, due now, attempts reset. False when it is not dead (or absent). */
  async retryDead(id: string, now: Date): Promise<boolean> {
    return (await this.requeueDead([id], now)) > 0;
  }

  /** Up to `limit` dead entries of a topic back to pending, oldest first; how many were moved. */
  async retryDeadOfTopic(topic: string, now: Date, limit: number): Promise<number> {
    const ids = (await this.db.selectFrom('outbox').select('id').where('status', '=', 'dead').where('topic', '=', topic).orderBy('updated_at').orderBy('id').limit(limit).execute()).map((r) => r.id);
    return ids.length ? this.requeueDead(ids, now) : 0;
  }

  /** Those of the entries still dead: pending, attempts reset, due now, unleased. */
  private async requeueDead(ids: string[], now: Date): Promise<number> {
    const at = toDbTime(now);
    const result = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: at, updated_at: at, lease_owner: null, lease_until: null })
      .where('id', 'in', ids)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async countDead(topic: string): Promise<number> {
    const row = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'dead').where('topic', '=', topic).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async backlog(now: Date): Promise<Backlog> {
    const [counts, oldest] = await Promise.all([
      this.db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'dead'])
        .groupBy('status')
        .execute(),
      this.db
        .selectFrom('outbox')
        .select('next_attempt_at')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', toDbTime(now))
        .orderBy('next_attempt_at')
        .limit(1)
        .executeTakeFirst(),
    ]);
    const n = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
    return { pending: n('pending'), dead: n('dead'), oldestDueAt: oldest ? new Date(fromDbTime(oldest.next_attempt_at)) : null };
  }
}
