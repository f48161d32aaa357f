import {
  maskIdNumber,
  maskPhone,
  type ApplicationSummary,
  type Approval,
  type CaseAction,
  type CaseActor,
  type CaseClock,
  type CaseDeadline,
  type CaseMaterial,
  type CaseState,
  type DeliveryOption,
  type FormField,
  type HandlingClass,
  type PendingMaterial,
  type Supplement,
  type TimelineEvent,
  type UpstreamDelivery,
} from '@onevisit/shared-types';
import { fromDbTime } from '../../db/sql';
import { maskName } from '../identity/service';
import type { ApprovalRow, CaseEventRow, CaseMaterialRow, CaseRow, PendingMaterialRow, SupplementRow } from './repo';
import { CLOCKED_STATES } from './repo';

/** Row → API shapes. Personal data in forms is masked here; nothing unmasked leaves by this door. */

const iso = (t: string | null): string | null => (t ? fromDbTime(t) : null);

export function deadlineView(row: CaseRow, fallbackYears: number[] = []): CaseDeadline | null {
  if (!row.deadline_at || !(CLOCKED_STATES as readonly string[]).includes(row.state)) return null;
  return {
    dueAt: fromDbTime(row.deadline_at),
    clock: (row.clock ?? 'green') as CaseClock,
    limitWorkingDays: row.limit_working_days,
    limitHours: row.limit_hours,
    fallbackYears,
  };
}

export function summaryView(row: CaseRow): ApplicationSummary {
  return {
    caseNo: row.case_no,
    itemCode: row.item_code,
    itemName: row.item_name,
    state: row.state as CaseState,
    handlingClass: row.handling_class as HandlingClass,
    greenChannel: row.green_channel === 1,
    bundleCaseNo: row.bundle_case_no,
    createdAt: fromDbTime(row.created_at),
    submittedAt: iso(row.submitted_at),
    acceptedAt: iso(row.accepted_at),
    decidedAt: iso(row.decided_at),
    deadline: deadlineView(row),
    upstream: row.upstream_delivery as UpstreamDelivery,
    updatedAt: fromDbTime(row.updated_at),
  };
}

/**
 * Masks the fields that carry ID numbers, phone numbers and personal names: by the item's schema,
 * and by key for forms of another schema (a bundle's combined form).
 */
export function maskForm(fields: FormField[], form: Record<string, unknown>): Record<string, unknown> {
  const types = new Map(fields.map((f) => [f.key, f.type]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const type = types.get(key);
    if (typeof value !== 'string') out[key] = value;
    else if (type === 'idNumber' || /idNumber$/i.test(key)) out[key] = maskIdNumber(value);
    else if (type === 'phone' || /phone$/i.test(key)) out[key] = maskPhone(value);
    else if (/(applicant|baby|owner|guardian|^)name$/i.test(key)) out[key] = maskName(value);
    else out[key] = value;
  }
  return out;
}

export function materialView(row: CaseMaterialRow): CaseMaterial {
  return {
    materialName: row.material_name,
    fileName: row.file_name,
    contentType: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
    attachedAt: fromDbTime(row.attached_at),
    source: row.source as CaseMaterial['source'],
  };
}

export function pendingView(row: PendingMaterialRow): PendingMaterial {
  return { materialName: row.material_name, promisedBy: row.promised_by, suppliedAt: iso(row.supplied_at) };
}

export function supplementView(row: SupplementRow): Supplement {
  return {
    supplementId: row.supplement_id,
    reasons: JSON.parse(row.reasons) as string[],
    requestedAt: fromDbTime(row.requested_at),
    answeredAt: iso(row.answered_at),
    answerNote: row.answer_note,
  };
}

export function approvalView(row: ApprovalRow): Approval {
  return { department: row.department, decision: row.decision as Approval['decision'], note: row.note, decidedAt: iso(row.decided_at) };
}

export function eventView(row: CaseEventRow): TimelineEvent {
  return {
    at: fromDbTime(row.at),
    action: row.action as CaseAction,
    state: row.state as CaseState,
    actor: row.actor as CaseActor,
    actorName: row.actor_name,
    note: row.note,
    visibleToCitizen: row.visible === 1,
  };
}

export const deliveryOf = (row: CaseRow) => row.delivery_option as DeliveryOption;
