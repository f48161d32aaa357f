import { MAX_ADDRESSES_PER_CITIZEN, POSTAL_ADDRESS_LIMITS, PostalAddressSchema, SaveAddressRequestSchema } from '@onevisit/shared-types';
import type { Address } from '@onevisit/shared-types/client';
import {
  ADDRESS_LIMITS,
  addressLine,
  draftFromAddress,
  emptyDraft,
  hasErrors,
  MAX_ADDRESSES,
  provinceChoices,
  toSaveRequest,
  validateAddress,
  withCity,
  withProvince,
  type AddressDraft,
} from './address';
import { canChooseAddress, isBooked, needsAddress, shipmentEventsNewestFirst, shipmentStateName, shipmentTone } from './shipment';

const good: AddressDraft = {
  recipientName: '张三',
  phone: '13800138000',
  province: '430000',
  city: '430100',
  district: '430102',
  detail: '五一大道100号3栋201',
  postcode: '410000',
  isDefault: false,
};

/** The schema's problems, one per field (the first), as the BFF would report them. */
function schemaErrors(d: AddressDraft): Record<string, string> {
  const body = { ...d, postcode: d.postcode.trim() ? d.postcode : undefined };
  const r = PostalAddressSchema.safeParse(body);
  const out: Record<string, string> = {};
  if (!r.success) for (const i of r.error.issues) if (!(String(i.path[0]) in out)) out[String(i.path[0])] = i.message;
  return out;
}

describe('address checks', () => {
  it('mirror the shared limits', () => {
    expect(ADDRESS_LIMITS).toEqual(POSTAL_ADDRESS_LIMITS);
    expect(MAX_ADDRESSES).toBe(MAX_ADDRESSES_PER_CITIZEN);
  });

  it('accept a Hunan address chosen from the table and one elsewhere written as text', () => {
    expect(validateAddress(good)).toEqual({});
    expect(validateAddress({ ...good, province: '440000', city: '深圳市', district: '南山区', postcode: '' })).toEqual({});
    expect(SaveAddressRequestSchema.safeParse(toSaveRequest(good)).success).toBe(true);
  });

  const cases: [string, Partial<AddressDraft>][] = [
    ['empty name', { recipientName: '  ' }],
    ['short name', { recipientName: '张' }],
    ['long name', { recipientName: '张'.repeat(31) }],
    ['markup in the name', { recipientName: '张<b>三' }],
    ['bad phone', { phone: '12800138000' }],
    ['masked phone', { phone: '138****8000' }],
    ['unknown province', { province: '990000' }],
    ['a city code as province', { province: '430100' }],
    ['a Hunan city of text', { city: '长沙市' }],
    ['a district of another city', { district: '430202' }],
    ['no district', { district: '' }],
    ['free-text city too long', { province: '440000', city: '深'.repeat(31), district: '南山区' }],
    ['free-text district empty', { province: '440000', city: '深圳市', district: ' ' }],
    ['a district code outside the province', { province: '440000', city: '深圳市', district: '430102' }],
    ['short detail', { detail: '五一路' }],
    ['long detail', { detail: '路'.repeat(121) }],
    ['control character in the detail', { detail: '五一大道\n100号3栋' }],
    ['bad postcode', { postcode: '41000' }],
  ];
  it.each(cases)('report %s on the same field as the schema, with its sentence', (_name, change) => {
    const d = { ...good, ...change };
    const mine = validateAddress(d);
    const theirs = schemaErrors(d);
    expect(Object.keys(theirs).length).toBeGreaterThan(0);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const field of Object.keys(theirs)) {
      // an empty Hunan city / district is chosen, not typed: "请选择…" instead of "请填写…"
      if (field === 'district' && !d.district.trim() && d.province === '430000') expect(mine.district).toBe('请选择长沙市的区县');
      else expect(mine[field as keyof typeof mine]).toBe(theirs[field]);
    }
  });

  it('asks for everything on an empty form', () => {
    const errors = validateAddress(emptyDraft());
    expect(errors).toMatchObject({ recipientName: '请填写收件人姓名', phone: '请填写收件人手机号码', province: '请选择省份', detail: '请填写详细地址' });
    expect(hasErrors(errors)).toBe(true);
    expect(validateAddress({ ...good, city: '', district: '' }).city).toBe('请选择湖南省的城市');
  });

  it('starts the region over when the province or the table city changes', () => {
    expect(withProvince(good, '440000')).toMatchObject({ province: '440000', city: '', district: '' });
    expect(withCity(good, '430200')).toMatchObject({ city: '430200', district: '' });
    const elsewhere = { ...good, province: '440000', city: '深圳', district: '南山区' };
    expect(withCity(elsewhere, '深圳市')).toMatchObject({ city: '深圳市', district: '南山区' });
  });

  it('sends a trimmed body, without an empty postcode', () => {
    const body = toSaveRequest({ ...good, recipientName: ' 张三 ', detail: ' 五一大道100号 ', postcode: ' ', isDefault: true });
    expect(body).toEqual({ recipientName: '张三', phone: '13800138000', province: '430000', city: '430100', district: '430102', detail: '五一大道100号', isDefault: true });
  });

  const saved: Address = {
    addressId: 'adr_1',
    recipientName: '张*',
    phone: '138****8000',
    province: '430000',
    city: '430100',
    district: '430102',
    region: '湖南省长沙市芙蓉区',
    detail: '五一大道100号3栋201',
    postcode: null,
    isDefault: true,
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
  };
  it('edits a saved address with name and phone to type again (they come masked)', () => {
    const d = draftFromAddress(saved);
    expect(d).toEqual({ recipientName: '', phone: '', province: '430000', city: '430100', district: '430102', detail: '五一大道100号3栋201', postcode: '', isDefault: true });
    expect(Object.keys(validateAddress(d)).sort()).toEqual(['phone', 'recipientName']);
    expect(addressLine(saved)).toBe('湖南省长沙市芙蓉区 五一大道100号3栋201');
  });

  it('lists the home province first', () => {
    const list = provinceChoices([{ code: '110000' }, { code: '430000' }, { code: '440000' }]);
    expect(list.map((p) => p.code)).toEqual(['430000', '110000', '440000']);
  });
});

describe('shipment view', () => {
  it('allows choosing an address until the parcel is booked or the case ended', () => {
    expect(canChooseAddress('accepted', undefined)).toBe(true);
    expect(canChooseAddress('producing', { waybillNo: null })).toBe(true);
    expect(canChooseAddress('producing', { waybillNo: 'SF123' })).toBe(false);
    expect(canChooseAddress('shipped', { waybillNo: null })).toBe(false);
    expect(canChooseAddress('withdrawn', undefined)).toBe(false);
    expect(needsAddress('rejected')).toBe(false);
    expect(needsAddress('draft')).toBe(true);
    expect(isBooked({ waybillNo: '' })).toBe(false);
  });

  it('names states and orders events newest first', () => {
    expect(shipmentStateName('in_transit')).toBe('运输中');
    expect(shipmentStateName('weird')).toBe('weird');
    expect(shipmentTone('signed')).toBe('green');
    const events = [
      { at: '2026-03-02T08:00:00Z', id: 'b' },
      { at: '2026-03-01T08:00:00Z', id: 'a' },
      { at: '2026-03-03T08:00:00Z', id: 'c' },
      { at: '2026-03-03T08:00:00Z', id: 'd' },
    ];
    expect(shipmentEventsNewestFirst(events).map((e) => e.id)).toEqual(['d', 'c', 'b', 'a']);
  });
});
