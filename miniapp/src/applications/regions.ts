/**
 * Region form fields: a 6-digit GB/T 2260 code optionally followed by a space and a free-text
 * detail (street and number), `430102 五一大道1号`, as shared-types' `checkRegion` expects.
 *
 * The table itself (provinces; Hunan's 14 cities / prefectures and 122 county-level divisions)
 * lives in shared-types (`@onevisit/shared-types/client`: `PROVINCES`, `HUNAN_CITIES`,
 * `HOME_PROVINCE`, `regionPath`), the one table the BFF's postal addresses use too. A citizen
 * picks 市 → 区县 in the home province and types the street; elsewhere the province's `xx0000`
 * code and the rest in the detail.
 */
import { regionPath } from '@onevisit/shared-types/client';

/** A region field's value, split: the 6-digit code and the free text after it. */
export interface RegionValue {
  code: string;
  detail: string;
}

export function parseRegionValue(value: unknown): RegionValue {
  if (typeof value !== 'string') return { code: '', detail: '' };
  // the detail is kept as typed (a trailing space is the citizen still typing); the shared
  // validator trims and normalises it when the form is checked
  const m = /^(\d{6})(?:\s([\s\S]*))?$/.exec(value.replace(/^\s+/, ''));
  if (!m) return { code: '', detail: '' };
  return { code: m[1], detail: m[2] ?? '' };
}

/** `{430102, 五一大道1号}` → `430102 五一大道1号`; nothing chosen → `''` (not filled). */
export function formatRegionValue({ code, detail }: RegionValue): string {
  if (!code) return '';
  return detail.trim() ? `${code} ${detail}` : code;
}

/** `430102` → `湖南省 长沙市 芙蓉区`; an unknown code is shown as it is. */
export function regionName(code: string): string {
  const { province, city, district } = regionPath(code);
  if (!province) return code;
  return [province.name, city?.name, district?.name].filter(Boolean).join(' ');
}

/** A region value for display: `湖南省 长沙市 芙蓉区 五一大道1号`. */
export function regionLabel(value: unknown): string {
  const { code, detail } = parseRegionValue(value);
  if (!code) return detail;
  return detail ? `${regionName(code)} ${detail}` : regionName(code);
}
