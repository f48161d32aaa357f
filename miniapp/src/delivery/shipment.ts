/**
 * A posted case's parcel as the case detail shows it: whether the citizen may still choose or
 * change the address, whether the courier has booked it, and the tracking newest first.
 */
import { SHIPMENT_STATE_NAMES, type CaseState, type Shipment, type ShipmentState } from '@onevisit/shared-types/client';

/** Cases that end without a result to post (the BFF refuses an address: CASE_TRANSITION_ILLEGAL). */
const CLOSED_WITHOUT_RESULT: readonly CaseState[] = ['withdrawn', 'rejected', 'not_accepted'];
/** Cases whose result has left (the BFF refuses a change: SHIPMENT_ALREADY_BOOKED). */
const SENT: readonly CaseState[] = ['shipped', 'completed'];

/** The courier has a waybill: the address can no longer change. */
export function isBooked(s: Pick<Shipment, 'waybillNo'> | undefined | null): boolean {
  return !!s?.waybillNo;
}

/** Whether the citizen may choose (or change) the delivery address of a postal case now. */
export function canChooseAddress(state: CaseState, shipment: Pick<Shipment, 'waybillNo'> | undefined | null): boolean {
  if (CLOSED_WITHOUT_RESULT.includes(state) || SENT.includes(state)) return false;
  return !isBooked(shipment);
}

/** Whether a postal case still needs an address at all (no point asking once it ended without a result). */
export function needsAddress(state: CaseState): boolean {
  return !CLOSED_WITHOUT_RESULT.includes(state);
}

export function shipmentStateName(state: ShipmentState | string): string {
  return (SHIPMENT_STATE_NAMES as Record<string, string>)[state] ?? state;
}

/** Tracking events, the newest first (same time: the later in the list first). */
export function shipmentEventsNewestFirst<E extends { at: string }>(events: readonly E[]): E[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => (Number.isNaN(b.t) || Number.isNaN(a.t) ? b.i - a.i : b.t - a.t || b.i - a.i))
    .map((x) => x.e);
}

/** A pill tone for the shipment's state. */
export function shipmentTone(state: ShipmentState | string): 'blue' | 'green' | 'orange' | 'red' | 'gray' {
  switch (state) {
    case 'signed':
      return 'green';
    case 'returned':
      return 'red';
    case 'out_for_delivery':
      return 'orange';
    case 'created':
      return 'gray';
    default:
      return 'blue';
  }
}
