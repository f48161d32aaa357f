import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const partnerMigrations: Record<string, MigrationStep> = {
  /** The open-API partner registry, submissions by partner serial, the event feed, webhook pushes and call evidence. */
  '0010_partners': async (db, dialect) => {
    const t = columnTypes(dialect);
    const ts = sql.raw(t.timestamp);
    const code = sql.raw(t.code);
    const text = sql.raw(t.json);
    await createTable(db, dialect, 'partners')
      .addColumn('app_id', code, (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('algorithm', code, (c) => c.notNull())
      .addColumn('scopes', text, (c) => c.notNull())
      .addColumn('ip_allow', text, (c) => c.notNull())
      .addColumn('rate_limit_per_minute', 'integer', (c) => c.notNull())
      .addColumn('webhook_url', sql.raw(dialect === 'mysql' ? 'varchar(500)' : 'text'))
      .addColumn('secret_enc', text, (c) => c.notNull())
      .addColumn('secret_created_at', ts, (c) => c.notNull())
      .addColumn('prev_secret_enc', text)
      .addColumn('prev_secret_created_at', ts)
      .addColumn('webhook_secret_enc', text, (c) => c.notNull())
      .addColumn('profile_id', code, (c) => c.notNull())
      .addColumn('enabled', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();

    await createTable(db, dialect, 'partner_cases')
      .addColumn('app_id', code, (c) => c.notNull())
      .addColumn('serial_no', code, (c) => c.notNull())
      .addColumn('request_hash', code, (c) => c.notNull())
      .addColumn('case_no', code)
      .addColumn('created_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('partner_cases_pk', ['app_id', 'serial_no'])
      .execute();
    await db.schema.createIndex('partner_cases_case').on('partner_cases').column('case_no').execute();

    await createTable(db, dialect, 'partner_events')
      .addColumn('seq', dialect === 'mysql' ? sql.raw('bigint') : 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('app_id', code, (c) => c.notNull())
      .addColumn('event_id', code, (c) => c.notNull())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('serial_no', code, (c) => c.notNull())
      .addColumn('item_code', code, (c) => c.notNull())
      .addColumn('action', code, (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('note', text)
      .addColumn('occurred_at', ts, (c) => c.notNull())
      .addColumn('recorded_at', ts, (c) => c.notNull())
      .addUniqueConstraint('partner_events_event', ['app_id', 'event_id'])
      .execute();
    await db.schema.createIndex('partner_events_feed').on('partner_events').columns(['app_id', 'seq']).execute();

    await createTable(db, dialect, 'partner_webhooks')
      .addColumn('delivery_id', code, (c) => c.primaryKey())
      .addColumn('app_id', code, (c) => c.notNull())
      .addColumn('event_id', code, (c) => c.notNull())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('status', code, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', sql.raw(t.name))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('last_attempt_at', ts)
      .addColumn('delivered_at', ts)
      .addUniqueConstraint('partner_webhooks_event', ['app_id', 'event_id'])
      .execute();
    await db.schema.createIndex('partner_webhooks_list').on('partner_webhooks').columns(['app_id', 'created_at']).execute();
    await db.schema.createIndex('partner_webhooks_status').on('partner_webhooks').columns(['status', 'created_at']).execute();

    await createTable(db, dialect, 'partner_calls')
      .addColumn('call_id', code, (c) => c.primaryKey())
      .addColumn('request_id', code, (c) => c.notNull())
      .addColumn('app_id', code)
      .addColumn('method', code, (c) => c.notNull())
      .addColumn('path', sql.raw(dialect === 'mysql' ? 'varchar(500)' : 'text'), (c) => c.notNull())
      .addColumn('body_sha256', code, (c) => c.notNull())
      .addColumn('signature_result', code, (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('ip', code, (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('partner_calls_at').on('partner_calls').column('at').execute();
    await db.schema.createIndex('partner_calls_app').on('partner_calls').columns(['app_id', 'at']).execute();
    await db.schema.createIndex('partner_calls_request').on('partner_calls').column('request_id').execute();
  },
  /** Relying parties (hotels, car rentals, airports, banks, patrols) verify licences: their kind decides what they may see. */
  '0012_partner_relying_party': async (db) => {
    await db.schema.alterTable('partners').addColumn('relying_party_type', 'varchar(32)').execute();
  },
  /** A submit retried with a freshly minted applicant token is recognised by the rest of its body. */
  '0014_partner_case_token_free_hash': async (db) => {
    await db.schema.alterTable('partner_cases').addColumn('request_hash_sans_token', 'varchar(64)').execute();
  },
};
