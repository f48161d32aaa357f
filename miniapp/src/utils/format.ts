import { formatFen, MATERIAL_FORM_NAMES, type MaterialForm } from '@onevisit/shared-types/client';

/** The fee line of an item: `免费` when 0, otherwise the formatted amount. */
export function feeLabel(fen: number): string {
  return fen === 0 ? '免费' : formatFen(fen);
}

/** `0` working days means decided on the spot. */
export function workingDaysLabel(days: number): string {
  return days === 0 ? '即办（当场办结）' : `${days} 个工作日`;
}

/** 到现场次数: 0 → 零跑腿. */
export function visitsLabel(visits: number): string {
  return visits === 0 ? '零跑腿' : `最多跑 ${visits} 次`;
}

/** `原件 1 份` / `复印件 2 份` / `电子材料`. */
export function materialFormLabel(form: MaterialForm, copies: number): string {
  const name = MATERIAL_FORM_NAMES[form];
  return form === 'electronic' ? name : `${name} ${copies} 份`;
}

export interface TextSegment {
  text: string;
  hit: boolean;
}

/**
 * Splits `text` around every case-insensitive occurrence of `query` (trimmed), for highlighting
 * search matches: `highlight('居民身份证换领', '身份证')` →
 * `[{居民,false},{身份证,true},{换领,false}]`.
 */
export function highlight(text: string, query: string): TextSegment[] {
  const q = query.trim();
  if (!q) return [{ text, hit: false }];
  const lowerText = text.toLowerCase();
  const lowerQ = q.toLowerCase();
  const segments: TextSegment[] = [];
  let from = 0;
  for (;;) {
    const at = lowerText.indexOf(lowerQ, from);
    if (at < 0) break;
    if (at > from) segments.push({ text: text.slice(from, at), hit: false });
    segments.push({ text: text.slice(at, at + q.length), hit: true });
    from = at + q.length;
  }
  if (from < text.length || segments.length === 0) segments.push({ text: text.slice(from), hit: false });
  return segments;
}

/** Route query values may arrive percent-encoded (mini-programs) or decoded (H5). */
export function routeParam(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/**
 * `2026-03-01T15:30:00Z` → `2026-03-01` … in Asia/Shanghai (UTC+8, no daylight saving). Done by
 * hand: the mini-program runtimes do not all carry time-zone data for Intl.
 */
export function shanghaiDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole seconds left until `endsAt` (ms since epoch), never negative. */
export function secondsLeft(endsAt: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}
