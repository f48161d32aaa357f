import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Tables } from '../../db';
import type { DialectName } from '../../db/sql';
import './tables';
import type { DeliveryAddressesTable, ShipmentEventsTable, ShipmentsTable } from './tables';

export type AddressRow = Selectable<DeliveryAddressesTable>;
export type ShipmentRow = Selectable<ShipmentsTable>;
export type ShipmentEventRow = Selectable<ShipmentEventsTable>;
type Db = Kysely<Tables> | Transaction<Tables>;

/** The SQL of address books, shipments and their tracking events. */
export class DeliveryRepo {
  constructor(
    readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  // ---- address books ----

  async addresses(userId: string, trx: Db = this.db): Promise<AddressRow[]> {
    return trx.selectFrom('delivery_addresses').selectAll().where('user_id', '=', userId).orderBy('created_at', 'asc').orderBy('address_id', 'asc').execute();
  }

  async address(userId: string, addressId: string, trx: Db = this.db): Promise<AddressRow | undefined> {
    return trx.selectFrom('delivery_addresses').selectAll().where('user_id', '=', userId).where('address_id', '=', addressId).executeTakeFirst();
  }

  async addressByKey(userId: string, idempotencyKey: string): Promise<AddressRow | undefined> {
    return this.db.selectFrom('delivery_addresses').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
  }

  async countAddresses(trx: Db, userId: string): Promise<number> {
    const r = await trx.selectFrom('delivery_addresses').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertAddress(trx: Db, row: AddressRow): Promise<void> {
    await trx.insertInto('delivery_addresses').values(row).execute();
  }

  async updateAddress(trx: Db, userId: string, addressId: string, changes: Partial<AddressRow>): Promise<boolean> {
    const r = await trx.updateTable('delivery_addresses').set(changes).where('user_id', '=', userId).where('address_id', '=', addressId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteAddress(trx: Db, userId: string, addressId: string): Promise<boolean> {
    const r = await trx.deleteFrom('delivery_addresses').where('user_id', '=', userId).where('address_id', '=', addressId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /** Makes one address the citizen's default and every other not. */
  async setDefault(trx: Db, userId: string, addressId: string): Promise<void> {
    await trx.updateTable('delivery_addresses').set({ is_default: 0 }).where('user_id', '=', userId).where('address_id', '!=', addressId).where('is_default', '=', 1).execute();
    await trx.updateTable('delivery_addresses').set({ is_default: 1 }).where('user_id', '=', userId).where('address_id', '=', addressId).execute();
  }

  // ---- shipments ----

  async shipment(caseNo: string, trx: Db = this.db): Promise<ShipmentRow | undefined> {
    return trx.selectFrom('shipments').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
  }

  /** Booked parcels not yet at an end with no news since `quietSince`: the tracking sweep asks the courier. */
  async shipmentsToTrack(quietSince: string, limit: number): Promise<ShipmentRow[]> {
    return this.db
      .selectFrom('shipments')
      .selectAll()
      .where('waybill_no', 'is not', null)
      .where('state', 'not in', ['signed', 'returned'])
      .where('updated_at', '<=', quietSince)
      .orderBy('updated_at', 'asc')
      .limit(limit)
      .execute();
  }

  /** Marks a shipment as looked at, so the next sweep asks about others first. */
  async touchShipment(caseNo: string, at: string): Promise<void> {
    await this.db.updateTable('shipments').set({ updated_at: at }).where('case_no', '=', caseNo).execute();
  }

  async shipmentByWaybill(waybillNo: string): Promise<ShipmentRow | undefined> {
    return this.db.selectFrom('shipments').selectAll().where('waybill_no', '=', waybillNo).executeTakeFirst();
  }

  async insertShipment(trx: Db, row: ShipmentRow): Promise<void> {
    await trx.insertInto('shipments').values(row).execute();
  }

  /** A new recipient, while no parcel is booked; false when one was booked meanwhile (or the version moved). */
  async readdress(trx: Db, caseNo: string, fromVersion: number, changes: Pick<ShipmentRow, 'address_id' | 'recipient_enc' | 'updated_at'>): Promise<boolean> {
    const r = await trx
      .updateTable('shipments')
      .set({ ...changes, address_version: fromVersion + 1 })
      .where('case_no', '=', caseNo)
      .where('address_version', '=', fromVersion)
      .where('waybill_no', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Stores the waybill booked for one address version; false when the shipment moved on meanwhile. */
  async setWaybill(caseNo: string, version: number, orderNo: string, waybillNo: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('shipments')
      .set({ order_no: orderNo, waybill_no: waybillNo, booked_at: at, updated_at: at })
      .where('case_no', '=', caseNo)
      .where('address_version', '=', version)
      .where('waybill_no', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Moves the shipment's state forward only (a late or repeated event never moves it back). */
  async advanceState(trx: Db, caseNo: string, from: readonly string[], to: string, at: string): Promise<boolean> {
    const r = await trx.updateTable('shipments').set({ state: to, updated_at: at }).where('case_no', '=', caseNo).where('state', 'in', [...from]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---- tracking events ----

  /** Stores an event once by its id; false when it was stored before. */
  async insertEvent(trx: Db, row: ShipmentEventRow): Promise<boolean> {
    const insert = trx.insertInto('shipment_events').values(row);
    const r = await (this.dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('event_id').doNothing())).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async events(caseNo: string): Promise<ShipmentEventRow[]> {
    return this.db.selectFrom('shipment_events').selectAll().where('case_no', '=', caseNo).orderBy('at', 'asc').orderBy('received_at', 'asc').execute();
  }
}
