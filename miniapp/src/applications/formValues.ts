import {
  maskIdNumber,
  maskPhone,
  normalizePlateNumber,
  validateForm,
  type FormField,
  type FormIssue,
  type FormValue,
} from '@onevisit/shared-types/client';
import { regionLabel } from './regions';

/**
 * The application form's state on the device: one value per field key, as the controls hold it —
 * strings for everything typed or picked (numbers too, as typed), booleans for switches.
 */
export type FieldValue = string | boolean;
export type FieldValues = Record<string, FieldValue | undefined>;

/**
 * The form data to validate and send: only the schema's keys, without what is not filled (an
 * empty string or an untouched field) so optional fields stay absent. Strings go as typed; the
 * shared validator trims them and turns number strings into numbers, on the device and the BFF.
 */
export function toFormData(fields: FormField[], values: FieldValues): Record<string, FormValue> {
  const data: Record<string, FormValue> = {};
  for (const field of fields) {
    const v = values[field.key];
    if (v === undefined) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    data[field.key] = v;
  }
  return data;
}

/** The first issue of each field (the validator gives one per field; the BFF may add its own). */
export function issuesByField(issues: readonly FormIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) if (!(issue.field in out)) out[issue.field] = issue.message;
  return out;
}

export type FormCheck = { ok: true; formData: Record<string, FormValue> } | { ok: false; errors: Record<string, string> };

/** The same check the BFF makes (shared-types `validateForm`), with messages per field. */
export function checkForm(fields: FormField[], values: FieldValues, today: Date = new Date()): FormCheck {
  const result = validateForm(fields, toFormData(fields, values), { today });
  return result.ok ? { ok: true, formData: result.value } : { ok: false, errors: issuesByField(result.issues) };
}

/** The field's own error for one value, as the citizen leaves the field (blur). */
export function checkField(field: FormField, value: FieldValue | undefined, today: Date = new Date()): string | undefined {
  const check = checkForm([field], { [field.key]: value }, today);
  return check.ok ? undefined : check.errors[field.key];
}

/** Values of a draft case to start the form with: masked numbers (`430***`) are left for the citizen to type again. */
export function valuesFromCase(fields: FormField[], formData: Record<string, unknown>): FieldValues {
  const values: FieldValues = {};
  for (const field of fields) {
    const v = formData[field.key];
    if (typeof v === 'boolean') values[field.key] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) values[field.key] = String(v);
    else if (typeof v === 'string' && !((field.type === 'idNumber' || field.type === 'phone') && v.includes('*'))) values[field.key] = v;
  }
  return values;
}

export const NOT_FILLED = '未填写';

/**
 * A value for display on the review page and the case detail: labels instead of option codes and
 * region codes, 是/否, and identity and phone numbers masked (`430***********1234`).
 */
export function displayValue(field: FormField, value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return NOT_FILLED;
  switch (field.type) {
    case 'boolean':
      return value === true ? '是' : value === false ? '否' : String(value);
    case 'select': {
      const option = (field.options ?? []).find((o) => o.value === value);
      return option ? option.label : String(value);
    }
    case 'idNumber': {
      const s = String(value).trim().toUpperCase();
      return s.includes('*') ? s : maskIdNumber(s);
    }
    case 'phone': {
      const s = String(value).trim();
      return s.includes('*') ? s : maskPhone(s);
    }
    case 'region':
      return regionLabel(value);
    case 'plateNumber':
      return normalizePlateNumber(String(value));
    default:
      return String(value).trim();
  }
}

/** Label–value rows of a form, in schema order; keys the schema does not know are shown by their key. */
export function formRows(fields: FormField[], data: Record<string, unknown>): { key: string; label: string; value: string }[] {
  const rows = fields.filter((f) => data[f.key] !== undefined).map((f) => ({ key: f.key, label: f.label, value: displayValue(f, data[f.key]) }));
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(data)) {
    if (!known.has(key)) rows.push({ key, label: key, value: data[key] === null ? NOT_FILLED : String(data[key]) });
  }
  return rows;
}
