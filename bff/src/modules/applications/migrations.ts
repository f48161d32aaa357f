import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const applicationMigrations: Record<string, MigrationStep> = {
  /** One counter per (item, Shanghai day): case numbers are itemCode + yyyyMMdd + sequence. */
  '0005_case_numbers': async (db, dialect) => {
    const t = columnTypes(dialect);
    await createTable(db, dialect, 'case_sequences')
      .addColumn('scope', sql.raw(t.code), (c) => c.notNull())
      .addColumn('day', sql.raw(dialect === 'mysql' ? 'char(8)' : 'text'), (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_sequences_pk', ['scope', 'day'])
      .execute();
  },

  /** Cases, their timeline, materials, supplements, approvals, uploads and bundles. */
  '0006_cases': async (db, dialect) => {
    const t = columnTypes(dialect);
    const ts = sql.raw(t.timestamp);
    const code = sql.raw(t.code);
    const name = sql.raw(t.name);
    const json = sql.raw(t.json);

    await createTable(db, dialect, 'cases')
      .addColumn('case_no', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('item_code', code, (c) => c.notNull())
      .addColumn('item_name', name, (c) => c.notNull())
      .addColumn('bundle_case_no', code)
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('handling_class', code, (c) => c.notNull())
      .addColumn('green_channel', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('fee_due', code, (c) => c.notNull())
      .addColumn('delivery_option', code, (c) => c.notNull())
      // The whole form, AES-256-GCM under the PII keys: it holds ID and phone numbers.
      .addColumn('form_enc', json, (c) => c.notNull())
      .addColumn('upstream_system', code)
      .addColumn('upstream_ref', code)
      .addColumn('upstream_delivery', code, (c) => c.notNull())
      .addColumn('idempotency_key', code, (c) => c.notNull())
      .addColumn('request_hash', code, (c) => c.notNull())
      .addColumn('approved', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('resume_state', code)
      .addColumn('limit_working_days', 'integer')
      .addColumn('limit_hours', 'integer')
      .addColumn('deadline_at', ts)
      .addColumn('clock', code)
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('submitted_at', ts)
      .addColumn('accepted_at', ts)
      .addColumn('decided_at', ts)
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addUniqueConstraint('cases_user_idempotency', ['user_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('cases_user_created').on('cases').columns(['user_id', 'created_at']).execute();
    // The SLA sweep and the approver queue both walk cases by deadline.
    await db.schema.createIndex('cases_deadline').on('cases').columns(['deadline_at']).execute();
    await db.schema.createIndex('cases_state_deadline').on('cases').columns(['state', 'deadline_at']).execute();
    await db.schema.createIndex('cases_bundle').on('cases').columns(['bundle_case_no']).execute();

    await createTable(db, dialect, 'case_events')
      .addColumn('event_id', code, (c) => c.primaryKey())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .addColumn('action', code, (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('actor', code, (c) => c.notNull())
      .addColumn('actor_id', code)
      .addColumn('actor_name', name, (c) => c.notNull())
      .addColumn('note', sql.raw('text'))
      .addColumn('visible', sql.raw(t.bool), (c) => c.notNull())
      // A retried staff click, a re-delivered upstream callback: applied once per case.
      .addColumn('action_id', code)
      .addUniqueConstraint('case_events_action_id', ['case_no', 'action_id'])
      .execute();
    await db.schema.createIndex('case_events_case_at').on('case_events').columns(['case_no', 'at']).execute();

    await createTable(db, dialect, 'case_uploads')
      .addColumn('upload_id', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('storage_key', code, (c) => c.notNull())
      .addColumn('file_name', name, (c) => c.notNull())
      .addColumn('content_type', code, (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('sha256', code, (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_uploads_user').on('case_uploads').columns(['user_id', 'created_at']).execute();

    await createTable(db, dialect, 'case_materials')
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('upload_id', code, (c) => c.notNull())
      .addColumn('material_name', name, (c) => c.notNull())
      .addColumn('file_name', name, (c) => c.notNull())
      .addColumn('content_type', code, (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('sha256', code, (c) => c.notNull())
      .addColumn('storage_key', code, (c) => c.notNull())
      .addColumn('source', code, (c) => c.notNull())
      .addColumn('attached_at', ts, (c) => c.notNull())
      .addPrimaryKeyConstraint('case_materials_pk', ['case_no', 'upload_id'])
      .execute();

    await createTable(db, dialect, 'case_pending_materials')
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('material_name', name, (c) => c.notNull())
      .addColumn('promised_by', sql.raw(dialect === 'mysql' ? 'char(10)' : 'text'), (c) => c.notNull())
      .addColumn('supplied_at', ts)
      .addPrimaryKeyConstraint('case_pending_materials_pk', ['case_no', 'material_name'])
      .execute();

    await createTable(db, dialect, 'case_supplements')
      .addColumn('supplement_id', code, (c) => c.primaryKey())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('reasons', json, (c) => c.notNull())
      .addColumn('requested_at', ts, (c) => c.notNull())
      .addColumn('answered_at', ts)
      .addColumn('answer_note', sql.raw('text'))
      .execute();
    await db.schema.createIndex('case_supplements_case').on('case_supplements').columns(['case_no', 'requested_at']).execute();

    await createTable(db, dialect, 'case_approvals')
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('department', name, (c) => c.notNull())
      .addColumn('decision', code, (c) => c.notNull())
      .addColumn('note', sql.raw('text'))
      .addColumn('decided_at', ts)
      .addColumn('decided_by', code)
      .addPrimaryKeyConstraint('case_approvals_pk', ['case_no', 'department'])
      .execute();

    await createTable(db, dialect, 'bundle_cases')
      .addColumn('bundle_case_no', code, (c) => c.primaryKey())
      .addColumn('bundle_code', code, (c) => c.notNull())
      .addColumn('bundle_name', name, (c) => c.notNull())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('idempotency_key', code, (c) => c.notNull())
      .addColumn('request_hash', code, (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addUniqueConstraint('bundle_cases_user_idempotency', ['user_id', 'idempotency_key'])
      .execute();
  },
};
