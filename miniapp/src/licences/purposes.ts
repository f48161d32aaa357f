import {
  LICENCE_FIELDS,
  LICENCE_TYPE_FIELDS,
  PRESENTATION_PURPOSES,
  RELYING_PARTY_TYPES,
  type CreatePresentationRequest,
  type LicenceField,
  type LicenceType,
  type PresentationPurpose,
} from '@onevisit/shared-types/client';

/**
 * 亮证: which purposes a licence can be shown for, and what each discloses. The tables are the
 * contract's (shared-types `PRESENTATION_PURPOSES`, `LICENCE_TYPE_FIELDS`); the BFF applies the
 * same rules and answers with the fields the token really carries.
 */

export interface PurposeOption {
  purpose: PresentationPurpose;
  name: string;
  /** `custom`: the citizen picks the fields. */
  custom: boolean;
  /** What it discloses of this licence type, in the type's order (empty for `custom`). */
  fields: LicenceField[];
  /** Who may receive it: `酒店旅馆、公安巡查`. */
  receivers: string;
}

/** The most fields one presentation may carry (the contract's `fields` max). */
export const MAX_CUSTOM_FIELDS = 20;

const PURPOSE_KEYS = Object.keys(PRESENTATION_PURPOSES) as PresentationPurpose[];

export function isPresentationPurpose(value: unknown): value is PresentationPurpose {
  return typeof value === 'string' && (PURPOSE_KEYS as string[]).includes(value);
}

/** The surface fields a licence type carries, in display order ([] for an unknown type). */
export function typeFields(type: LicenceType): LicenceField[] {
  return [...(LICENCE_TYPE_FIELDS[type] ?? [])];
}

/** What a (non-custom) purpose discloses of a licence type: the purpose's fields the type carries, in the type's order. */
export function purposeFields(purpose: PresentationPurpose, type: LicenceType): LicenceField[] {
  const wanted: readonly string[] = PRESENTATION_PURPOSES[purpose].fields;
  return typeFields(type).filter((f) => wanted.includes(f));
}

/** The purposes whose `licenceTypes` include `type`, in the contract's order (自选信息 last). */
export function purposesFor(type: LicenceType): PurposeOption[] {
  const out: PurposeOption[] = [];
  for (const purpose of PURPOSE_KEYS) {
    const spec = PRESENTATION_PURPOSES[purpose];
    if (!(spec.licenceTypes as readonly string[]).includes(type)) continue;
    const custom = purpose === 'custom';
    const fields = custom ? [] : purposeFields(purpose, type);
    // a purpose that would disclose nothing of this type is no purpose for it
    if (!custom && fields.length === 0) continue;
    out.push({ purpose, name: spec.name, custom, fields, receivers: spec.relyingParties.map((r) => RELYING_PARTY_TYPES[r]).join('、') });
  }
  return out.sort((a, b) => Number(a.custom) - Number(b.custom));
}

/** Ticks or unticks a field; the list stays in the licence type's order without duplicates. */
export function toggleField(type: LicenceType, chosen: readonly LicenceField[], field: LicenceField): LicenceField[] {
  const set = new Set(chosen);
  if (set.has(field)) set.delete(field);
  else set.add(field);
  const order = typeFields(type);
  return order.filter((f) => set.has(f));
}

/** Why a custom choice cannot be sent, or undefined when it can. */
export function validateCustomFields(type: LicenceType, fields: readonly LicenceField[]): string | undefined {
  if (!fields.length) return '请至少选择一项要出示的信息';
  const allowed = typeFields(type);
  const unknown = fields.filter((f) => !allowed.includes(f));
  if (unknown.length) return `该证照没有“${unknown.map((f) => LICENCE_FIELDS[f]?.label ?? f).join('、')}”信息`;
  if (new Set(fields).size !== fields.length) return '出示的信息有重复，请重新选择';
  if (fields.length > MAX_CUSTOM_FIELDS) return `最多选择 ${MAX_CUSTOM_FIELDS} 项信息`;
  return undefined;
}

export type PresentationChoice =
  | { ok: true; request: CreatePresentationRequest; fields: LicenceField[] }
  | { ok: false; error: string };

/**
 * The request for a presentation: `{purpose}`, or `{purpose: 'custom', fields}` after checking the
 * citizen's choice. A purpose not available for the type is refused here as the BFF would.
 */
export function presentationChoice(type: LicenceType, purpose: PresentationPurpose | undefined, customFields: readonly LicenceField[] = []): PresentationChoice {
  if (!purpose) return { ok: false, error: '请选择亮证用途' };
  const option = purposesFor(type).find((o) => o.purpose === purpose);
  if (!option) return { ok: false, error: '该证照不能用于所选用途，请重新选择' };
  if (!option.custom) return { ok: true, request: { purpose }, fields: option.fields };
  const error = validateCustomFields(type, customFields);
  if (error) return { ok: false, error };
  const fields = typeFields(type).filter((f) => customFields.includes(f));
  return { ok: true, request: { purpose, fields }, fields };
}

/** Field keys → their Chinese labels (unknown keys as they are). */
export function fieldLabels(fields: readonly string[]): string[] {
  return fields.map((f) => (f in LICENCE_FIELDS ? LICENCE_FIELDS[f as LicenceField].label : f));
}
