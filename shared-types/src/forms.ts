/**
 * Validation of an application form against its item's `formSchema`, shared by the mini-program
 * (instant feedback next to each field) and the BFF (the check that counts). No dependency beyond
 * ./validators, so `@onevisit/shared-types/client` can export it without bundling zod.
 *
 * Rules, per field type (`value` is what a valid form yields, ready to store):
 * - Every key of `data` must be a field of the schema; each unknown key is one issue.
 * - Absent, `null`, `undefined` and strings that are empty after trimming count as "not filled":
 *   an issue when the field is required, otherwise the key is left out of `value`.
 * - Strings are trimmed. Only strings are accepted for string types (a number for a text field is
 *   refused, not coerced).
 * - text: at most `maxLength` characters (default 200), counted in code points; no control
 *   characters (a single line). textarea: the same with default 2000, line breaks and tabs
 *   allowed, CRLF normalised to LF.
 * - number: a finite JS number, or a plain decimal string (`12`, `-3.5`; no exponent, hex,
 *   `Infinity` or thousands separators) converted to a number; within `min`/`max` inclusive.
 *   Integer or decimal: the schema has no `integer`/`step` flag, so the rule is that a field
 *   whose `min` is an integer ≥ 1 (and whose `max`, if any, is an integer) is a count — 随迁人数,
 *   客房数量, 箱数 — and takes safe integers only; every other number field (a lower bound of 0,
 *   a fractional bound, no lower bound) takes decimals — 千克, 万元. See `numberIsInteger`.
 * - date: `YYYY-MM-DD`, a real calendar date, year 1900–2199; `min`/`max` do not apply
 *   (whether a date may lie in the past or the future is the item's business rule).
 * - select: a string equal to one of `options[].value` (a select without options takes nothing).
 * - boolean: the JS booleans `true`/`false` only (no "true", 1, "是"); `false` counts as filled.
 * - idNumber: GB 11643 via `isValidIdNumber` (province prefix, real birth date not after
 *   `options.today`, MOD 11-2 check character); a lowercase `x` is normalised to `X`.
 * - phone: a mainland mobile number via `isValidMobile` (11 digits starting 13–19).
 * - region: a 6-digit GB/T 2260 code whose first two digits are a province of `PROVINCE_PREFIXES`,
 *   optionally followed by whitespace and a free-text detail (street and number):
 *   `430102` or `430102 五一大道1号`; the whole at most `maxLength` (default 200) characters;
 *   runs of whitespace between code and detail are normalised to one space.
 * - plateNumber: a mainland motor-vehicle plate (GA 36), see `PLATE_NUMBER_PATTERN`; spaces, `-`
 *   and the middle dot (湘A·12345) are removed and letters upper-cased before the check.
 *
 * Messages are Chinese sentences to show beside the field; `field` is the field key. Problems
 * with the form as a whole (not an object) use the field `_form`, which no field key can equal.
 */
import type { FormField } from './catalog';
import { PROVINCE_PREFIXES, idNumberCheckChar, isValidIdNumber, isValidMobile } from './validators';

export type FormValue = string | number | boolean;
export interface FormIssue {
  field: string;
  message: string;
}
export type FormValidationResult =
  | { ok: true; value: Record<string, FormValue> }
  | { ok: false; issues: FormIssue[] };
export interface ValidateFormOptions {
  /** "Now" for checks that depend on it (an ID number's birth date may not be in the future). */
  today?: Date;
}

/** The `field` of an issue about the form as a whole. */
export const FORM_ISSUE_FIELD = '_form';

export const DEFAULT_TEXT_MAX_LENGTH = 200;
export const DEFAULT_TEXTAREA_MAX_LENGTH = 2000;

/** Province abbreviations (省级行政区简称) used on mainland plates. */
export const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

/**
 * A mainland plate number after normalisation:
 * - province abbreviation, then the issuing office letter (A–Z without I and O);
 * - ordinary plate: 5 characters of digits and letters without I and O, the last of which may
 *   instead be 挂 (trailer), 学 (learner), 警 (police), 港 or 澳 (Guangdong cross-border):
 *   `湘A12345`, `湘AB1C23`, `湘A1234挂`;
 * - new-energy plate, 6 characters: small vehicles start with the energy letter — D or F, and
 *   the later A B C E (battery) / G H J K (non-battery) series — followed by a letter or digit
 *   and 4 digits (`湘AD12345`, `湘AFA1234`); large vehicles are 5 digits then D or F (`湘A12345D`).
 */
export const PLATE_NUMBER_PATTERN = new RegExp(
  `^[${PLATE_PROVINCES}][A-HJ-NP-Z]` +
    '(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]' +
    '|[A-HJK][A-HJ-NP-Z0-9]\\d{4}' +
    '|\\d{5}[DF])$',
);

/** A plate as typed, normalised (spaces, `-`, `·` removed; letters upper-cased). */
export function normalizePlateNumber(raw: string): string {
  return raw.replace(/[\s\-·•.]/g, '').toUpperCase();
}

export function isValidPlateNumber(raw: string): boolean {
  return PLATE_NUMBER_PATTERN.test(normalizePlateNumber(raw));
}

/** A 6-digit GB/T 2260 region code with a known province. */
export function isValidRegionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCE_PREFIXES.has(code.slice(0, 2));
}

