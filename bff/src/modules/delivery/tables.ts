/** Row shapes of the delivery module (times are `toDbTime` strings). */
export interface DeliveryAddressesTable {
  address_id: string;
  user_id: string;
  /** The client's key of the POST that created it (unique per citizen): a retry answers this row. */
  idempotency_key: string;
  request_hash: string;
  /** PiiCipher 'name', 'phone', 'address'. */
  recipient_name_enc: string;
  phone_enc: string;
  province: string;
  city: string;
  district: string;
  detail_enc: string;
  postcode: string | null;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface ShipmentsTable {
  case_no: string;
  user_id: string;
  /** The address-book entry the snapshot was taken from (it may be edited or deleted since). */
  address_id: string | null;
  /** PiiCipher 'recipient': JSON of the postal address as it was when chosen. */
  recipient_enc: string;
  /** Grows with each new address: the courier order number is `${caseNo}-${address_version}`. */
  address_version: number;
  state: string;
  order_no: string | null;
  waybill_no: string | null;
  booked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ShipmentEventsTable {
  /** The courier's event id: a re-delivered push is stored once. */
  event_id: string;
  case_no: string;
  waybill_no: string;
  status: string;
  at: string;
  location: string;
  description: string;
  received_at: string;
}

declare module '../../db/schema' {
  interface Tables {
    delivery_addresses: DeliveryAddressesTable;
    shipments: ShipmentsTable;
    shipment_events: ShipmentEventsTable;
  }
}
