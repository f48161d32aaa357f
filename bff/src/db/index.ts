import fs from 'node:fs';
import path from 'node:path';
import { Kysely, MysqlDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Config } from '../config';
import { InCodeMigrations } from './migrations';
import type { Tables } from './schema';
import type { DialectName } from './sql';

export type { Tables } from './schema';

export interface Database {
  db: Kysely<Tables>;
  dialect: DialectName;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

async function createDialect(config: Config['db']) {
  if (config.kind === 'mysql') {
    const { createPool } = await import('mysql2');
    const pool = createPool({
      uri: config.url,
      connectionLimit: config.poolSize,
      // Timestamps come back as the UTC strings we wrote, identical to SQLite.
      dateStrings: true,
      timezone: 'Z',
      charset: 'utf8mb4',
      supportBigNumbers: true,
    });
    return new MysqlDialect({ pool });
  }
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  fs.mkdirSync(path.dirname(config.file), { recursive: true });
  const database = new BetterSqlite3(config.file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return new SqliteDialect({ database });
}

/** Opens the configured database; nothing is migrated until `migrate()` is called. */
export async function createDatabase(config: Config['db']): Promise<Database> {
  const db = new Kysely<Tables>({ dialect: await createDialect(config) });
  const dialect: DialectName = config.kind;
  return {
    db,
    dialect,
    async migrate() {
      const migrator = new Migrator({ db, provider: new InCodeMigrations(dialect) });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error || failed) {
        throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