/** Whether a number field takes integers only (see the rules at the top of this file). */
export function numberIsInteger(field: Pick<FormField, 'min' | 'max'>): boolean {
  if (field.min === undefined || !Number.isInteger(field.min) || field.min < 1) return false;
  return field.max === undefined || Number.isInteger(field.max);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const codePointLength = (s: string): number => Array.from(s).length;
// Control characters: C0 (all of them for single-line text) and DEL/C1.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

type Check = { value: FormValue } | { message: string };

function checkText(field: FormField, raw: string, multiline: boolean): Check {
  const text = multiline ? raw.replace(/\r\n?/g, '\n') : raw;
  if ((multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(text)) {
    return { message: `${field.label}包含不允许的字符` };
  }
  const max = field.maxLength ?? (multiline ? DEFAULT_TEXTAREA_MAX_LENGTH : DEFAULT_TEXT_MAX_LENGTH);
  if (codePointLength(text) > max) return { message: `${field.label}不能超过${max}个字` };
  return { value: text };
}

function checkNumber(field: FormField, raw: unknown): Check {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[+-]?\d+(\.\d+)?$/.test(raw)) n = Number(raw);
  else return { message: `${field.label}应为数字` };
  if (!Number.isFinite(n)) return { message: `${field.label}应为数字` };
  if (numberIsInteger(field) && !Number.isSafeInteger(n)) return { message: `${field.label}应为整数` };
  const { min, max } = field;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    if (min !== undefined && max !== undefined) return { message: `${field.label}应在${min}到${max}之间` };
    if (min !== undefined) return { message: `${field.label}不能小于${min}` };
    return { message: `${field.label}不能大于${max}` };
  }
  // -0 is stored as 0.
  return { value: n === 0 ? 0 : n };
}

function checkDate(field: FormField, raw: string): Check {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return { message: `${field.label}应为“年-月-日”格式，如2024-05-01` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199 || !isRealDate(y, mo, d)) return { message: `${field.label}不是有效的日期` };
  return { value: raw };
}

function checkIdNumber(raw: string, today: Date): Check {
  const id = raw.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { message: '身份证号码应为18位，末位可为X' };
  if (!PROVINCE_PREFIXES.has(id.slice(0, 2))) return { message: '身份证号码地区码不正确' };
  const y = Number(id.slice(6, 10));
  const mo = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isRealDate(y, mo, d) || Date.UTC(y, mo - 1, d) > today.getTime()) {
    return { message: '身份证号码出生日期不正确' };
  }
  if (idNumberCheckChar(id.slice(0, 17)) !== id[17]) return { message: '身份证号码校验位不正确' };
  // The shared validator stays the authority; the steps above only choose the message.
  if (!isValidIdNumber(id, today)) return { message: '身份证号码不正确' };
  return { value: id };
}

function checkRegion(field: FormField, raw: string): Check {
  const m = /^(\d{6})(?:\s+([\s\S]+))?$/.exec(raw);
  if (!m) return { message: `请选择正确的${field.label}` };
  if (!PROVINCE_PREFIXES.has(m[1].slice(0, 2))) return { message: `${field.label}的行政区划代码不存在` };
  const value = m[2] === undefined ? m[1] : `${m[1]} ${m[2]}`;
  if (SINGLE_LINE_FORBIDDEN.test(value)) return { message: `${field.label}包含不允许的字符` };
  const max = field.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
  if (codePointLength(value) > max) return { message: `${field.label}不能超过${max}个字` };
  return { value };
}

function checkField(field: FormField, raw: unknown, today: Date): Check {
  const wrongType = { message: `${field.label}格式不正确` };
  switch (field.type) {
    case 'number':
      return checkNumber(field, raw);
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : { message: `${field.label}应为“是”或“否”` };
  }
  if (typeof raw !== 'string') return wrongType;
  switch (field.type) {
    case 'text':
      return checkText(field, raw, false);
    case 'textarea':
      return checkText(field, raw, true);
    case 'date':
      return checkDate(field, raw);
    case 'select':
      return (field.options ?? []).some((o) => o.value === raw)
        ? { value: raw }
        : { message: `请从选项中选择${field.label}` };
    case 'idNumber':
      return checkIdNumber(raw, today);
    case 'phone':
      return isValidMobile(raw) ? { value: raw } : { message: '手机号码应为11位数字，以1开头' };
    case 'region':
      return checkRegion(field, raw);
    case 'plateNumber': {
      const plate = normalizePlateNumber(raw);
      return PLATE_NUMBER_PATTERN.test(plate) ? { value: plate } : { message: '号牌号码格式不正确' };
    }
    default:
      return wrongType;
  }
}

const CHOSEN_TYPES = new Set<FormField['type']>(['select', 'date', 'region', 'boolean']);

function isPlainObject(data: unknown): data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const proto = Object.getPrototypeOf(data);
  return proto === Object.prototype || proto === null;
}

/** Checks `data` against `fields`; either the cleaned values or every issue found (one per field). */
export function validateForm(fields: FormField[], data: unknown, options: ValidateFormOptions = {}): FormValidationResult {
  if (!isPlainObject(data)) return { ok: false, issues: [{ field: FORM_ISSUE_FIELD, message: '表单数据格式不正确' }] };
  const today = options.today ?? new Date();
  const issues: FormIssue[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(data)) {
    if (!byKey.has(key)) issues.push({ field: key, message: '表单中没有这一项' });
  }
  const value: Record<string, FormValue> = {};
  for (const field of fields) {
    let raw = Object.prototype.hasOwnProperty.call(data, field.key) ? data[field.key] : undefined;
    if (typeof raw === 'string') raw = raw.trim();
    if (raw === undefined || raw === null || raw === '') {
      if (field.required) {
        issues.push({ field: field.key, message: `${CHOSEN_TYPES.has(field.type) ? '请选择' : '请填写'}${field.label}` });
      }
      continue;
    }
    const check = checkField(field, raw, today);
    if ('message' in check) issues.push({ field: field.key, message: check.message });
    else value[field.key] = check.value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
