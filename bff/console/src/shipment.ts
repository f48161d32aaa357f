/**
 * The case's parcel (邮寄) in the console, the pure part (no React, no fetch): what the panel shows
 * for a case's delivery option and load outcome, the state's colour, the tracking events newest
 * first and the masked recipient as one line. Unit-tested in shipment.test.ts.
 */
import type { DeliveryOption, Shipment, ShipmentState } from '@onevisit/shared-types/client';
import type { StateTone } from './cases';

type ShipmentEvent = Shipment['events'][number];

export function shipmentTone(state: ShipmentState): StateTone {
  switch (state) {
    case 'signed':
      return 'ok';
    case 'returned':
      return 'bad';
    case 'created':
      return 'muted';
    default:
      return 'progress'; // picked_up, in_transit, out_for_delivery
  }
}

/** Newest event first; ties keep the courier's order reversed (the later push last-in). */
export function sortShipmentEvents(events: readonly ShipmentEvent[]): ShipmentEvent[] {
  const at = (e: ShipmentEvent) => {
    const t = Date.parse(e.at);
    return Number.isNaN(t) ? -Infinity : t;
  };
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => at(b.e) - at(a.e) || b.i - a.i)
    .map(({ e }) => e);
}

/** The masked recipient as the desk reads it: `张* 138****0000`, and the address `region detail`. */
export function recipientView(r: Shipment['recipient']): { person: string; address: string } {
  const person = [r.name.trim(), r.phone.trim()].filter(Boolean).join(' ');
  const address = [r.region.trim(), r.detail.trim()].filter(Boolean).join(' ');
  return { person: person || '—', address: address || '—' };
}

/**
 * What the 邮寄 panel shows: nothing for a case not sent by post (window pickup, electronic);
 * for a postal case, the parcel, a note that the applicant has not chosen an address yet
 * (404 SHIPMENT_NOT_FOUND), the error, or a loading line.
 */
export type ShipmentPanelView = 'hidden' | 'loading' | 'shipment' | 'no_address' | 'error';

export function shipmentPanelView(deliveryOption: DeliveryOption, loaded: { data: Shipment | null; error: unknown }): ShipmentPanelView {
  if (deliveryOption !== 'postal') return 'hidden';
  if (loaded.error) {
    const code = (loaded.error as { code?: unknown } | null)?.code;
    return code === 'SHIPMENT_NOT_FOUND' ? 'no_address' : 'error';
  }
  return loaded.data ? 'shipment' : 'loading';
}
