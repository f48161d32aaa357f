import {
  DELIVERY_OPTION_NAMES,
  type BundleDetail,
  type CreateApplicationRequest,
  type CreateBundleApplicationRequest,
  type DeliveryOption,
  type FormField,
  type FormValue,
  type GreenChannel,
  type IdentityLevel,
  type Material,
  type MaterialForm,
  type MaterialRef,
  type PendingMaterialDeclaration,
  type ServiceItem,
  type UpdateDraftRequest,
} from '@onevisit/shared-types/client';
import { addDays, isCalendarDate, shanghaiToday } from './dates';
import { checkForm, type FieldValues } from './formValues';

/** One material the form asks for (a bundle merges its items' lists by name). */
export interface MaterialSpec {
  name: string;
  required: boolean;
  /** 容缺受理: may be supplied after acceptance, by a promised date. */
  lateAllowed: boolean;
  note?: string;
  form?: MaterialForm;
  copies?: number;
  /** Bundles: the names of the items that ask for it. */
  forItems?: string[];
}

/** What the citizen applies for: one item, a bundle (one form, one case per item), or a draft case to complete. */
export interface ApplyTarget {
  kind: 'item' | 'bundle';
  /** itemCode or bundleCode. */
  code: string;
  name: string;
  /** The items the application makes cases of (one for an item, each of a bundle's). */
  itemCodes: string[];
  /** The identity level needed: the item's, or the strictest of a bundle's items … */
  identityLevel: IdentityLevel;
  /** … and the item to check it against (GET /me/eligibility/:itemCode). */
  gateItemCode: string;
  fields: FormField[];
  materials: MaterialSpec[];
  deliveryOptions: DeliveryOption[];
  /** Items only (the bundle request has none). */
  greenChannel: GreenChannel | null;
  /** Items only: 容缺 declarations (the bundle request has none). */
  allowsPending: boolean;
  /** A draft case being completed (submitted with POST …/:caseNo/submit). */
  caseNo?: string;
  /** `最多跑一次` items: what still needs the citizen in person. */
  visitsRequired: number;
}

/** A file attached to a material, uploaded already. */
export interface AttachedFile {
  /** Local id (list key, selector). */
  id: string;
  uploadId: string;
  fileName: string;
  contentType: string;
  bytes: number;
  /** For the thumbnail: the temp path or blob URL it was uploaded from. */
  localPath?: string;
}

export interface MaterialEntry {
  files: AttachedFile[];
  /** 稍后补交 (only when the material allows it and nothing is attached). */
  later: boolean;
  /** `YYYY-MM-DD`, when `later`. */
  promisedBy: string;
}
export type MaterialEntries = Record<string, MaterialEntry>;

export interface ApplyState {
  values: FieldValues;
  materials: MaterialEntries;
  delivery?: DeliveryOption;
  greenChannel: boolean;
}

/** Files per material (ID card front and back, several pages of a household register). */
export const MAX_FILES_PER_MATERIAL = 5;
/** A promised date lies within this many days (容缺 materials are meant to follow soon). */
export const MAX_PROMISE_DAYS = 60;
export const DEFAULT_PROMISE_DAYS = 7;
/** The contract's limits (shared-types CreateApplicationRequestSchema / CreateBundleApplicationRequestSchema). */
export const MAX_MATERIAL_REFS = { item: 30, bundle: 60 } as const;
export const MAX_PENDING = 10;

const toSpec = (m: Material): MaterialSpec => ({
  name: m.name,
  required: m.required,
  lateAllowed: m.lateAllowed,
  ...(m.note ? { note: m.note } : {}),
  form: m.form,
  copies: m.copies,
});

export function itemTarget(item: ServiceItem, caseNo?: string): ApplyTarget {
  return {
    kind: 'item',
    code: item.itemCode,
    name: item.name,
    itemCodes: [item.itemCode],
    identityLevel: item.identityLevel,
    gateItemCode: item.itemCode,
    fields: item.formSchema,
    materials: item.materials.map(toSpec),
    deliveryOptions: item.deliveryOptions,
    greenChannel: item.greenChannel,
    allowsPending: true,
    ...(caseNo ? { caseNo } : {}),
    visitsRequired: item.visitsRequired,
  };
}

