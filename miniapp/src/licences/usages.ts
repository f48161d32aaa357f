import { PRESENTATION_PURPOSES, RELYING_PARTY_TYPES, type LicenceUsage, type PresentationPurpose } from '@onevisit/shared-types/client';
import { shanghaiDateTime } from '../applications/dates';
import { fieldLabels } from './purposes';

/** One usage record as the list shows it: 时间, 用证方 (name + type), 用途, 用证事由, 披露的字段. */
export interface UsageRow {
  key: string;
  time: string;
  party: string;
  via: string;
  purpose: string;
  reason: string;
  fields: string;
  licence: string;
}

/** A presentation's purpose key → its name; a grant's free-text purpose as it is. */
export function purposeName(purpose: string): string {
  return Object.prototype.hasOwnProperty.call(PRESENTATION_PURPOSES, purpose) ? PRESENTATION_PURPOSES[purpose as PresentationPurpose].name : purpose;
}

export function usageRow(u: LicenceUsage): UsageRow {
  const type = u.relyingPartyType ? RELYING_PARTY_TYPES[u.relyingPartyType] : undefined;
  return {
    key: u.usageId,
    time: shanghaiDateTime(u.at) || u.at,
    party: type ? `${u.relyingPartyName}（${type}）` : u.relyingPartyName,
    via: u.via === 'grant' ? '授权读取' : '扫码核验',
    purpose: purposeName(u.purpose),
    reason: u.reason || '未填写',
    fields: fieldLabels(u.fields).join('、') || '无',
    licence: u.licenceTypeName,
  };
}

/** Newest first (the BFF's order; kept when pages are appended). Records with the same time keep their order. */
export function newestFirst<T extends Pick<LicenceUsage, 'at'>>(list: readonly T[]): T[] {
  return list
    .map((u, i) => ({ u, i, t: Date.parse(u.at) }))
    .sort((a, b) => (Number.isNaN(b.t) ? 0 : b.t) - (Number.isNaN(a.t) ? 0 : a.t) || a.i - b.i)
    .map((x) => x.u);
}
