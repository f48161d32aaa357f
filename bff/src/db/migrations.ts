import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { columnTypes, type DialectName } from './sql';

/**
 * Every migration of the platform, in order, written once for SQLite and MySQL. Neither has
 * transactional DDL, so each migration is small and safe to re-run up to its failing statement.
 * Never edit a migration that has shipped; add the next one.
 */
/** MySQL tables are created utf8mb4 whatever the server's default (Chinese text, emoji in notes). */
function createTable(db: Kysely<unknown>, dialect: DialectName, name: string) {
  const builder = db.schema.createTable(name).ifNotExists();
  return dialect === 'mysql' ? builder.modifyEnd(sql`default charset=utf8mb4 collate=utf8mb4_unicode_ci`) : builder;
}

type Step = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

const migrations: Record<string, Step> = {
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
};

export class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrations).map(([name, up]) => [name, { up: (db: Kysely<unknown>) => up(db, this.dialect) }]),
    );
  }
}
