import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../db/ddl';
import { columnTypes } from '../db/sql';
import './table';

/** The outbox's migrations, listed in db/migrations.ts `moduleMigrations`. */
export const outboxMigrations: Record<string, MigrationStep> = {
  '0004_outbox': async (db, dialect) => {
    const t = columnTypes(dialect);
    // Case-sensitive on both dialects: MySQL's default collation would make `Ab` and `ab` one
    // effect there but two on SQLite. (Trailing spaces: enqueue refuses keys with surrounding spaces.)
    const dedupeKeyType = dialect === 'mysql' ? 'varchar(200) character set utf8mb4 collate utf8mb4_bin' : t.name;
    await createTable(db, dialect, 'outbox')
      .addColumn('id', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('topic', sql.raw(t.code), (c) => c.notNull())
      .addColumn('dedupe_key', sql.raw(dedupeKeyType), (c) => c.notNull())
      .addColumn('payload', sql.raw(t.json), (c) => c.notNull())
      .addColumn('status', sql.raw(t.code), (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('lease_owner', sql.raw(t.code))
      .addColumn('lease_until', sql.raw(t.timestamp))
      .addColumn('last_error', sql.raw(t.name))
      .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('delivered_at', sql.raw(t.timestamp))
      // Scoped by topic, so callers can use one business key (case number + event) for each effect.
      .addUniqueConstraint('outbox_topic_dedupe_key', ['topic', 'dedupe_key'])
      .execute();
    // The dispatcher's claim: status = 'pending' and next_attempt_at <= now, oldest first.
    await db.schema.createIndex('outbox_status_next_attempt').on('outbox').columns(['status', 'next_attempt_at']).execute();
  },
};
