import type { Readable } from 'node:stream';
import {
  STAFF_CASE_ACTIONS,
  type CaseState,
  type StaffCaseActionRequest,
  type StaffCaseDetail,
  type StaffCaseSummary,
  type Page,
  type UpstreamSystemCode,
} from '@onevisit/shared-types';
import { newId, toDbTime, fromDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { StaffPrincipal } from '../../http/context';
import type { StoragePort } from '../../storage';
import type { AuditService } from '../audit/service';
import type { CatalogService } from '../catalog/service';
import type { RequestMeta } from '../console/staffService';
import type { IdentityService } from '../identity/service';
import * as intake from './intake';
import type { ApplicationRepo, CaseRow } from './repo';
import type { ApplicationService, CaseActorRef, MoveInput } from './service';
import { availableActions } from './stateMachine';
import { summaryView } from './views';

const NOTE_REQUIRED = new Set(['reject', 'not_accept']);

/**
 * The approver's desk in the console: the queue of in-house cases by deadline, a case in full
 * (applicant masked), decisions, and the audited reads of unmasked data and materials.
 * Each decision carries an `actionId`, so a retried click is applied once.
 */
export class CaseDesk {
  constructor(
    private readonly cases: ApplicationService,
    private readonly repo: ApplicationRepo,
    private readonly catalog: CatalogService,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly storage: StoragePort,
  ) {}

  async queue(view: 'todo' | 'all', filter: { caseNo?: string; state?: CaseState }, page: number, pageSize: number): Promise<Page<StaffCaseSummary>> {
    const { rows, total } = await this.repo.queue(view, filter, { page, pageSize });
    const items = await Promise.all(rows.map(async (row) => ({ ...summaryView(row), applicantName: await this.applicantName(row.user_id), upstreamSystem: row.upstream_system as UpstreamSystemCode | null })));
    return { items, page, pageSize, total };
  }

  async detail(caseNo: string): Promise<StaffCaseDetail> {
    const row = await this.cases.requireCase(caseNo);
    const detail = await this.cases.detail(row);
    const me = await this.identity.me(row.user_id).catch(() => null);
    return {
      ...detail,
      actions: this.staffActions(row, detail.approvals.some((a) => a.decision === 'pending')),
      applicant: { userId: row.user_id, name: me?.name ?? '（未实名）', idNumber: me?.idNumber ?? '', phone: me?.phone ?? null },
      upstreamSystem: row.upstream_system as UpstreamSystemCode | null,
      upstreamRef: row.upstream_ref,
      pendingDepartments: detail.approvals.filter((a) => a.decision === 'pending').map((a) => a.department),
    };
  }

  /** Staff act on in-house cases only; a department's system decides its own. */
  async act(caseNo: string, request: StaffCaseActionRequest, staff: StaffPrincipal): Promise<StaffCaseDetail> {
    const row = await this.cases.requireCase(caseNo);
    const actor: CaseActorRef = { type: 'staff', id: staff.staffId, name: staff.displayName };
    if (await this.repo.findEventByActionId(caseNo, request.actionId)) return this.detail(caseNo);
    if (row.upstream_system) throw new AppError('CASE_TRANSITION_ILLEGAL', `this case is handled by the ${row.upstream_system} system, not in the console`, { state: row.state });
    if (NOTE_REQUIRED.has(request.action) && !request.note) throw new AppError('VALIDATION_FAILED', 'say why (note)', { issues: [{ field: 'note', message: 'required for this decision' }] });
    const approvals = await this.repo.approvals(caseNo);
    const pendingDepartments = approvals.filter((a) => a.decision === 'pending').map((a) => a.department);
    if ((request.action === 'approve' || request.action === 'reject') && pendingDepartments.length) {
      await this.sign(row, request, actor, pendingDepartments);
    } else {
      await this.cases.move(caseNo, await this.moveFor(row, request, actor));
    }
    return this.detail(caseNo);
  }

  /** Reads the form and applicant in full: audited first, with the reason. */
  async unmask(caseNo: string, reason: string | undefined, staff: StaffPrincipal, meta: RequestMeta): Promise<{ formData: Record<string, unknown>; applicant: { name: string | null; idNumber: string | null; phone: string | null }; auditId: string }> {
    if (!reason || reason.trim().length < 4) throw new AppError('UNMASK_REASON_REQUIRED', 'say why you need the full form (at least 4 characters)');
    const row = await this.cases.requireCase(caseNo);
    const auditId = await this.audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action: 'case.unmask', subject: { type: 'case', id: caseNo }, reason: reason.trim(), ...meta });
    const applicant = await this.identity.applicantIdentity(row.user_id);
    return { formData: this.cases.formOf(row), applicant: { name: applicant?.name ?? null, idNumber: applicant?.idNumber ?? null, phone: applicant?.phone ?? null }, auditId };
  }

  /** A material's bytes, for viewing: the read is audited (materials are photos of documents). */
  async material(caseNo: string, sha256: string, staff: StaffPrincipal, meta: RequestMeta): Promise<{ body: Readable; contentType: string; bytes: number; fileName: string }> {
    const material = (await this.repo.materials(caseNo)).find((m) => m.sha256 === sha256);
    if (!material) throw new AppError('APPLICATION_NOT_FOUND', `no such material on case ${caseNo}`);
    await this.audit.record({ actor: { type: 'staff', id: staff.staffId, name: staff.displayName }, action: 'case.material_view', subject: { type: 'case', id: caseNo }, ...meta, details: { material: material.material_name } });
    return { body: await this.storage.get(material.storage_key), contentType: material.content_type, bytes: material.bytes, fileName: material.file_name };
  }

  private staffActions(row: CaseRow, signing: boolean): StaffCaseDetail['actions'] {
    if (row.upstream_system) return [];
    // pre_review belongs to the departments' systems; the console offers the decisions staff make.
    const possible = availableActions(row.state as CaseState, 'staff', this.cases.factsOf(row)).filter((a) => (STAFF_CASE_ACTIONS as readonly string[]).includes(a));
    return signing ? possible.filter((a) => a === 'approve' || a === 'reject' || a === 'request_supplement') : possible;
  }

  private async moveFor(row: CaseRow, request: StaffCaseActionRequest, actor: CaseActorRef): Promise<MoveInput> {
    const base: MoveInput = { action: request.action, actor, note: request.note ?? null, actionId: request.actionId };
    if (request.action === 'request_supplement') return this.supplementMove(row, request, base);
    if (request.action === 'accept' && request.pendingMaterials?.length) {
      const item = await this.catalog.requireItem(row.item_code);
      intake.checkPendingDeclarations(item, request.pendingMaterials, new Date());
      const names = request.pendingMaterials.map((p) => p.materialName).join('、');
      return {
        ...base,
        note: `${request.note ? `${request.note}；` : ''}容缺受理，待补交：${names}`,
        extra: async (trx) => {
          const existing = new Set((await this.repo.pending(row.case_no, trx)).map((p) => p.material_name));
          const rows = request.pendingMaterials!.filter((p) => !existing.has(p.materialName)).map((p) => ({ case_no: row.case_no, material_name: p.materialName, promised_by: p.promisedBy, supplied_at: null }));
          await this.repo.insertPending(trx, rows);
        },
      };
    }
    return base;
  }

  private supplementMove(row: CaseRow, request: StaffCaseActionRequest, base: MoveInput): MoveInput {
    const reasons = request.reasons ?? [];
    if (!reasons.length) throw new AppError('VALIDATION_FAILED', 'list what must be supplemented (reasons)', { issues: [{ field: 'reasons', message: 'at least one' }] });
    return supplementInput(this.repo, row.case_no, reasons, base);
  }

  /** 并联审批: one department signs; the last approval approves the case, any refusal rejects it. */
  private async sign(row: CaseRow, request: StaffCaseActionRequest, actor: CaseActorRef, pendingDepartments: string[]): Promise<void> {
    const department = request.department;
    if (!department || !pendingDepartments.includes(department)) {
      throw new AppError('APPROVAL_DEPARTMENT_INVALID', 'choose one of the departments still to sign', { pendingDepartments });
    }
    const decision = request.action === 'approve' ? 'approved' : 'rejected';
    const last = decision === 'rejected' || pendingDepartments.length === 1;
    const record = async (trx: Parameters<NonNullable<MoveInput['extra']>>[0]) => {
      if (!(await this.repo.decideApproval(trx, row.case_no, department, decision, request.note ?? null, toDbTime(new Date()), actor.id ?? ''))) {
        throw new AppError('CONFLICT', `${department} has already signed`);
      }
    };
    const note = `${department}：${decision === 'approved' ? '同意' : '不同意'}${request.note ? `（${request.note}）` : ''}`;
    if (last) {
      await this.cases.move(row.case_no, { action: request.action, actor, note, actionId: request.actionId, extra: record });
      return;
    }
    // Not the last signature: the case stays in review; the timeline records who signed.
    await this.repo.db.transaction().execute(async (trx) => {
      await record(trx);
      await this.repo.insertEvent(trx, {
        event_id: newId('evt'),
        case_no: row.case_no,
        at: toDbTime(new Date()),
        action: request.action,
        state: row.state,
        actor: actor.type,
        actor_id: actor.id,
        actor_name: actor.name,
        note,
        visible: 1,
        action_id: request.actionId,
      });
      await this.repo.touch(trx, row.case_no, toDbTime(new Date()));
    });
  }

  private async applicantName(userId: string): Promise<string> {
    const me = await this.identity.me(userId).catch(() => null);
    return me?.name ?? '（未实名）';
  }
}

/** A supplement request (补正) as a move: the row with its reasons opens a pause of the clock. */
export function supplementInput(repo: ApplicationRepo, caseNo: string, reasons: string[], base: MoveInput, at: Date = new Date()): MoveInput {
  const supplementId = newId('sup');
  return {
    ...base,
    note: base.note ?? `请补正：${reasons.join('；')}`,
    pauses: (current) => [
      ...current.map((s) => ({ from: new Date(fromDbTime(s.requested_at)), to: s.answered_at ? new Date(fromDbTime(s.answered_at)) : null })),
      { from: at, to: null },
    ],
    extra: async (trx) => {
      await base.extra?.(trx);
      await repo.insertSupplement(trx, { supplement_id: supplementId, case_no: caseNo, reasons: JSON.stringify(reasons), requested_at: toDbTime(at), answered_at: null, answer_note: null });
    },
  };
}
