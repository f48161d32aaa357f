import { sql, type Kysely } from 'kysely';
import type { DialectName } from './sql';

/** One migration: DDL written once for both dialects (column types from `columnTypes`). */
export type MigrationStep = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

/** MySQL tables are created utf8mb4 whatever the server's default (Chinese text, emoji in notes). */
export function createTable(db: Kysely<unknown>, dialect: DialectName, name: string) {
  const builder = db.schema.createTable(name).ifNotExists();
  return dialect === 'mysql' ? builder.modifyEnd(sql`default charset=utf8mb4 collate=utf8mb4_unicode_ci`) : builder;
}
