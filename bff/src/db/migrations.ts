import { licenceMigrations } from '../modules/licences/migrations';
import { partnerMigrations } from '../modules/partners/migrations';
import { provinceMigrations } from '../modules/partners/provinceMigrations';
import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { calendarMigrations } from '../modules/calendar/migrations';
import { outboxMigrations } from '../outbox/migrations';
import { applicationMigrations } from '../modules/applications/migrations';
import { notificationMigrations } from '../modules/notifications/migrations';
import { paymentMigrations } from '../modules/payments/migrations';
import { deliveryMigrations } from '../modules/delivery/migrations';
import { createTable, type MigrationStep } from './ddl';
import { columnTypes, type DialectName } from './sql';

/**
 * Every migration of the platform, run in name order, written once for SQLite and MySQL. Neither
 * has transactional DDL, so each migration is small. Never edit a migration that has shipped; add
 * the next one. A module may keep its migrations beside it (`modules/<name>/migrations.ts`,
 * exporting a record of `NNNN_name` steps) and list them in `moduleMigrations` below.
 */
const moduleMigrations: Record<string, MigrationStep>[] = [calendarMigrations, outboxMigrations, applicationMigrations, notificationMigrations, paymentMigrations, deliveryMigrations, partnerMigrations, provinceMigrations, licenceMigrations];

const coreMigrations: Record<string, MigrationStep> = {
  '0001_catalog': async (db, dialect) => {
    const t = columnTypes(dialect);
    await createTable(db, dialect, 'catalog_items')
      .addColumn('item_code', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('domain', sql.raw(t.code), (c) => c.notNull())
      .addColumn('item_type', sql.raw(t.code), (c) => c.notNull())
      .addColumn('handling_mode', sql.raw(t.code), (c) => c.notNull())
      .addColumn('handling_class', sql.raw(t.code), (c) => c.notNull())
      .addColumn('visits_required', 'integer', (c) => c.notNull())
      .addColumn('fee_fen', 'integer', (c) => c.notNull())
      .addColumn('popularity', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('enabled', sql.raw(t.bool), (c) => c.notNull().defaultTo(1))
      .addColumn('body', sql.raw(t.json), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('catalog_items_domain_popularity')
      .on('catalog_items')
      .columns(['enabled', 'domain', 'popularity'])
      .execute();
    await db.schema
      .createIndex('catalog_items_mode_popularity')
      .on('catalog_items')
      .columns(['enabled', 'handling_mode', 'popularity'])
      .execute();
    await createTable(db, dialect, 'catalog_bundles')
      .addColumn('bundle_code', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('body', sql.raw(t.json), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
  },
  '0002_identity': async (db, dialect) => {
    const t = columnTypes(dialect);
    await createTable(db, dialect, 'users')
      .addColumn('user_id', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('name_enc', sql.raw(t.json))
      .addColumn('id_number_enc', sql.raw(t.json))
      .addColumn('id_number_bidx', sql.raw(t.code), (c) => c.unique())
      .addColumn('phone_enc', sql.raw(t.json))
      .addColumn('phone_bidx', sql.raw(t.code))
      .addColumn('real_name_at', sql.raw(t.timestamp))
      .addColumn('face_verified_at', sql.raw(t.timestamp))
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_phone_bidx').on('users').column('phone_bidx').execute();
    await createTable(db, dialect, 'user_identities')
      .addColumn('platform', sql.raw(t.code), (c) => c.notNull())
      .addColumn('subject', sql.raw(t.name), (c) => c.notNull())
      .addColumn('user_id', sql.raw(t.code), (c) => c.notNull())
      .addColumn('label', sql.raw(t.name), (c) => c.notNull())
      .addColumn('linked_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addPrimaryKeyConstraint('user_identities_pk', ['platform', 'subject'])
      .execute();
    await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();
    await createTable(db, dialect, 'staff_accounts')
      .addColumn('staff_id', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('username', sql.raw(t.code), (c) => c.notNull().unique())
      .addColumn('display_name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('role', sql.raw(t.code), (c) => c.notNull())
      .addColumn('status', sql.raw(t.code), (c) => c.notNull())
      .addColumn('password_hash', sql.raw(t.name), (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', sql.raw(t.timestamp))
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
    // Append-only from the application: the repo has no update or delete.
    await createTable(db, dialect, 'audit_log')
      .addColumn('audit_id', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('actor_type', sql.raw(t.code), (c) => c.notNull())
      .addColumn('actor_id', sql.raw(t.code), (c) => c.notNull())
      .addColumn('actor_name', sql.raw(t.name), (c) => c.notNull())
      .addColumn('action', sql.raw(t.code), (c) => c.notNull())
      .addColumn('subject_type', sql.raw(t.code), (c) => c.notNull())
      .addColumn('subject_id', sql.raw(t.code), (c) => c.notNull())
      .addColumn('reason', sql.raw(t.name))
      .addColumn('request_id', sql.raw(t.code), (c) => c.notNull())
      .addColumn('ip', sql.raw(t.code))
      .addColumn('details', sql.raw(t.json))
      .execute();
    for (const column of ['at', 'actor_id', 'subject_id', 'action'] as const) {
      const columns = column === 'at' ? ['at'] : [column, 'at'];
      await db.schema.createIndex(`audit_log_${column}`).on('audit_log').columns(columns).execute();
    }
  },
};

const migrations: Record<string, MigrationStep> = Object.assign({}, coreMigrations, ...moduleMigrations);

export class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrations).map(([name, up]) => [name, { up: (db: Kysely<unknown>) => up(db, this.dialect) }]),
    );
  }
}
