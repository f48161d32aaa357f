import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Tables } from '../../db';
import './tables';
import type { PaymentMismatchesTable, PaymentOrdersTable, PaymentRefundsTable } from './tables';

export type OrderRow = Selectable<PaymentOrdersTable>;
export type RefundRow = Selectable<PaymentRefundsTable>;
export type MismatchRow = Selectable<PaymentMismatchesTable>;
type Db = Kysely<Tables> | Transaction<Tables>;

/** The SQL of payment orders, refunds and reconciliation findings. */
export class PaymentRepo {
  constructor(readonly db: Kysely<Tables>) {}

  async insertOrder(row: OrderRow): Promise<void> {
    await this.db.insertInto('payment_orders').values(row).execute();
  }

  async order(orderNo: string, trx: Db = this.db): Promise<OrderRow | undefined> {
    return trx.selectFrom('payment_orders').selectAll().where('order_no', '=', orderNo).executeTakeFirst();
  }

  async liveOrder(liveKey: string): Promise<OrderRow | undefined> {
    return this.db.selectFrom('payment_orders').selectAll().where('live_key', '=', liveKey).executeTakeFirst();
  }

  async ordersOfCase(caseNo: string): Promise<OrderRow[]> {
    return this.db.selectFrom('payment_orders').selectAll().where('case_no', '=', caseNo).orderBy('created_at', 'asc').execute();
  }

  async orderByTransaction(transactionId: string): Promise<OrderRow | undefined> {
    return this.db.selectFrom('payment_orders').selectAll().where('transaction_id', '=', transactionId).executeTakeFirst();
  }

  /**
   * Compare-and-set of an order's state: true for the one caller that moved it. This is what makes
   * a thousand duplicate notifications one state change.
   */
  async moveOrder(trx: Db, orderNo: string, from: readonly string[], changes: Partial<OrderRow>): Promise<boolean> {
    const r = await trx.updateTable('payment_orders').set(changes).where('order_no', '=', orderNo).where('state', 'in', [...from]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setPayParams(orderNo: string, params: string, at: string): Promise<void> {
    await this.db.updateTable('payment_orders').set({ pay_params: params, updated_at: at }).where('order_no', '=', orderNo).execute();
  }

  async markQueried(orderNo: string, at: string): Promise<void> {
    await this.db.updateTable('payment_orders').set({ last_queried_at: at }).where('order_no', '=', orderNo).execute();
  }

  /** Paying orders to ask the channel about: no word since `quietSince`, not asked since `askedBefore`. */
  async ordersToQuery(quietSince: string, askedBefore: string, limit: number): Promise<OrderRow[]> {
    return this.db
      .selectFrom('payment_orders')
      .selectAll()
      .where('state', '=', 'paying')
      .where('created_at', '<=', quietSince)
      .where((eb) => eb.or([eb('last_queried_at', 'is', null), eb('last_queried_at', '<=', askedBefore)]))
      .orderBy('created_at', 'asc')
      .limit(limit)
      .execute();
  }

  async expiredOrders(now: string, limit: number): Promise<OrderRow[]> {
    return this.db.selectFrom('payment_orders').selectAll().where('state', '=', 'paying').where('expires_at', '<=', now).orderBy('expires_at', 'asc').limit(limit).execute();
  }

  async paidBetween(channel: string, from: string, to: string): Promise<OrderRow[]> {
    return this.db
      .selectFrom('payment_orders')
      .selectAll()
      .where('channel', 'in', channel === 'wechat' ? ['wechat', 'wechat_h5'] : [channel])
      .where('paid_at', '>=', from)
      .where('paid_at', '<', to)
      .execute();
  }

  // ---- refunds ----

  async insertRefund(trx: Db, row: RefundRow): Promise<boolean> {
    const existing = await trx.selectFrom('payment_refunds').select('refund_no').where('order_no', '=', row.order_no).executeTakeFirst();
    if (existing) return false;
    await trx.insertInto('payment_refunds').values(row).execute();
    return true;
  }

  async refundOf(orderNo: string): Promise<RefundRow | undefined> {
    return this.db.selectFrom('payment_refunds').selectAll().where('order_no', '=', orderNo).executeTakeFirst();
  }

  async refundsOf(orderNos: string[]): Promise<RefundRow[]> {
    if (!orderNos.length) return [];
    return this.db.selectFrom('payment_refunds').selectAll().where('order_no', 'in', orderNos).execute();
  }

  async moveRefund(trx: Db, refundNo: string, from: readonly string[], changes: Partial<RefundRow>): Promise<boolean> {
    const r = await trx.updateTable('payment_refunds').set(changes).where('refund_no', '=', refundNo).where('state', 'in', [...from]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- reconciliation ----

  /** Replaces one day's findings for a channel (a re-run gives the same list, not a longer one). */
  async replaceMismatches(billDate: string, channel: string, rows: MismatchRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('payment_mismatches').where('bill_date', '=', billDate).where('channel', '=', channel).execute();
      if (rows.length) await trx.insertInto('payment_mismatches').values(rows).execute();
    });
  }

  async mismatches(billDate: string | undefined, page: number, pageSize: number): Promise<{ rows: MismatchRow[]; total: number }> {
    let base = this.db.selectFrom('payment_mismatches');
    if (billDate) base = base.where('bill_date', '=', billDate);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('detected_at', 'desc').orderBy('mismatch_id', 'asc').limit(pageSize).offset((page - 1) * pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }
}
