/** Row shapes of the licences module (times are `toDbTime` strings). */
export interface LicencesTable {
  /** The GB/T 36904 identifier. */
  licence_id: string;
  user_id: string;
  type: string;
  status: string;
  status_note: string | null;
  /** When the library said so: a late push never overwrites a newer status. */
  status_at: string;
  version: string;
  valid_until: string | null;
  /** PiiCipher 'licence': the GB/T 36903 metadata and surface fields as the library sent them. */
  data_enc: string;
  synced_at: string;
  updated_at: string;
}

/** Who verified or read which licence, when, for what: the citizen sees these in the wallet. */
export interface LicenceUsagesTable {
  usage_id: string;
  user_id: string;
  licence_id: string;
  licence_type: string;
  via: string;
  app_id: string;
  relying_party_name: string;
  relying_party_type: string | null;
  purpose: string;
  reason: string;
  /** JSON array of the field keys returned. */
  fields: string;
  at: string;
}

/** 授权使用: a named partner may read a licence's chosen fields until expiry or revocation. */
export interface LicenceGrantsTable {
  grant_id: string;
  user_id: string;
  licence_id: string;
  app_id: string;
  partner_name: string;
  purpose: string;
  fields: string;
  idempotency_key: string;
  request_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  uses: number;
}

declare module '../../db/schema' {
  interface Tables {
    licences: LicencesTable;
    licence_usages: LicenceUsagesTable;
    licence_grants: LicenceGrantsTable;
  }
}