/**
 * A bundle's materials: its items' lists merged by name — required when any item requires it,
 * late-allowed only when every item asking for it allows it (the bundle request has no 容缺
 * declarations, so that flag is shown but not offered).
 */
export function mergeMaterials(items: Pick<ServiceItem, 'name' | 'materials'>[]): MaterialSpec[] {
  const byName = new Map<string, MaterialSpec>();
  for (const item of items) {
    for (const m of item.materials) {
      const seen = byName.get(m.name);
      if (!seen) {
        byName.set(m.name, { ...toSpec(m), forItems: [item.name] });
        continue;
      }
      seen.required = seen.required || m.required;
      seen.lateAllowed = seen.lateAllowed && m.lateAllowed;
      if (!seen.note && m.note) seen.note = m.note;
      if (!seen.forItems!.includes(item.name)) seen.forItems!.push(item.name);
    }
  }
  // required first, in the order met
  const all = [...byName.values()];
  return [...all.filter((m) => m.required), ...all.filter((m) => !m.required)];
}

/** The delivery options every item of a bundle offers (the first item's, should they share none). */
export function commonDeliveryOptions(items: Pick<ServiceItem, 'deliveryOptions'>[]): DeliveryOption[] {
  if (!items.length) return [];
  const common = items[0].deliveryOptions.filter((d) => items.every((i) => i.deliveryOptions.includes(d)));
  return common.length ? common : items[0].deliveryOptions;
}

const LEVEL_ORDER: IdentityLevel[] = ['L1', 'L2', 'L3'];

export function bundleTarget(bundle: BundleDetail, items: ServiceItem[]): ApplyTarget {
  const strictest = items.reduce<ServiceItem | undefined>(
    (best, i) => (!best || LEVEL_ORDER.indexOf(i.identityLevel) > LEVEL_ORDER.indexOf(best.identityLevel) ? i : best),
    undefined,
  );
  return {
    kind: 'bundle',
    code: bundle.bundleCode,
    name: bundle.name,
    itemCodes: bundle.itemCodes,
    identityLevel: strictest?.identityLevel ?? 'L1',
    gateItemCode: strictest?.itemCode ?? bundle.itemCodes[0],
    fields: bundle.formSchema,
    materials: mergeMaterials(items),
    deliveryOptions: commonDeliveryOptions(items),
    greenChannel: null,
    allowsPending: false,
    visitsRequired: items.reduce((n, i) => Math.max(n, i.visitsRequired), 0),
  };
}

export function emptyEntry(): MaterialEntry {
  return { files: [], later: false, promisedBy: '' };
}

/** A fresh form: a delivery option chosen when there is only one. */
export function initialState(target: ApplyTarget, values: FieldValues = {}): ApplyState {
  const materials: MaterialEntries = {};
  for (const m of target.materials) materials[m.name] = emptyEntry();
  return {
    values,
    materials,
    ...(target.deliveryOptions.length === 1 ? { delivery: target.deliveryOptions[0] } : {}),
    greenChannel: false,
  };
}

/** Whether 稍后补交 can be offered for a material. */
export function canDeclareLater(target: ApplyTarget, spec: MaterialSpec): boolean {
  return target.allowsPending && spec.lateAllowed;
}

/** The range of a promised date: tomorrow … +60 days, in Shanghai. */
export function promiseRange(now: number = Date.now()): { start: string; end: string; initial: string } {
  const today = shanghaiToday(now);
  return { start: addDays(today, 1), end: addDays(today, MAX_PROMISE_DAYS), initial: addDays(today, DEFAULT_PROMISE_DAYS) };
}

/** The problem of one material, or undefined. */
export function checkMaterial(target: ApplyTarget, spec: MaterialSpec, entry: MaterialEntry | undefined, now: number = Date.now()): string | undefined {
  const e = entry ?? emptyEntry();
  if (e.files.length > 0) return undefined;
  if (e.later && canDeclareLater(target, spec)) {
    if (!e.promisedBy) return '请选择承诺补交日期';
    if (!isCalendarDate(e.promisedBy)) return '补交日期格式不正确';
    const { start, end } = promiseRange(now);
    if (e.promisedBy < start) return '承诺补交日期应晚于今天';
    if (e.promisedBy > end) return `承诺补交日期不能晚于 ${end}`;
    return undefined;
  }
  if (!spec.required) return undefined;
  return canDeclareLater(target, spec) ? `请上传“${spec.name}”，或选择“稍后补交”` : `请上传“${spec.name}”`;
}

