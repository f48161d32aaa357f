import type { AuditAction, AuditEntry, Page } from '@onevisit/shared-types';
import { newId } from '../../db/sql';
import type { AuditFilter, AuditRepo } from './repo';

export interface AuditActor {
  type: AuditEntry['actorType'];
  id: string;
  name: string;
}

export interface AuditRecord {
  actor: AuditActor;
  /** One of the named actions in shared-types (AUDIT_ACTION_NAMES). */
  action: AuditAction;
  subject: { type: string; id: string };
  reason?: string;
  requestId: string;
  ip?: string;
  /** Context that helps an investigator; never the unmasked value itself. */
  details?: Record<string, unknown>;
}

/**
 * Who did what to whom, why and when — for every read of unmasked personal data and every
 * privileged action. Callers record before they reveal: if the audit row cannot be written,
 * the value is not returned.
 */
export class AuditService {
  constructor(private readonly repo: AuditRepo) {}

  async record(r: AuditRecord): Promise<string> {
    const auditId = newId('aud');
    await this.repo.insert({
      auditId,
      at: new Date(),
      actorType: r.actor.type,
      actorId: r.actor.id,
      actorName: r.actor.name,
      action: r.action,
      subjectType: r.subject.type,
      subjectId: r.subject.id,
      reason: r.reason ?? null,
      requestId: r.requestId,
      ip: r.ip ?? null,
      details: r.details ?? null,
    });
    return auditId;
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<Page<AuditEntry>> {
    const { entries, total } = await this.repo.list(filter, (page - 1) * pageSize, pageSize);
    return { items: entries, page, pageSize, total };
  }
}
