import {
  formatRegion,
  maskPhone,
  MAX_ADDRESSES_PER_CITIZEN,
  type Address,
  type CreateAddressRequest,
  type PostalAddress,
  type SaveAddressRequest,
} from '@onevisit/shared-types';
import { fromDbTime, newId, toDbTime } from '../../db/sql';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';
import type { PiiCipher } from '../../security/pii';
import { maskName } from '../identity/service';
import type { AddressRow, DeliveryRepo } from './repo';
import { withLock } from './lock';

/** A saved address, decrypted: only ever held in memory, never logged. */
export interface PlainAddress extends PostalAddress {
  addressId: string;
  postcode?: string;
}

/**
 * The citizen's address book (收货地址): at most 20 addresses, exactly one default while any
 * exist. Recipient name, phone and the street detail are stored encrypted; the views mask name
 * and phone and show the detail as given (it is the citizen's own and needed to recognise it).
 */
export class AddressBook {
  constructor(
    private readonly repo: DeliveryRepo,
    private readonly pii: PiiCipher,
    private readonly kv: Kv,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(userId: string): Promise<Address[]> {
    return sortBook(await this.repo.addresses(userId)).map((r) => this.view(r));
  }

  /** Adds an address; the same idempotency key with the same address answers the first one. */
  async create(userId: string, request: CreateAddressRequest): Promise<{ address: Address; created: boolean }> {
    const { idempotencyKey, ...rest } = request;
    const hash = this.hash(rest);
    const replay = await this.replay(userId, idempotencyKey, hash);
    if (replay) return { address: this.view(replay), created: false };
    return withLock(this.kv, `delivery:book:${userId}`, async () => {
      const again = await this.replay(userId, idempotencyKey, hash);
      if (again) return { address: this.view(again), created: false };
      const at = toDbTime(this.now());
      const row: AddressRow = { address_id: newId('adr'), user_id: userId, idempotency_key: idempotencyKey, request_hash: hash, ...this.sealed(rest), is_default: 0, created_at: at, updated_at: at };
      await this.repo.db.transaction().execute(async (trx) => {
        const count = await this.repo.countAddresses(trx, userId);
        if (count >= MAX_ADDRESSES_PER_CITIZEN) throw new AppError('ADDRESS_LIMIT_REACHED', `最多保存${MAX_ADDRESSES_PER_CITIZEN}个收货地址，请先删除不用的地址`, { max: MAX_ADDRESSES_PER_CITIZEN });
        await this.repo.insertAddress(trx, row);
        if (count === 0 || rest.isDefault) await this.repo.setDefault(trx, userId, row.address_id);
      });
      return { address: this.view((await this.repo.address(userId, row.address_id))!), created: true };
    });
  }

  /** Replaces an address; `isDefault: true` makes it the default (the default stays one while others exist). */
  async update(userId: string, addressId: string, request: SaveAddressRequest): Promise<Address> {
    await this.own(userId, addressId);
    await this.repo.db.transaction().execute(async (trx) => {
      if (!(await this.repo.updateAddress(trx, userId, addressId, { ...this.sealed(request), updated_at: toDbTime(this.now()) }))) throw notFound(addressId);
      if (request.isDefault) await this.repo.setDefault(trx, userId, addressId);
    });
    return this.view(await this.own(userId, addressId));
  }

  /** Deletes an address; when it was the default, the newest remaining one becomes the default. */
  async remove(userId: string, addressId: string): Promise<Address[]> {
    await withLock(this.kv, `delivery:book:${userId}`, async () => {
      await this.repo.db.transaction().execute(async (trx) => {
        const row = await this.repo.address(userId, addressId, trx);
        if (!row || !(await this.repo.deleteAddress(trx, userId, addressId))) throw notFound(addressId);
        if (row.is_default !== 1) return;
        const newest = (await this.repo.addresses(userId, trx)).at(-1);
        if (newest) await this.repo.setDefault(trx, userId, newest.address_id);
      });
    });
    return this.list(userId);
  }

  /** One of the citizen's own addresses, decrypted (for a case's delivery); another's is ADDRESS_NOT_FOUND. */
  async plain(userId: string, addressId: string): Promise<PlainAddress> {
    const r = await this.own(userId, addressId);
    return {
      addressId: r.address_id,
      recipientName: this.pii.decrypt('name', r.recipient_name_enc),
      phone: this.pii.decrypt('phone', r.phone_enc),
      province: r.province,
      city: r.city,
      district: r.district,
      detail: this.pii.decrypt('address', r.detail_enc),
      ...(r.postcode ? { postcode: r.postcode } : {}),
    };
  }

  private async own(userId: string, addressId: string): Promise<AddressRow> {
    const row = await this.repo.address(userId, addressId);
    if (!row) throw notFound(addressId);
    return row;
  }

  private async replay(userId: string, key: string, hash: string): Promise<AddressRow | undefined> {
    const existing = await this.repo.addressByKey(userId, key);
    if (existing && existing.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different address', { addressId: existing.address_id });
    return existing;
  }

  /** A keyed hash of the request (it holds personal data, so never a plain digest). */
  private hash(request: SaveAddressRequest): string {
    const a = request as SaveAddressRequest & PostalAddress;
    const canonical = JSON.stringify([a.recipientName, a.phone, a.province, a.city, a.district, a.detail, a.postcode ?? null, a.isDefault === true]);
    return this.pii.blindIndex('address', canonical);
  }

  private sealed(a: SaveAddressRequest): Pick<AddressRow, 'recipient_name_enc' | 'phone_enc' | 'province' | 'city' | 'district' | 'detail_enc' | 'postcode'> {
    return {
      recipient_name_enc: this.pii.encrypt('name', a.recipientName),
      phone_enc: this.pii.encrypt('phone', a.phone),
      province: a.province,
      city: a.city,
      district: a.district,
      detail_enc: this.pii.encrypt('address', a.detail),
      postcode: a.postcode ?? null,
    };
  }

  private view(r: AddressRow): Address {
    return {
      addressId: r.address_id,
      recipientName: maskName(this.pii.decrypt('name', r.recipient_name_enc)),
      phone: maskPhone(this.pii.decrypt('phone', r.phone_enc)),
      province: r.province,
      city: r.city,
      district: r.district,
      region: formatRegion(r.province, r.city, r.district),
      detail: this.pii.decrypt('address', r.detail_enc),
      postcode: r.postcode,
      isDefault: r.is_default === 1,
      createdAt: fromDbTime(r.created_at),
      updatedAt: fromDbTime(r.updated_at),
    };
  }
}

/** The default first, then in the order they were added. */
function sortBook(rows: AddressRow[]): AddressRow[] {
  return [...rows].sort((a, b) => b.is_default - a.is_default);
}

function notFound(addressId: string): AppError {
  return new AppError('ADDRESS_NOT_FOUND', '收货地址不存在', { addressId });
}
