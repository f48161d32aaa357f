import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const provinceMigrations: Record<string, MigrationStep> = {
  /**
   * Positions of our pushes to the provincial platform (provincePush.ts): one row per stream,
   * e.g. `catalog` → the catalogue sync cursor up to which every changed item has been queued.
   */
  '0011_province_push': async (db, dialect) => {
    const t = columnTypes(dialect);
    await createTable(db, dialect, 'province_push_state')
      .addColumn('stream', sql.raw(t.code), (c) => c.primaryKey())
      // A catalogue cursor is ~90 characters: wider than a code column.
      .addColumn('position', sql.raw(t.name), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
  },
};
