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
};
