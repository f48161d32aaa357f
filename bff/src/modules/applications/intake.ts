import { createHash } from 'node:crypto';
import { validateForm, type FormField, type MaterialRef, type PendingMaterialDeclaration, type ServiceItem } from '@onevisit/shared-types';
import { AppError } from '../../http/errors';
import { shanghaiDate } from '../calendar/dates';
import type { UploadRow } from './repo';

/**
 * The checks a submission must pass before it becomes a case, as functions of the item and the
 * request: the form against the item's schema (the same validator the mini-program runs), the
 * materials against the item's list, 容缺 declarations against `lateAllowed`, the delivery
 * option and the green channel. Each refusal is a 4xx with its own code; nothing is written.
 */

export function checkForm(fields: FormField[], data: unknown, now: Date): Record<string, unknown> {
  const result = validateForm(fields, data, { today: now });
  if (!result.ok) throw new AppError('FORM_INVALID', '表单填写有误，请按提示修改', { issues: result.issues });
  return result.value;
}

/** Material names must be the item's; every upload must be the citizen's own. */
export function checkMaterialRefs(item: ServiceItem, refs: MaterialRef[], uploads: UploadRow[]): void {
  const names = new Set(item.materials.map((m) => m.name));
  const unknown = refs.filter((r) => !names.has(r.materialName)).map((r) => r.materialName);
  if (unknown.length) throw new AppError('MATERIAL_UNKNOWN', `这些材料不在本事项的材料清单中：${unknown.join('、')}`, { materials: unknown });
  const found = new Set(uploads.map((u) => u.upload_id));
  const missing = refs.filter((r) => !found.has(r.uploadId)).map((r) => r.uploadId);
  if (missing.length) throw new AppError('UPLOAD_NOT_FOUND', '有上传的文件找不到，请重新上传', { uploadIds: missing });
}

/** 容缺: only `lateAllowed` materials, promised for today or later. */
export function checkPendingDeclarations(item: ServiceItem, pending: PendingMaterialDeclaration[], now: Date): void {
  const byName = new Map(item.materials.map((m) => [m.name, m]));
  const today = shanghaiDate(now);
  for (const p of pending) {
    const material = byName.get(p.materialName);
    if (!material) throw new AppError('MATERIAL_UNKNOWN', `“${p.materialName}”不在本事项的材料清单中`, { materials: [p.materialName] });
    if (!material.lateAllowed) throw new AppError('MATERIAL_NOT_LATE_ALLOWED', `“${p.materialName}”是关键材料，不能容缺后补`, { materials: [p.materialName] });
    if (p.promisedBy < today) throw new AppError('VALIDATION_FAILED', '承诺补交日期不能早于今天', { issues: [{ field: 'promisedBy', message: 'in the past' }] });
  }
}

/** Every required material is uploaded or declared pending. */
export function checkRequiredMaterials(item: ServiceItem, refs: MaterialRef[], pending: PendingMaterialDeclaration[]): void {
  const supplied = new Set([...refs.map((r) => r.materialName), ...pending.map((p) => p.materialName)]);
  const missing = item.materials.filter((m) => m.required && !supplied.has(m.name)).map((m) => m.name);
  if (missing.length) throw new AppError('MATERIAL_MISSING', `请上传：${missing.join('、')}`, { materials: missing });
}

export function checkDelivery(item: ServiceItem, option: string): void {
  if (!(item.deliveryOptions as string[]).includes(option)) {
    throw new AppError('DELIVERY_OPTION_UNAVAILABLE', '本事项不支持所选的领取方式', { allowed: item.deliveryOptions });
  }
}

export function checkGreenChannel(item: ServiceItem, requested: boolean): void {
  if (requested && !item.greenChannel) throw new AppError('GREEN_CHANNEL_UNAVAILABLE', '本事项没有绿色通道');
}

/** The time limit of a case: hours for the green channel and urgent items, else working days. */
export function limitsFor(item: ServiceItem, greenChannel: boolean): { limitWorkingDays: number | null; limitHours: number | null } {
  if (greenChannel && item.greenChannel) return { limitWorkingDays: null, limitHours: item.greenChannel.limitHours };
  if (item.handlingClass === 'urgent' && item.greenChannel) return { limitWorkingDays: null, limitHours: item.greenChannel.limitHours };
  return { limitWorkingDays: item.promisedLimitDays, limitHours: null };
}

/** A stable hash of a request, keys sorted: the same idempotency key must carry the same request. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A display name for an uploaded file: no directories, no control characters, bounded. */
export function safeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').replace(/^\.+/, '').trim().slice(0, 100);
  return cleaned || 'material';
}
