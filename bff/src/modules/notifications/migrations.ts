import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

/** The notifications module's tables; listed in `moduleMigrations` of db/migrations.ts. */
export const notificationMigrations: Record<string, MigrationStep> = {
  /** A citizen's channel choices; no row means every channel is on. */
  '0007_notifications': async (db, dialect) => {
    const t = columnTypes(dialect);
    await createTable(db, dialect, 'notification_preferences')
      .addColumn('user_id', sql.raw(t.code), (c) => c.primaryKey())
      .addColumn('wechat', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('alipay', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('sms', sql.raw(t.bool), (c) => c.notNull())
      .addColumn('updated_at', sql.raw(t.timestamp), (c) => c.notNull())
      .execute();
  },
};
