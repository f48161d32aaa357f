import type { Kysely } from 'kysely';
import type { AuditEntry } from '@onevisit/shared-types';
import type { Tables } from '../../db';
import { fromDbTime, toDbTime } from '../../db/sql';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

/** The audit log's SQL. Insert and read only: there is deliberately no update and no delete. */
export class AuditRepo {
  constructor(private readonly db: Kysely<Tables>) {}

  async insert(entry: Omit<AuditEntry, 'at'> & { at: Date }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        audit_id: entry.auditId,
        at: toDbTime(entry.at),
        actor_type: entry.actorType,
        actor_id: entry.actorId,
        actor_name: entry.actorName,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        reason: entry.reason,
        request_id: entry.requestId,
        ip: entry.ip,
        details: entry.details === null ? null : JSON.stringify(entry.details),
      })
      .execute();
  }

  private filtered(f: AuditFilter) {
    let q = this.db.selectFrom('audit_log');
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
    if (f.from) q = q.where('at', '>=', toDbTime(f.from));
    if (f.to) q = q.where('at', '<=', toDbTime(f.to));
    return q;
  }

  async list(f: AuditFilter, offset: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.filtered(f).selectAll().orderBy('at', 'desc').orderBy('audit_id', 'desc').offset(offset).limit(limit).execute(),
      this.filtered(f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(count.n),
      entries: rows.map((r) => ({
        auditId: r.audit_id,
        at: fromDbTime(r.at),
        actorType: r.actor_type as AuditEntry['actorType'],
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        reason: r.reason,
        requestId: r.request_id,
        ip: r.ip,
        details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
      })),
    };
  }
}
