/**
 * Postal addresses (快递送达) on the device: the form's draft, its checks — the same rules as
 * shared-types' `PostalAddressSchema`, written without zod from the client entry's
 * `checkRegionPath` and `isValidMobile` — and the body sent to the BFF.
 *
 * The book comes back with recipient name and phone masked (`张*`, `138****5678`), so an edit
 * starts with those two empty: the citizen types them again (the BFF replaces the whole address).
 */
import {
  checkRegionPath,
  citiesOf,
  HOME_PROVINCE,
  isValidMobile,
  REGION_NAME_MAX_LENGTH,
  regionByCode,
  type Address,
  type SaveAddressRequest,
} from '@onevisit/shared-types/client';

/**
 * shared-types' `POSTAL_ADDRESS_LIMITS` (addresses.ts), which the client entry exports as a type
 * only; delivery.test.ts keeps the two equal.
 */
export const ADDRESS_LIMITS = {
  recipientName: { min: 2, max: 30 },
  detail: { min: 5, max: 120 },
} as const;

export interface AddressDraft {
  recipientName: string;
  phone: string;
  /** Province code `xx0000`. */
  province: string;
  /** Home province: a city code; elsewhere the city's name. */
  city: string;
  /** Home province: a district code of that city; elsewhere the district's name. */
  district: string;
  detail: string;
  postcode: string;
  isDefault: boolean;
}

export type AddressField = 'recipientName' | 'phone' | 'province' | 'city' | 'district' | 'detail' | 'postcode';
export type AddressErrors = Partial<Record<AddressField, string>>;

/** Order the form shows its fields (the first error is scrolled to / announced). */
export const ADDRESS_FIELDS: readonly AddressField[] = ['recipientName', 'phone', 'province', 'city', 'district', 'detail', 'postcode'];

export function emptyDraft(isDefault = false): AddressDraft {
  return { recipientName: '', phone: '', province: '', city: '', district: '', detail: '', postcode: '', isDefault };
}

/** An address of the book, to edit: name and phone come masked, so they start empty. */
export function draftFromAddress(a: Address): AddressDraft {
  return {
    recipientName: '',
    phone: '',
    province: a.province,
    city: a.city,
    district: a.district,
    detail: a.detail,
    postcode: a.postcode ?? '',
    isDefault: a.isDefault,
  };
}

/** Whether the province's cities and districts are picked from the table (Hunan) rather than typed. */
export function hasCityTable(province: string): boolean {
  return !!province && !!citiesOf(province);
}

/** A new province: city and district start over. */
export function withProvince(d: AddressDraft, province: string): AddressDraft {
  return { ...d, province, city: '', district: '' };
}

/** A new city: the district starts over (a table city's districts are its own). */
export function withCity(d: AddressDraft, city: string): AddressDraft {
  return { ...d, city, district: hasCityTable(d.province) ? '' : d.district };
}

const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const chars = (s: string) => Array.from(s).length;

/** `text(label, min, max)` of the schema: trimmed, min–max code points, one line, no `<>`. */
function textProblem(value: string, label: string, min: number, max: number): string | undefined {
  const v = value.trim();
  const n = chars(v);
  if (n === 0) return `请填写${label}`;
  if (n < min) return `${label}至少${min}个字`;
  if (n > max) return `${label}不能超过${max}个字`;
  if (CONTROL.test(v) || /[<>]/.test(v)) return `${label}包含不允许的字符`;
  return undefined;
}

/**
 * Every problem of the draft, one per field, with the schema's sentences. A region path that does
 * not hold is reported on the first part that breaks it; in the home province an empty city or
 * district reads "请选择…" (they are chosen, not typed).
 */
export function validateAddress(d: AddressDraft): AddressErrors {
  const errors: AddressErrors = {};
  const name = textProblem(d.recipientName, '收件人姓名', ADDRESS_LIMITS.recipientName.min, ADDRESS_LIMITS.recipientName.max);
  if (name) errors.recipientName = name;
  const phone = d.phone.trim();
  if (!phone) errors.phone = '请填写收件人手机号码';
  else if (!isValidMobile(phone)) errors.phone = '收件人手机号码不正确';

  const province = d.province.trim();
  if (!province) errors.province = '请选择省份';
  else if (regionByCode(province)?.level !== 'province') errors.province = '请选择正确的省份';
  if (!errors.province && !hasCityTable(province)) {
    const city = textProblem(d.city, '城市', 1, REGION_NAME_MAX_LENGTH);
    if (city) errors.city = city;
    const district = textProblem(d.district, '区县', 1, REGION_NAME_MAX_LENGTH);
    if (district) errors.district = district;
  }
  const path = checkRegionPath(province, d.city.trim(), d.district.trim());
  if (!path.ok && !errors[path.field]) errors[path.field] = path.message;

  const detail = textProblem(d.detail, '详细地址', ADDRESS_LIMITS.detail.min, ADDRESS_LIMITS.detail.max);
  if (detail) errors.detail = detail;
  const postcode = d.postcode.trim();
  if (postcode && !/^\d{6}$/.test(postcode)) errors.postcode = '邮政编码应为6位数字';
  return errors;
}

export function hasErrors(errors: AddressErrors): boolean {
  return ADDRESS_FIELDS.some((f) => !!errors[f]);
}

/** The body of POST / PUT: trimmed, the postcode left out when not given. */
export function toSaveRequest(d: AddressDraft): SaveAddressRequest {
  const postcode = d.postcode.trim();
  return {
    recipientName: d.recipientName.trim(),
    phone: d.phone.trim(),
    province: d.province.trim(),
    city: d.city.trim(),
    district: d.district.trim(),
    detail: d.detail.trim(),
    ...(postcode ? { postcode } : {}),
    isDefault: d.isDefault,
  };
}

/** `湖南省长沙市芙蓉区 五一大道1号` for a card. */
export function addressLine(a: Pick<Address, 'region' | 'detail'>): string {
  return [a.region, a.detail].filter(Boolean).join(' ');
}

/** The home province first, then the others in table order. */
export function provinceChoices<T extends { code: string }>(provinces: readonly T[]): T[] {
  const home = provinces.filter((p) => p.code === HOME_PROVINCE.code);
  return [...home, ...provinces.filter((p) => p.code !== HOME_PROVINCE.code)];
}

/** shared-types' `MAX_ADDRESSES_PER_CITIZEN` (a value of the zod entry). */
export const MAX_ADDRESSES = 20;
