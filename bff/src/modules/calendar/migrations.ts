import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

/** The working-day calendar's tables; listed in `moduleMigrations` of db/migrations.ts. */
export const calendarMigrations: Record<string, MigrationStep> = {
  '0003_calendar': async (db, dialect) => {
    const t = columnTypes(dialect);
    // One row per exception to Monday–Friday; the text date sorts and ranges as a date.
    await createTable(db, dialect, 'calendar_days')
      .addColumn('date', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('is_off_day', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('note', sql.raw(t.name), (c) => c.notNull().defaultTo(''))
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .addColumn('updated_by', sql.raw(t.code), (c) => c.notNull())
      .execute();
  },
};
