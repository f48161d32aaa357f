import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const licenceMigrations: Record<string, MigrationStep> = {
  /** The wallet's licences (a copy of the library's, refreshed), usage records and grants. */
  '0013_licences': async (db, dialect) => {
    const t = columnTypes(dialect);
    const ts = sql.raw(t.timestamp);
    const code = sql.raw(t.code);
    const text = sql.raw(t.json);
    const id = sql.raw(dialect === 'mysql' ? 'varchar(96)' : 'text');
    await createTable(db, dialect, 'licences')
      .addColumn('licence_id', id, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('type', code, (c) => c.notNull())
      .addColumn('status', code, (c) => c.notNull())
      .addColumn('status_note', sql.raw(t.name))
      .addColumn('status_at', ts, (c) => c.notNull())
      .addColumn('version', code, (c) => c.notNull())
      .addColumn('valid_until', code)
      .addColumn('data_enc', text, (c) => c.notNull())
      .addColumn('synced_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('licences_user').on('licences').columns(['user_id', 'type']).execute();

    await createTable(db, dialect, 'licence_usages')
      .addColumn('usage_id', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('licence_id', id, (c) => c.notNull())
      .addColumn('licence_type', code, (c) => c.notNull())
      .addColumn('via', code, (c) => c.notNull())
      .addColumn('app_id', code, (c) => c.notNull())
      .addColumn('relying_party_name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('relying_party_type', code)
      .addColumn('purpose', sql.raw(t.name), (c) => c.notNull())
      .addColumn('reason', sql.raw(t.name), (c) => c.notNull())
      .addColumn('fields', text, (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('licence_usages_user').on('licence_usages').columns(['user_id', 'at']).execute();

    await createTable(db, dialect, 'licence_grants')
      .addColumn('grant_id', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('licence_id', id, (c) => c.notNull())
      .addColumn('app_id', code, (c) => c.notNull())
      .addColumn('partner_name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('purpose', sql.raw(t.name), (c) => c.notNull())
      .addColumn('fields', text, (c) => c.notNull())
      .addColumn('idempotency_key', code, (c) => c.notNull())
      .addColumn('request_hash', code, (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('expires_at', ts, (c) => c.notNull())
      .addColumn('revoked_at', ts)
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('licence_grants_key', ['user_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('licence_grants_user').on('licence_grants').columns(['user_id', 'created_at']).execute();
  },
};
