/**
 * A postal address for delivering results (快递送达). Regions come from `./regions`: in the home
 * province (Hunan) city and district are codes from the table; elsewhere the province is a code
 * and city and district are written as text (`广东省` + `深圳市` + `南山区`).
 *
 * Every problem is reported on the field it concerns (`issue.path[0]`), with a Chinese sentence
 * to show beside it; a region path that does not hold (a district of another city) is reported
 * on the first part that breaks it.
 */
import { z } from 'zod';
import { checkRegionPath, REGION_NAME_MAX_LENGTH, regionByCode } from './regions';
import { isValidMobile } from './validators';

const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const chars = (s: string) => Array.from(s).length;

/** Trimmed text of min–max characters (code points), one line, no markup brackets. */
function text(label: string, min: number, max: number) {
  return z
    .string({ error: `请填写${label}` })
    .trim()
    .refine((v) => chars(v) > 0, `请填写${label}`)
    .refine((v) => chars(v) === 0 || chars(v) >= min, `${label}至少${min}个字`)
    .refine((v) => chars(v) <= max, `${label}不能超过${max}个字`)
    .refine((v) => !CONTROL.test(v) && !/[<>]/.test(v), `${label}包含不允许的字符`);
}

export const POSTAL_ADDRESS_LIMITS = {
  recipientName: { min: 2, max: 30 },
  detail: { min: 5, max: 120 },
} as const;

export const PostalAddressSchema = z
  .object({
    /** 收件人: 2–30 characters. */
    recipientName: text('收件人姓名', POSTAL_ADDRESS_LIMITS.recipientName.min, POSTAL_ADDRESS_LIMITS.recipientName.max),
    /** Mainland mobile number (`isValidMobile`). */
    phone: z.string({ error: '请填写收件人手机号码' }).trim().refine(isValidMobile, '收件人手机号码不正确'),
    /** Province-level code `xx0000`. */
    province: z
      .string({ error: '请选择省份' })
      .trim()
      .refine((v) => regionByCode(v)?.level === 'province', '请选择正确的省份'),
    /** Hunan: a city code of the table (`430100`); elsewhere the city's name. */
    city: text('城市', 1, REGION_NAME_MAX_LENGTH),
    /** Hunan: a county-level code of that city (`430102`); elsewhere the district's name. */
    district: text('区县', 1, REGION_NAME_MAX_LENGTH),
    /** Street, number, building, room: 5–120 characters. */
    detail: text('详细地址', POSTAL_ADDRESS_LIMITS.detail.min, POSTAL_ADDRESS_LIMITS.detail.max),
    /** 邮政编码, six digits. */
    postcode: z
      .string({ error: '邮政编码应为6位数字' })
      .trim()
      .regex(/^\d{6}$/, '邮政编码应为6位数字')
      .optional(),
  })
  .check((payload) => {
    const a = payload.value;
    const check = checkRegionPath(a.province, a.city, a.district);
    // One message per field: a part that already failed its own check is not reported twice.
    if (check.ok || payload.issues.some((i) => i.path?.[0] === check.field)) return;
    payload.issues.push({ code: 'custom', path: [check.field], message: check.message, input: a });
  })
  .meta({ id: 'PostalAddress' });
export type PostalAddress = z.infer<typeof PostalAddressSchema>;
