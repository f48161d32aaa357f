import {
  LICENCE_COLOURS,
  LICENCE_FIELDS,
  LICENCE_STATUS_NAMES,
  LICENCE_TYPE_FIELDS,
  maskIdNumber,
  type LicenceColour,
  type LicenceDetail,
  type LicenceField,
  type LicenceFieldValues,
  type LicenceStatus,
  type LicenceSummary,
} from '@onevisit/shared-types/client';
import { shanghaiDate } from '../utils/format';

/** How a licence's colour shows: the chip's tone and words, as 交管12123 (red for an abnormal licence). */
export interface ColourStyle {
  colour: LicenceColour;
  /** The Pill tone (components/Pill). */
  tone: 'green' | 'red' | 'gray';
  /** `licence-colour--green` …: the card's accent. */
  className: string;
  /** 正常 / 异常 / 失效. */
  label: string;
  /** A mark besides the colour (never colour alone). */
  icon: string;
}

const STYLES: Record<LicenceColour, ColourStyle> = {
  green: { colour: 'green', tone: 'green', className: 'licence-colour--green', label: LICENCE_COLOURS.green, icon: '✓' },
  red: { colour: 'red', tone: 'red', className: 'licence-colour--red', label: LICENCE_COLOURS.red, icon: '!' },
  grey: { colour: 'grey', tone: 'gray', className: 'licence-colour--grey', label: LICENCE_COLOURS.grey, icon: '–' },
};

/** The style of a colour; anything unknown shows grey (never green by accident). */
export function colourStyle(colour: string | undefined | null): ColourStyle {
  return colour && Object.prototype.hasOwnProperty.call(STYLES, colour) ? STYLES[colour as LicenceColour] : STYLES.grey;
}

/** The chip's text: `✓ 有效`, `! 状态异常`, `– 已注销`. */
export function statusChipText(l: Pick<LicenceSummary, 'status' | 'statusName' | 'colour'>): string {
  const name = l.statusName || LICENCE_STATUS_NAMES[l.status as LicenceStatus] || '未知状态';
  return `${colourStyle(l.colour).icon} ${name}`;
}

/** Revoked and expired licences cannot be shown (the BFF answers LICENCE_NOT_PRESENTABLE); an abnormal one can (the verifier sees it red). */
export function isPresentable(status: LicenceStatus): boolean {
  return status === 'valid' || status === 'abnormal';
}

/** A date of the licence library (`2020-01-01` or an ISO time) as `2020-01-01`. */
export function licenceDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return shanghaiDate(value) || value;
}

/** `2020-01-01 至 2030-01-01`, `2020-01-01 起长期有效`, `长期有效`. */
export function validityText(validFrom: string | null | undefined, validUntil: string | null | undefined): string {
  const from = licenceDate(validFrom);
  const until = licenceDate(validUntil);
  if (from && until) return `${from} 至 ${until}`;
  if (until) return `至 ${until}`;
  if (from) return `${from} 起长期有效`;
  return '长期有效';
}

/**
 * Masking for display, a second line of defence: the BFF masks every personal field, but a
 * value of a `masked: true` answer that carries no `*` is masked here by its kind before it is
 * shown. Values of an unmasked (revealed) answer are shown as they are.
 */
export function maskForDisplay(field: LicenceField, value: string): string {
  const pii = LICENCE_FIELDS[field]?.pii ?? null;
  if (!pii || !value || value.includes('*')) return value;
  const chars = Array.from(value);
  switch (pii) {
    case 'name':
      return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
    case 'idNumber':
      return maskIdNumber(value);
    case 'date':
      return /^\d{4}-/.test(value) ? `${value.slice(0, 4)}-**-**` : '*'.repeat(chars.length);
    case 'address':
      return chars.length <= 6 ? '*'.repeat(chars.length) : `${chars.slice(0, 6).join('')}${'*'.repeat(Math.min(8, chars.length - 6))}`;
    case 'number':
      return chars.length <= 4 ? '*'.repeat(chars.length) : `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
    default:
      return '*'.repeat(chars.length);
  }
}

export interface FieldRow {
  key: LicenceField;
  label: string;
  value: string;
}

/**
 * The surface fields of a licence as label–value rows, in the type's order (fields the type does
 * not list come after, in LICENCE_FIELDS order); masked when the answer is masked.
 */
export function fieldRows(detail: Pick<LicenceDetail, 'type' | 'fields' | 'masked'>): FieldRow[] {
  const values: LicenceFieldValues = detail.fields ?? {};
  const order: LicenceField[] = [...(LICENCE_TYPE_FIELDS[detail.type] ?? [])];
  for (const k of Object.keys(LICENCE_FIELDS) as LicenceField[]) if (!order.includes(k)) order.push(k);
  const rows: FieldRow[] = [];
  for (const key of order) {
    const raw = values[key];
    if (typeof raw !== 'string' || raw === '') continue;
    const value = key === 'validFrom' || key === 'validUntil' ? licenceDate(raw) : raw;
    rows.push({ key, label: LICENCE_FIELDS[key].label, value: detail.masked ? maskForDisplay(key, value) : value });
  }
  return rows;
}

/** Wallet order: usable first (valid, then abnormal), then the rest; by type name within. */
export function walletOrder<T extends Pick<LicenceSummary, 'status' | 'typeName' | 'licenceId'>>(list: readonly T[]): T[] {
  const rank: Record<string, number> = { valid: 0, abnormal: 1, expired: 2, revoked: 3 };
  return [...list].sort((a, b) => (rank[a.status] ?? 9) - (rank[b.status] ?? 9) || a.typeName.localeCompare(b.typeName, 'zh') || a.licenceId.localeCompare(b.licenceId));
}
