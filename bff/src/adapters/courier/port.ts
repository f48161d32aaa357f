/**
 * The postal courier (EMS-style 邮政快递) as a port: the delivery capability books a waybill for a
 * result (licence, certificate) and follows the parcel, by polling `queryTracking` or through the
 * courier's signed tracking pushes (see `./push.ts`). The real client is `./client.ts`; the
 * simulator is `sim/courier.ts`.
 *
 * Waybill numbers are UPU S10 item identifiers, as EMS prints them: two service letters, an
 * 8-digit serial, a check digit and the country code — `EA123456785CN`.
 */
import { z } from 'zod';

export const COURIER_SERVICE_TYPES = ['standard', 'express'] as const;
/** standard: 标准快递; express: 特快专递. */
export type CourierServiceType = (typeof COURIER_SERVICE_TYPES)[number];

/**
 * A parcel's life: picked_up → in_transit → out_for_delivery → signed | returned (refused or
 * undeliverable, on its way back to the sender). `cancelled`: the waybill was cancelled before
 * pickup.
 */
export const COURIER_STATUSES = ['picked_up', 'in_transit', 'out_for_delivery', 'signed', 'returned', 'cancelled'] as const;
export type CourierStatus = (typeof COURIER_STATUSES)[number];

/** Statuses after which the courier sends nothing more for the waybill. */
export const FINAL_COURIER_STATUSES: readonly CourierStatus[] = ['signed', 'returned', 'cancelled'];

/** Sender or recipient. Region parts are names, as printed on the label (`湖南省`, `长沙市`, `岳麓区`). */
export interface CourierParty {
  name: string;
  /** Mobile or landline. */
  phone: string;
  province: string;
  city: string;
  district: string;
  /** Street, number, building, room. */
  address: string;
  postcode?: string;
}

export interface CourierOrder {
  /** Our unique order number: the courier answers the same waybill for it again (idempotent). */
  orderNo: string;
  sender: CourierParty;
  recipient: CourierParty;
  parcel: { weightGrams: number; description: string };
  serviceType: CourierServiceType;
}

export interface CourierEvent {
  /** Unique per event: receivers dedupe on it (pushes may arrive more than once). */
  eventId: string;
  waybillNo: string;
  orderNo: string;
  status: CourierStatus;
  /** ISO 8601 with offset. */
  at: string;
  /** Where it happened: a city, a processing centre, a delivery office. */
  location: string;
  /** The courier's own words (已揽收, 离开长沙邮区中心局 …). */
  description: string;
  /** Who signed (signed only): 本人, 家人, 门卫 … */
  signer?: string;
  /** Why it went back (returned only). */
  reason?: string;
}

export interface CourierPort {
  /** Books a pickup; the same orderNo again answers the same waybill (the first order's content is kept). */
  createWaybill(order: CourierOrder): Promise<{ waybillNo: string }>;
  /** Every tracking event so far, oldest first (empty before pickup). */
  queryTracking(waybillNo: string): Promise<CourierEvent[]>;
  /** Cancels a waybill not yet picked up; cancelling a cancelled waybill again is fine. 'rejected' ALREADY_PICKED_UP after pickup. */
  cancelWaybill(waybillNo: string): Promise<void>;
}

// ---- UPU S10 identifiers ----

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** The S10 check digit of an 8-digit serial: weights 8 6 4 2 3 5 9 7, 11 − (sum mod 11), 10 → 0, 11 → 5. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError('S10 serial: 8 digits');
  const sum = S10_WEIGHTS.reduce((n, w, i) => n + w * Number(serial[i]), 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

export const S10_PATTERN = /^[A-Z]{2}\d{9}[A-Z]{2}$/;

/** `EA` + `12345678` (+ `CN`) → `EA123456785CN`. */
export function makeS10(service: string, serial: string, country = 'CN'): string {
  if (!/^[A-Z]{2}$/.test(service) || !/^[A-Z]{2}$/.test(country)) throw new RangeError('S10: two capital letters for service and country');
  return `${service}${serial}${s10CheckDigit(serial)}${country}`;
}

/** A well-formed S10 identifier whose check digit holds. */
export function isValidS10(id: string): boolean {
  if (typeof id !== 'string' || !S10_PATTERN.test(id)) return false;
  return s10CheckDigit(id.slice(2, 10)) === Number(id[10]);
}

// ---- wire schemas: the client checks answers with them, the simulator checks requests, the push
// route checks pushed events. Protocol shape only — no business rules.

const text = (max: number) => z.string().trim().min(1).max(max);

export const CourierPartySchema = z.object({
  name: text(60),
  phone: z.string().regex(/^[0-9+\- ]{5,20}$/),
  province: text(30),
  city: text(30),
  district: text(30),
  address: text(200),
  postcode: z.string().regex(/^\d{6}$/).optional(),
});

export const CourierOrderSchema = z.object({
  orderNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  sender: CourierPartySchema,
  recipient: CourierPartySchema,
  parcel: z.object({ weightGrams: z.number().int().min(1).max(50_000), description: text(100) }),
  serviceType: z.enum(COURIER_SERVICE_TYPES),
});

export const CourierEventSchema = z.object({
  eventId: text(64),
  waybillNo: z.string().refine(isValidS10, 'not an S10 waybill number'),
  orderNo: text(64),
  status: z.enum(COURIER_STATUSES),
  at: z.iso.datetime({ offset: true }),
  location: z.string().max(100),
  description: z.string().max(500),
  signer: z.string().max(60).optional(),
  reason: z.string().max(500).optional(),
});
