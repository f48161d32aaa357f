import { sql } from 'kysely';
import { createTable, type MigrationStep } from '../../db/ddl';
import { columnTypes } from '../../db/sql';

export const paymentMigrations: Record<string, MigrationStep> = {
  /** Payment orders, refunds and reconciliation findings. */
  '0008_payments': async (db, dialect) => {
    const t = columnTypes(dialect);
    const ts = sql.raw(t.timestamp);
    const code = sql.raw(t.code);
    await createTable(db, dialect, 'payment_orders')
      .addColumn('order_no', code, (c) => c.primaryKey())
      .addColumn('case_no', code, (c) => c.notNull())
      .addColumn('user_id', code, (c) => c.notNull())
      .addColumn('channel', code, (c) => c.notNull())
      .addColumn('amount_fen', 'integer', (c) => c.notNull())
      .addColumn('lines', sql.raw(t.json), (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      // `${caseNo}:fee` while the order is paying or paid, null once closed: at most one live order
      // per case and fee, whatever races (a unique index ignores nulls on both dialects).
      .addColumn('live_key', code)
      .addColumn('pay_params', sql.raw(t.json))
      .addColumn('transaction_id', code)
      .addColumn('expires_at', ts, (c) => c.notNull())
      .addColumn('paid_at', ts)
      .addColumn('last_queried_at', ts)
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addUniqueConstraint('payment_orders_live', ['live_key'])
      .execute();
    await db.schema.createIndex('payment_orders_case').on('payment_orders').columns(['case_no', 'created_at']).execute();
    // The payment sweep: paying orders by age (query) and by expiry (close).
    await db.schema.createIndex('payment_orders_state_expiry').on('payment_orders').columns(['state', 'expires_at']).execute();
    await db.schema.createIndex('payment_orders_transaction').on('payment_orders').columns(['transaction_id']).execute();

    await createTable(db, dialect, 'payment_refunds')
      .addColumn('refund_no', code, (c) => c.primaryKey())
      .addColumn('order_no', code, (c) => c.notNull().unique())
      .addColumn('amount_fen', 'integer', (c) => c.notNull())
      .addColumn('reason', sql.raw(t.name), (c) => c.notNull())
      .addColumn('state', code, (c) => c.notNull())
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('refunded_at', ts)
      .execute();

    await createTable(db, dialect, 'payment_mismatches')
      .addColumn('mismatch_id', code, (c) => c.primaryKey())
      .addColumn('bill_date', sql.raw(dialect === 'mysql' ? 'char(10)' : 'text'), (c) => c.notNull())
      .addColumn('channel', code, (c) => c.notNull())
      .addColumn('kind', code, (c) => c.notNull())
      .addColumn('order_no', code)
      .addColumn('transaction_id', code)
      .addColumn('our_amount_fen', 'integer')
      .addColumn('bill_amount_fen', 'integer')
      .addColumn('detected_at', ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payment_mismatches_date').on('payment_mismatches').columns(['bill_date', 'channel']).execute();
  },
};
