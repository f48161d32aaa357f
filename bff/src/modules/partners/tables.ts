import type { Generated } from 'kysely';

/** Row shapes of the partners module (times are `toDbTime` strings). */
export interface PartnersTable {
  app_id: string;
  name: string;
  algorithm: string;
  /** JSON array of scopes. */
  scopes: string;
  /** JSON array of IPv4/IPv6 addresses or CIDR ranges; empty = any address. */
  ip_allow: string;
  rate_limit_per_minute: number;
  webhook_url: string | null;
  /** PiiCipher 'partnerSecret' ciphertexts: HMAC needs the secret itself, so it is encrypted, not hashed. */
  secret_enc: string;
  secret_created_at: string;
  /** The secret before the last rotation, valid until retired (rotation without downtime). */
  prev_secret_enc: string | null;
  prev_secret_created_at: string | null;
  webhook_secret_enc: string;
  profile_id: string;
  enabled: number;
  /** hotel, car_rental, airport, bank, patrol — or null for government platforms. */
  relying_party_type: string | null;
  created_at: string;
  updated_at: string;
}

/** A submission on a citizen's behalf, keyed by the partner's own serial number (申办流水号). */
export interface PartnerCasesTable {
  app_id: string;
  serial_no: string;
  request_hash: string;
  /** For an applicant named by a token: the hash of the body without the token (tokens are single use, so a retry may carry a new one). */
  request_hash_sans_token: string | null;
  /** Null while the submission is being processed (the serial number is reserved). */
  case_no: string | null;
  created_at: string;
}

/** The pull feed: one row per visible case event per partner, in commit order by `seq`. */
export interface PartnerEventsTable {
  seq: Generated<number>;
  app_id: string;
  event_id: string;
  case_no: string;
  serial_no: string;
  item_code: string;
  action: string;
  state: string;
  note: string | null;
  occurred_at: string;
  recorded_at: string;
}

/** One webhook push per partner and event; `delivery_id` is the outbox row's id. */
export interface PartnerWebhooksTable {
  delivery_id: string;
  app_id: string;
  event_id: string;
  case_no: string;
  state: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

/** Evidence of every open-API call, kept for a configurable period. */
export interface PartnerCallsTable {
  call_id: string;
  request_id: string;
  app_id: string | null;
  method: string;
  path: string;
  body_sha256: string;
  signature_result: string;
  status: number;
  latency_ms: number;
  ip: string;
  at: string;
}

/** Where a push to the province has got to, per stream (`catalog`: the catalogue sync cursor). */
export interface ProvincePushStateTable {
  stream: string;
  position: string;
  updated_at: string;
}

declare module '../../db/schema' {
  interface Tables {
    partners: PartnersTable;
    partner_cases: PartnerCasesTable;
    partner_events: PartnerEventsTable;
    partner_webhooks: PartnerWebhooksTable;
    partner_calls: PartnerCallsTable;
    province_push_state: ProvincePushStateTable;
  }
}
