import type { CitizenSummary, UnmaskableField } from '@onevisit/shared-types';
import { AppError } from '../../http/errors';
import type { StaffPrincipal } from '../../http/context';
import type { AuditService } from '../audit/service';
import type { IdentityService } from '../identity/service';
import type { RequestMeta } from './staffService';

/**
 * What staff may learn about citizens, and the audit trail of it: searches by full number are
 * recorded (masked results only); an unmask needs a reason and is recorded before the value is
 * read, so a value never leaves without its audit row.
 */
export class CitizenAccess {
  constructor(
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
  ) {}

  private actor(staff: StaffPrincipal) {
    return { type: 'staff' as const, id: staff.staffId, name: staff.displayName };
  }

  async search(query: { phone?: string; idNumber?: string }, staff: StaffPrincipal, meta: RequestMeta): Promise<CitizenSummary[]> {
    const citizens = await this.identity.findCitizens(query);
    await this.audit.record({
      actor: this.actor(staff),
      action: 'citizen.search',
      subject: { type: query.phone ? 'phone_query' : 'id_number_query', id: citizens.map((c) => c.userId).join(',').slice(0, 60) || 'none' },
      ...meta,
      details: { results: citizens.length },
    });
    return citizens;
  }

  async unmask(userId: string, field: UnmaskableField, reason: string | undefined, staff: StaffPrincipal, meta: RequestMeta): Promise<{ field: UnmaskableField; value: string; auditId: string }> {
    if (!reason || reason.length < 4) throw new AppError('UNMASK_REASON_REQUIRED', 'say why you need the full value (at least 4 characters)');
    if (!(await this.identity.citizenExists(userId))) throw new AppError('CITIZEN_NOT_FOUND', `no citizen ${userId}`);
    const auditId = await this.audit.record({ actor: this.actor(staff), action: 'citizen.unmask', subject: { type: 'citizen', id: userId }, reason, ...meta, details: { field } });
    const value = await this.identity.revealField(userId, field);
    if (value === null) throw new AppError('CITIZEN_NOT_FOUND', `citizen ${userId} has no ${field} on record`);
    return { field, value, auditId };
  }
}
