import { LICENCE_FIELDS, type GranteeList, type LicenceField, type LicenceGrant, type LicenceType } from '@onevisit/shared-types/client';
import type { CreateGrantBody } from '../api/licences';
import { shanghaiDateTime } from '../applications/dates';
import { typeFields } from './purposes';

/** 授权使用: a partner reads chosen fields of one licence for a number of days, until revoked. */

export type GrantStatus = LicenceGrant['status'];

export const GRANT_STATUS_VIEW: Record<GrantStatus, { name: string; tone: 'green' | 'gray' }> = {
  active: { name: '授权中', tone: 'green' },
  expired: { name: '已到期', tone: 'gray' },
  revoked: { name: '已撤销', tone: 'gray' },
};

/** The periods offered (the contract allows 1–365 days). */
export const GRANT_DAY_CHOICES = [7, 30, 90, 180, 365] as const;
export const GRANT_MAX_DAYS = 365;
export const GRANT_PURPOSE_MIN = 2;
export const GRANT_PURPOSE_MAX = 100;
export const GRANT_MAX_FIELDS = 20;

export type Grantee = GranteeList['partners'][number];

export interface GrantDraft {
  appId?: string;
  purpose: string;
  fields: LicenceField[];
  days?: number;
}

export type GrantErrors = Partial<Record<'appId' | 'purpose' | 'fields' | 'days', string>>;

export function emptyGrantDraft(): GrantDraft {
  return { purpose: '', fields: [], days: 30 };
}

/** The form's checks, the contract's rules: a listed partner, 2–100 characters, 1–20 of the licence's fields, 1–365 whole days. */
export function validateGrant(draft: GrantDraft, type: LicenceType, grantees: readonly Grantee[]): GrantErrors {
  const errors: GrantErrors = {};
  if (!draft.appId) errors.appId = '请选择被授权的机构';
  else if (!grantees.some((g) => g.appId === draft.appId)) errors.appId = '所选机构暂不接受授权，请重新选择';
  const purpose = draft.purpose.trim();
  if (!purpose) errors.purpose = '请填写授权用途';
  else if (Array.from(purpose).length < GRANT_PURPOSE_MIN) errors.purpose = `授权用途至少 ${GRANT_PURPOSE_MIN} 个字`;
  else if (Array.from(purpose).length > GRANT_PURPOSE_MAX) errors.purpose = `授权用途最多 ${GRANT_PURPOSE_MAX} 个字`;
  const allowed = typeFields(type);
  if (!draft.fields.length) errors.fields = '请至少选择一项授权的信息';
  else if (draft.fields.some((f) => !allowed.includes(f))) errors.fields = '所选信息不属于该证照，请重新选择';
  else if (new Set(draft.fields).size !== draft.fields.length) errors.fields = '授权的信息有重复，请重新选择';
  else if (draft.fields.length > GRANT_MAX_FIELDS) errors.fields = `最多选择 ${GRANT_MAX_FIELDS} 项信息`;
  const days = draft.days;
  if (days === undefined || days === null || Number.isNaN(days)) errors.days = '请选择授权期限';
  else if (!Number.isInteger(days) || days < 1 || days > GRANT_MAX_DAYS) errors.days = `授权期限应为 1–${GRANT_MAX_DAYS} 天`;
  return errors;
}

export function hasGrantErrors(errors: GrantErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** The body to send (call after validateGrant found nothing); fields in the licence type's order. */
export function toGrantRequest(draft: GrantDraft, type: LicenceType, licenceId: string, idempotencyKey: string): CreateGrantBody {
  const fields = typeFields(type).filter((f) => draft.fields.includes(f));
  return { idempotencyKey, appId: draft.appId!, purpose: draft.purpose.trim(), fields, days: draft.days!, licenceId };
}

/** What makes two submissions the same (for the idempotency key). */
export function grantFingerprint(draft: GrantDraft, licenceId: string): string {
  return JSON.stringify([licenceId, draft.appId ?? '', draft.purpose.trim(), [...draft.fields].sort(), draft.days ?? 0]);
}

/** The grants of one licence (all when no licence): active first, then newest first. */
export function grantsToShow(list: readonly LicenceGrant[], licenceId?: string): LicenceGrant[] {
  const rank: Record<GrantStatus, number> = { active: 0, expired: 1, revoked: 1 };
  return list
    .filter((g) => !licenceId || g.licenceId === licenceId)
    .sort((a, b) => rank[a.status] - rank[b.status] || Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function canRevoke(g: Pick<LicenceGrant, 'status'>): boolean {
  return g.status === 'active';
}

/** `2026-03-01 10:00 至 2026-03-31 10:00`, `已于 … 撤销`. */
export function grantPeriodText(g: Pick<LicenceGrant, 'status' | 'createdAt' | 'expiresAt' | 'revokedAt'>): string {
  if (g.status === 'revoked' && g.revokedAt) return `已于 ${shanghaiDateTime(g.revokedAt)} 撤销`;
  return `${shanghaiDateTime(g.createdAt)} 至 ${shanghaiDateTime(g.expiresAt)}`;
}

/** The granted fields in words: `姓名、公民身份号码`. */
export function grantFieldsText(fields: readonly string[]): string {
  return fields.map((f) => (f in LICENCE_FIELDS ? LICENCE_FIELDS[f as LicenceField].label : f)).join('、');
}

/** A revoke answered the grant as it is now: the list with it replaced. */
export function replaceGrant(list: readonly LicenceGrant[], next: LicenceGrant): LicenceGrant[] {
  const at = list.findIndex((g) => g.grantId === next.grantId);
  if (at < 0) return [next, ...list];
  const copy = [...list];
  copy[at] = next;
  return copy;
}
