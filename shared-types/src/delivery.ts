import { z } from 'zod';
import { PostalAddressSchema } from './addresses';
import { IdempotencyKeySchema } from './applications';

// ---- delivery (快递送达): the citizen's address book and a case's delivery address ----
// The shipment itself (`ShipmentSchema`) and `AddressIdParamsSchema` live in `./payments`.

/** How many addresses one citizen may keep. */
export const MAX_ADDRESSES_PER_CITIZEN = 20;

/**
 * An address as the citizen saves it: a postal address (every problem reported on its own field)
 * and whether it becomes the default. The first address is the default whatever this says; there
 * is always exactly one default while the book is not empty.
 */
export const SaveAddressRequestSchema = PostalAddressSchema.safeExtend({ isDefault: z.boolean().optional() });
export type SaveAddressRequest = z.input<typeof SaveAddressRequestSchema>;

/** A new address; the same idempotencyKey again answers the address it created. */
export const CreateAddressRequestSchema = SaveAddressRequestSchema.safeExtend({ idempotencyKey: IdempotencyKeySchema });
export type CreateAddressRequest = z.input<typeof CreateAddressRequestSchema>;

/** An address of the book as shown: recipient name and phone masked, the detail as given. */
export const AddressSchema = z
  .object({
    addressId: z.string(),
    recipientName: z.string(),
    phone: z.string(),
    province: z.string(),
    city: z.string(),
    district: z.string(),
    /** Names of province, city and district (`湖南省长沙市芙蓉区`). */
    region: z.string(),
    detail: z.string(),
    postcode: z.string().nullable(),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Address' });
export type Address = z.infer<typeof AddressSchema>;

export const AddressListSchema = z.object({ items: z.array(AddressSchema) });
export type AddressList = z.infer<typeof AddressListSchema>;

/** Posts a case's result to one of the citizen's addresses (a snapshot is taken; allowed until the parcel is booked). */
export const SetCaseAddressRequestSchema = z.object({ addressId: z.string().min(1).max(64) });
export type SetCaseAddressRequest = z.infer<typeof SetCaseAddressRequestSchema>;