/** Uploaded files as material references (materials marked 稍后补交 have none). */
export function materialRefs(target: ApplyTarget, entries: MaterialEntries): MaterialRef[] {
  const refs: MaterialRef[] = [];
  for (const spec of target.materials) {
    for (const f of entries[spec.name]?.files ?? []) refs.push({ materialName: spec.name, uploadId: f.uploadId });
  }
  return refs;
}

/** 容缺 declarations: materials marked 稍后补交 with nothing attached. */
export function pendingDeclarations(target: ApplyTarget, entries: MaterialEntries): PendingMaterialDeclaration[] {
  const out: PendingMaterialDeclaration[] = [];
  for (const spec of target.materials) {
    const e = entries[spec.name];
    if (e && e.later && e.files.length === 0 && canDeclareLater(target, spec)) out.push({ materialName: spec.name, promisedBy: e.promisedBy });
  }
  return out;
}

export interface ApplicationErrors {
  fields: Record<string, string>;
  materials: Record<string, string>;
  delivery?: string;
  /** Limits of the whole request (too many files, too many pending materials). */
  form?: string;
}

/** What is sent, without the idempotency key (chosen at submit time, see IdempotencyKeeper). */
export type Submission =
  | { kind: 'item'; body: Omit<CreateApplicationRequest, 'idempotencyKey'> }
  | { kind: 'bundle'; body: Omit<CreateBundleApplicationRequest, 'idempotencyKey'> }
  | { kind: 'draft'; caseNo: string; body: UpdateDraftRequest };

export type Prepared = { ok: true; submission: Submission; formData: Record<string, FormValue> } | { ok: false; errors: ApplicationErrors };

export function errorCount(errors: ApplicationErrors): number {
  return Object.keys(errors.fields).length + Object.keys(errors.materials).length + (errors.delivery ? 1 : 0) + (errors.form ? 1 : 0);
}

/**
 * Checks the whole form as the BFF will (the shared form validator, required materials, 容缺
 * dates, the delivery option, the contract's limits) and builds the request to send.
 */
export function prepareSubmission(target: ApplyTarget, state: ApplyState, now: number = Date.now()): Prepared {
  const errors: ApplicationErrors = { fields: {}, materials: {} };
  const form = checkForm(target.fields, state.values, new Date(now));
  if (!form.ok) errors.fields = form.errors;
  for (const spec of target.materials) {
    const problem = checkMaterial(target, spec, state.materials[spec.name], now);
    if (problem) errors.materials[spec.name] = problem;
  }
  if (!state.delivery) errors.delivery = '请选择领取方式';
  else if (!target.deliveryOptions.includes(state.delivery)) errors.delivery = `本事项不支持${DELIVERY_OPTION_NAMES[state.delivery]}，请重新选择`;

  const materials = materialRefs(target, state.materials);
  const pendingMaterials = pendingDeclarations(target, state.materials);
  const maxRefs = MAX_MATERIAL_REFS[target.kind];
  if (materials.length > maxRefs) errors.form = `一次最多提交 ${maxRefs} 个文件，请删除多余的文件`;
  else if (pendingMaterials.length > MAX_PENDING) errors.form = `最多可选择 ${MAX_PENDING} 项材料稍后补交`;

  if (!form.ok || errorCount(errors) > 0 || !state.delivery) return { ok: false, errors };
  const formData = form.formData;
  const deliveryOption = state.delivery;
  const greenChannel = !!target.greenChannel && state.greenChannel;

  if (target.kind === 'bundle') {
    return { ok: true, formData, submission: { kind: 'bundle', body: { bundleCode: target.code, formData, materials, deliveryOption } } };
  }
  const common = { formData, materials, pendingMaterials, deliveryOption, greenChannel, submit: true };
  if (target.caseNo) return { ok: true, formData, submission: { kind: 'draft', caseNo: target.caseNo, body: common } };
  return { ok: true, formData, submission: { kind: 'item', body: { itemCode: target.code, ...common } } };
}
