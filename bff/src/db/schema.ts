/**
 * Row types of every table, as kysely sees them. Columns are snake_case; repos map rows to the
 * shared-types shapes. JSON lives in text columns (identical on SQLite and MySQL); timestamps are
 * UTC strings `YYYY-MM-DD HH:MM:SS.mmm` on both (mysql2 runs with dateStrings).
 */
export interface CatalogItemsTable {
  item_code: string;
  name: string;
  domain: string;
  item_type: string;
  handling_mode: string;
  handling_class: string;
  visits_required: number;
  fee_fen: number;
  popularity: number;
  enabled: number;
  body: string;
  updated_at: string;
}

export interface CatalogBundlesTable {
  bundle_code: string;
  name: string;
  body: string;
  updated_at: string;
}

export interface UsersTable {
  user_id: string;
  name_enc: string | null;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  phone_enc: string | null;
  phone_bidx: string | null;
  real_name_at: string | null;
  face_verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserIdentitiesTable {
  platform: string;
  subject: string;
  user_id: string;
  label: string;
  linked_at: string;
}

export interface StaffAccountsTable {
  staff_id: string;
  username: string;
  display_name: string;
  role: string;
  status: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  audit_id: string;
  at: string;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  request_id: string;
  ip: string | null;
  details: string | null;
}

export interface Tables {
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  staff_accounts: StaffAccountsTable;
  audit_log: AuditLogTable;
  catalog_items: CatalogItemsTable;
  catalog_bundles: CatalogBundlesTable;
}
