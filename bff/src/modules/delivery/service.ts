import {
  formatRegion,
  maskPhone,
  SHIPMENT_STATE_NAMES,
  type CaseState,
  type Shipment,
  type ShipmentState,
} from '@onevisit/shared-types';
import { AdapterError } from '../../adapters/errors';
import type { CourierEvent, CourierOrder, CourierParty, CourierPort } from '../../adapters/courier';
import { enqueue, PermanentFailure, type OutboxDispatcher } from '../../outbox';
import { fromDbTime, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';
import type { Logger } from '../../logger';
import type { PiiCipher } from '../../security/pii';
import { CASE_POSTAL_PRODUCTION_TOPIC, type ApplicationService } from '../applications/service';
import type { CatalogService } from '../catalog/service';
import { maskName } from '../identity/service';
import type { AddressBook, PlainAddress } from './addresses';
import { withLock } from './lock';
import type { DeliveryRepo, ShipmentEventRow, ShipmentRow } from './repo';

/** Books the parcel of a case whose address was chosen after it went into production. */
export const DELIVERY_BOOK_TOPIC = 'delivery.book';

/** Who posts the results (names as printed on a label). `name` unset: the item's department. */
export interface SenderConfig {
  name?: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  address: string;
  postcode?: string;
}

/** The provincial government service centre, when nothing is configured (the reference deployment's). */
export const DEFAULT_SENDER: Omit<SenderConfig, 'name' | 'phone'> = {
  province: '湖南省',
  city: '长沙市',
  district: '岳麓区',
  address: '湖南省政务服务中心 公安服务窗口',
  postcode: '410006',
};

export interface DeliveryOptions {
  sender?: SenderConfig;
  /** Declared weight of a result (a card, a certificate in an envelope). */
  parcelWeightGrams?: number;
  /** Ask the courier about a parcel with no push for this long (a push lost for good); default 30 min. */
  trackAfterMs?: number;
}

/** What a courier push did to its shipment. */
export type PushOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_waybill';

type DeliveryStatus = Exclude<ShipmentState, 'created'>;
const RANK: Record<ShipmentState, number> = { created: 0, picked_up: 1, in_transit: 2, out_for_delivery: 3, signed: 4, returned: 4 };
const before = (state: ShipmentState) => (Object.keys(RANK) as ShipmentState[]).filter((s) => RANK[s] < RANK[state]);
const COURIER_PHONE = /^[0-9+\- ]{5,20}$/;
const CLOSED_WITHOUT_RESULT: readonly CaseState[] = ['withdrawn', 'rejected', 'not_accepted'];

/**
 * Postal delivery of results (快递送达): the case's address (a snapshot of one of the applicant's
 * saved addresses, changeable until the parcel is booked), booking the courier when the case goes
 * into production (the order number is derived from the case number and the address version, so
 * a retry books the same waybill), and the courier's tracking pushes, kept on the shipment and
 * handed to the case — picked up ships it, signed completes it, the rest are timeline entries.
 */
export class DeliveryService {
  constructor(
    private readonly repo: DeliveryRepo,
    private readonly addresses: AddressBook,
    private readonly cases: ApplicationService,
    private readonly catalog: CatalogService,
    private readonly courier: CourierPort,
    private readonly pii: PiiCipher,
    private readonly kv: Kv,
    private readonly logger: Logger,
    private readonly options: DeliveryOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  register(dispatcher: OutboxDispatcher): void {
    dispatcher.register<{ caseNo: string }>(CASE_POSTAL_PRODUCTION_TOPIC, (p) => this.bookWhenProducing(p.caseNo));
    dispatcher.register<{ caseNo: string }>(DELIVERY_BOOK_TOPIC, (p) => this.bookWhenProducing(p.caseNo));
  }

  // ---- the citizen ----

  /**
   * Posts the case's result to one of the applicant's saved addresses (a snapshot, so editing the
   * book later changes nothing here). Allowed until the parcel is booked; a case already in
   * production is booked at once.
   */
  async setAddress(userId: string, caseNo: string, addressId: string): Promise<Shipment> {
    const c = await this.cases.caseForDelivery(caseNo);
    if (c.userId !== userId) throw new AppError('APPLICATION_NOT_FOUND', `no case ${caseNo}`);
    if (c.deliveryOption !== 'postal') throw new AppError('DELIVERY_NOT_POSTAL', '该办件未选择邮寄送达', { deliveryOption: c.deliveryOption });
    if (CLOSED_WITHOUT_RESULT.includes(c.state)) throw new AppError('CASE_TRANSITION_ILLEGAL', '该办件已结束，无需邮寄', { state: c.state });
    if (c.state === 'shipped' || c.state === 'completed') throw new AppError('SHIPMENT_ALREADY_BOOKED', '结果已寄出，不能再修改收货地址', { state: c.state });
    const address = await this.addresses.plain(userId, addressId);
    const snapshot = JSON.stringify(address);
    await withLock(this.kv, lockKey(caseNo), async () => {
      const s = await this.repo.shipment(caseNo);
      if (s?.waybill_no) throw new AppError('SHIPMENT_ALREADY_BOOKED', '快递已下单，不能再修改收货地址', { waybillNo: s.waybill_no });
      const unchanged = s && s.address_id === addressId && this.pii.decrypt('recipient', s.recipient_enc) === snapshot;
      if (!unchanged) {
        const at = toDbTime(this.now());
        const version = (s?.address_version ?? 0) + 1;
        await this.repo.db.transaction().execute(async (trx) => {
          const recipient_enc = this.pii.encrypt('recipient', snapshot);
          if (!s) {
            await this.repo.insertShipment(trx, { case_no: caseNo, user_id: userId, address_id: addressId, recipient_enc, address_version: version, state: 'created', order_no: null, waybill_no: null, booked_at: null, created_at: at, updated_at: at });
          } else if (!(await this.repo.readdress(trx, caseNo, s.address_version, { address_id: addressId, recipient_enc, updated_at: at }))) {
            throw new AppError('CONFLICT', 'the shipment changed meanwhile; try again');
          }
          // Production has begun (its own booking attempt may have given up waiting): book this address.
          if (c.state === 'producing') await enqueue(trx, { topic: DELIVERY_BOOK_TOPIC, dedupeKey: `${caseNo}:${version}`, payload: { caseNo } });
        });
      }
      // The same choice again in production: make sure a booking row exists for it (a no-op when it does).
      if (unchanged && c.state === 'producing') await enqueue(this.repo.db, { topic: DELIVERY_BOOK_TOPIC, dedupeKey: `${caseNo}:${s.address_version}`, payload: { caseNo } });
      if (c.state === 'producing') {
        // At once, as a courtesy; the outbox row retries what fails here.
        await this.book(caseNo).catch((err) => this.logger.warn({ caseNo, err: describe(err) }, 'booking the parcel failed; the outbox retries'));
      }
    });
    return this.view(await this.requireShipment(caseNo), 'citizen');
  }

  async shipmentFor(userId: string, caseNo: string): Promise<Shipment> {
    const c = await this.cases.caseForDelivery(caseNo);
    if (c.userId !== userId) throw new AppError('APPLICATION_NOT_FOUND', `no case ${caseNo}`);
    return this.view(await this.requireShipment(caseNo), 'citizen');
  }

  /** Staff: the shipment with the recipient masked (street detail included). */
  async shipmentForStaff(caseNo: string): Promise<Shipment> {
    await this.cases.caseForDelivery(caseNo);
    return this.view(await this.requireShipment(caseNo), 'staff');
  }

  // ---- booking ----

  /**
   * Outbox handler: the case went into production. Without an address yet there is nothing to
   * book: choosing one later books at once (`delivery.book`), so this ends quietly instead of
   * retrying into a dead letter.
   */
  async bookWhenProducing(caseNo: string): Promise<void> {
    const c = await this.caseFor(caseNo);
    if (c.deliveryOption !== 'postal' || c.state !== 'producing') return; // already shipped, or closed
    const s = await this.repo.shipment(caseNo);
    if (!s) return void this.logger.info({ caseNo }, 'in production without a delivery address; booking waits for the applicant');
    if (s.waybill_no) return;
    await withLock(this.kv, lockKey(caseNo), () => this.book(caseNo), { waitMs: 1000 });
  }

  /** Books the parcel for the current address version (call holding the case's lock). */
  private async book(caseNo: string): Promise<void> {
    const s = await this.repo.shipment(caseNo);
    if (!s || s.waybill_no) return;
    const orderNo = `${caseNo}-${s.address_version}`;
    const order = await this.order(s, orderNo);
    let waybillNo: string;
    try {
      ({ waybillNo } = await this.courier.createWaybill(order));
    } catch (err) {
      if (err instanceof AdapterError && err.kind === 'rejected') throw new PermanentFailure(`the courier refused the order (${err.upstreamCode})`, { cause: err });
      throw err;
    }
    if (await this.repo.setWaybill(caseNo, s.address_version, orderNo, waybillNo, toDbTime(this.now()))) {
      this.logger.info({ caseNo, waybillNo }, 'parcel booked');
      return;
    }
    const current = await this.repo.shipment(caseNo);
    if (current?.waybill_no === waybillNo) return;
    // The address changed while we booked: that waybill goes to the old address, so cancel it.
    await this.courier.cancelWaybill(waybillNo).catch((err) => this.logger.warn({ caseNo, waybillNo, err: describe(err) }, 'cancelling a superseded waybill failed'));
    throw new Error('the delivery address changed while booking; booking again');
  }

  private async order(s: ShipmentRow, orderNo: string): Promise<CourierOrder> {
    const c = await this.cases.caseForDelivery(s.case_no);
    const { itemCode } = await this.cases.caseForPayment(c.userId, s.case_no);
    const item = await this.catalog.requireItem(itemCode);
    const r = this.recipientOf(s);
    const configured = this.options.sender;
    const sender: CourierParty = {
      ...DEFAULT_SENDER,
      ...configured,
      name: (configured?.name ?? item.department.name).slice(0, 60),
      phone: configured?.phone ?? (COURIER_PHONE.test(item.consultPhone) ? item.consultPhone : '12345'),
    };
    const recipient: CourierParty = {
      name: r.recipientName,
      phone: r.phone,
      province: formatRegion(r.province),
      city: formatRegion(r.city),
      district: formatRegion(r.district),
      address: r.detail,
      ...(r.postcode ? { postcode: r.postcode } : {}),
    };
    return { orderNo, sender, recipient, parcel: { weightGrams: this.options.parcelWeightGrams ?? 200, description: `${c.itemName}办理结果`.slice(0, 100) }, serviceType: 'express' };
  }

  // ---- tracking: pushes, and a sweep for the pushes that never came ----

  private timer: NodeJS.Timeout | null = null;
  private tracking: Promise<unknown> | null = null;

  /**
   * Asks the courier for the events of parcels that have been quiet too long and applies the ones
   * we never received, exactly as if pushed (each is kept once by its event id): a push the courier
   * gave up on does not leave a case shipped for ever.
   */
  async trackingSweep(): Promise<{ asked: number; applied: number }> {
    const now = this.now();
    const quietSince = toDbTime(new Date(now.getTime() - (this.options.trackAfterMs ?? 30 * 60_000)));
    let applied = 0;
    const stale = await this.repo.shipmentsToTrack(quietSince, 50);
    for (const s of stale) {
      try {
        for (const event of await this.courier.queryTracking(s.waybill_no!)) {
          if ((await this.applyEvent(event)) === 'applied') applied++;
        }
        await this.repo.touchShipment(s.case_no, toDbTime(now));
      } catch (err) {
        this.logger.warn({ caseNo: s.case_no, err: describe(err) }, 'tracking query failed; next sweep asks again');
      }
    }
    if (applied) this.logger.info({ applied }, 'tracking sweep applied events the courier never pushed');
    return { asked: stale.length, applied };
  }

  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.tracking) return;
      this.tracking = this.trackingSweep()
        .catch((err: unknown) => this.logger.error({ err: describe(err) }, 'tracking sweep failed'))
        .finally(() => (this.tracking = null));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tracking;
  }

  /**
   * A verified tracking event: kept on the shipment once (by its event id), the shipment's state
   * moved forward only, and handed to the case every time (the case applies it once by event id,
   * so a push whose first delivery failed halfway is completed by its retry).
   */
  async applyEvent(event: CourierEvent): Promise<PushOutcome> {
    const s = await this.repo.shipmentByWaybill(event.waybillNo);
    // A push can overtake the storing of its waybill: not found makes the courier retry it.
    if (!s) return 'unknown_waybill';
    if (event.status === 'cancelled') return 'ignored';
    const status: DeliveryStatus = event.status;
    const at = toDbTime(this.now());
    const stored = await this.repo.db.transaction().execute(async (trx) => {
      const inserted = await this.repo.insertEvent(trx, {
        event_id: event.eventId,
        case_no: s.case_no,
        waybill_no: event.waybillNo,
        status,
        at: toDbTime(new Date(event.at)),
        location: event.location,
        description: event.description,
        received_at: at,
      });
      if (inserted) await this.repo.advanceState(trx, s.case_no, before(status), status, at);
      return inserted;
    });
    await this.toCase(s.case_no, event, status);
    return stored ? 'applied' : 'duplicate';
  }

  private async toCase(caseNo: string, event: CourierEvent, status: DeliveryStatus): Promise<void> {
    try {
      if (status !== 'picked_up' && status !== 'signed' && (await this.cases.caseForDelivery(caseNo)).state === 'producing') {
        // The pickup event never reached us (the courier gave up on it): a later event implies it.
        await this.cases.recordDelivery(caseNo, { eventId: `${event.eventId}:pickup`, status: 'picked_up', note: `${SHIPMENT_STATE_NAMES.picked_up}（运单号 ${event.waybillNo}）` });
      }
      await this.cases.recordDelivery(caseNo, { eventId: event.eventId, status, note: noteOf(event, status) });
    } catch (err) {
      if (err instanceof AppError && err.code === 'CASE_TRANSITION_ILLEGAL') {
        this.logger.warn({ caseNo, waybillNo: event.waybillNo, status }, 'courier event does not fit the case state; kept on the shipment only');
        return;
      }
      throw err;
    }
  }

  // ---- helpers ----

  private async caseFor(caseNo: string) {
    try {
      return await this.cases.caseForDelivery(caseNo);
    } catch (err) {
      if (err instanceof AppError && err.code === 'APPLICATION_NOT_FOUND') throw new PermanentFailure('the case no longer exists');
      throw err;
    }
  }

  private async requireShipment(caseNo: string): Promise<ShipmentRow> {
    const s = await this.repo.shipment(caseNo);
    if (!s) throw new AppError('SHIPMENT_NOT_FOUND', '该办件尚未填写收货地址', { caseNo });
    return s;
  }

  private recipientOf(s: ShipmentRow): PlainAddress {
    return JSON.parse(this.pii.decrypt('recipient', s.recipient_enc)) as PlainAddress;
  }

  private async view(s: ShipmentRow, viewer: 'citizen' | 'staff'): Promise<Shipment> {
    const r = this.recipientOf(s);
    const events = await this.repo.events(s.case_no);
    return {
      caseNo: s.case_no,
      waybillNo: s.waybill_no,
      state: s.state as ShipmentState,
      recipient: {
        name: maskName(r.recipientName),
        phone: maskPhone(r.phone),
        region: formatRegion(r.province, r.city, r.district),
        detail: viewer === 'citizen' ? r.detail : maskDetail(r.detail),
      },
      events: events.filter((e) => e.status in RANK).map(eventView),
      updatedAt: fromDbTime(s.updated_at),
    };
  }
}

function eventView(e: ShipmentEventRow): Shipment['events'][number] {
  return { state: e.status as ShipmentState, at: fromDbTime(e.at), description: e.description, location: e.location || null };
}

/** What the case's timeline says: `已揽收（运单号 EA…CN）：…`, `已退回：收件人拒收，…`. */
function noteOf(event: CourierEvent, status: DeliveryStatus): string {
  const label = status === 'picked_up' ? `${SHIPMENT_STATE_NAMES.picked_up}（运单号 ${event.waybillNo}）` : SHIPMENT_STATE_NAMES[status];
  const reason = status === 'returned' && event.reason && !event.description.includes(event.reason) ? `（${event.reason}）` : '';
  return `${label}：${event.description}${reason}`.slice(0, 300);
}

/** Staff see where a parcel goes, not the door: the first third of the street detail. */
function maskDetail(detail: string): string {
  const chars = Array.from(detail);
  return `${chars.slice(0, Math.max(2, Math.ceil(chars.length / 3))).join('')}****`;
}

function lockKey(caseNo: string): string {
  return `delivery:case:${caseNo}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : String(err);
}

