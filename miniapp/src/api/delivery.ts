import {
  apiPaths,
  type Address,
  type AddressList,
  type CreateAddressRequest,
  type SaveAddressRequest,
  type Shipment,
} from '@onevisit/shared-types/client';
import type { RequestFn } from './client';

/**
 * The citizen's address book (`/me/addresses`) and a posted case's delivery
 * (`/applications/:caseNo/address`, `/applications/:caseNo/shipment`). Names and phones come back
 * masked; the street detail as given.
 */
export function createDeliveryApi(authed: RequestFn) {
  return {
    /** The default first, then in the order they were added. */
    addresses: () => authed<AddressList>(apiPaths.meAddresses),
    /** Safe to repeat with the same idempotencyKey: the BFF answers the address it made. */
    createAddress: (body: CreateAddressRequest) => authed<Address>(apiPaths.meAddresses, { method: 'POST', data: body }),
    /** Replaces the whole address (name and phone in full again); `isDefault: true` makes it the default. */
    updateAddress: (addressId: string, body: SaveAddressRequest) => authed<Address>(apiPaths.meAddress(addressId), { method: 'PUT', data: body }),
    /** The book as it is afterwards. */
    removeAddress: (addressId: string) => authed<AddressList>(apiPaths.meAddress(addressId), { method: 'DELETE' }),
    /** Posts the case's result to a saved address (until the parcel is booked: SHIPMENT_ALREADY_BOOKED). */
    setCaseAddress: (caseNo: string, addressId: string) => authed<Shipment>(apiPaths.applicationAddress(caseNo), { method: 'PUT', data: { addressId } }),
    /** The parcel; 404 SHIPMENT_NOT_FOUND until an address is chosen. */
    shipment: (caseNo: string) => authed<Shipment>(apiPaths.applicationShipment(caseNo)),
  };
}
export type DeliveryApi = ReturnType<typeof createDeliveryApi>;
