/** Row shapes of the applications module's tables (times are `toDbTime` strings, booleans 0/1). */
export interface CasesTable {
  case_no: string;
  user_id: string;
  item_code: string;
  item_name: string;
  bundle_case_no: string | null;
  state: string;
  handling_class: string;
  green_channel: number;
  fee_due: string;
  delivery_option: string;
  form_enc: string;
  upstream_system: string | null;
  upstream_ref: string | null;
  upstream_delivery: string;
  idempotency_key: string;
  request_hash: string;
  approved: number;
  resume_state: string | null;
  limit_working_days: number | null;
  limit_hours: number | null;
  deadline_at: string | null;
  clock: string | null;
  version: number;
  created_at: string;
  submitted_at: string | null;
  accepted_at: string | null;
  decided_at: string | null;
  updated_at: string;
}

export interface CaseEventsTable {
  event_id: string;
  case_no: string;
  at: string;
  action: string;
  state: string;
  actor: string;
  actor_id: string | null;
  actor_name: string;
  note: string | null;
  visible: number;
  action_id: string | null;
}

export interface CaseUploadsTable {
  upload_id: string;
  user_id: string;
  storage_key: string;
  file_name: string;
  content_type: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

export interface CaseMaterialsTable {
  case_no: string;
  upload_id: string;
  material_name: string;
  file_name: string;
  content_type: string;
  bytes: number;
  sha256: string;
  storage_key: string;
  source: string;
  attached_at: string;
}

export interface CasePendingMaterialsTable {
  case_no: string;
  material_name: string;
  promised_by: string;
  supplied_at: string | null;
}

export interface CaseSupplementsTable {
  supplement_id: string;
  case_no: string;
  reasons: string;
  requested_at: string;
  answered_at: string | null;
  answer_note: string | null;
}

export interface CaseApprovalsTable {
  case_no: string;
  department: string;
  decision: string;
  note: string | null;
  decided_at: string | null;
  decided_by: string | null;
}

export interface BundleCasesTable {
  bundle_case_no: string;
  bundle_code: string;
  bundle_name: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  created_at: string;
}

declare module '../../db/schema' {
  interface Tables {
    cases: CasesTable;
    case_events: CaseEventsTable;
    case_uploads: CaseUploadsTable;
    case_materials: CaseMaterialsTable;
    case_pending_materials: CasePendingMaterialsTable;
    case_supplements: CaseSupplementsTable;
    case_approvals: CaseApprovalsTable;
    bundle_cases: BundleCasesTable;
  }
}
