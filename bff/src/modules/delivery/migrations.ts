import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const deliveryMigrations: Record<string, MigrationStep> = {
  /** The citizens' address books, one shipment per posted case, and its tracking events. */
  '0009_delivery': async (db, dialect) => {
    const t = columnTypes(dialect);
    const ts = sql.raw(t.timestamp);
    const code = sql.raw(t.code);
    const enc = sql.raw(t.json);
    await createTable(db, dialect, 'delivery_addresses')
      .addColumn('address_id', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('idempotency_key', code, (c) => c.notNull())
      .addColumn('request_hash', code, (c) => c.notNull())
      .addColumn('recipient_name_enc', enc, (c) => c.notNull())
      .addColumn('phone_enc', enc, (c) => c.notNull())
      .addColumn('province', code, (c) => c.notNull())
      .addColumn('city', code, (c) => c.notNull())
      .addColumn('district', code, (c) => c.notNull())
      .addColumn('detail_enc', enc, (c) => c.notNull())
      .addColumn('postcode', code)
      .addColumn('is_default', sql.raw(t.bool), (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addUniqueConstraint('delivery_addresses_key', ['user_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('delivery_addresses_user').on('delivery_addresses').columns(['user_id', 'created_at']).execute();

    await createTable(db, dialect, 'shipments')
      .addColumn('case_no', code, (c) => c.primaryKey())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('address_id', code)
      .addColumn('recipient_enc', enc, (c) => c.notNull())
      .addColumn('address_version', 'integer', (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('order_no', code)
      .addColumn('waybill_no', code)
      .addColumn('booked_at', ts)
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      // null until booked; a unique index ignores nulls on both dialects.
      .addUniqueConstraint('shipments_waybill', ['waybill_no'])
      .execute();

    await createTable(db, dialect, 'shipment_events')
      .addColumn('event_id', code, (c) => c.primaryKey())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('waybill_no', code, (c) => c.notNull())
      .addColumn('status', code, (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .addColumn('location', sql.raw(t.name), (c) => c.notNull())
      .addColumn('description', enc, (c) => c.notNull())
      .addColumn('received_at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shipment_events_case').on('shipment_events').columns(['case_no', 'at']).execute();
  },
};
