/**
 * The case desk's pure logic (no React, no fetch): deadline display, the queue's URL filter, the
 * action form's checks and request body, retry-safe action ids, form-data and material display.
 * Unit-tested in cases.test.ts.
 */
import { CASE_CLOCK_NAMES, CASE_STATES, isCalendarDate } from '@onevisit/shared-types/client';
import type {
  CaseClock,
  CaseDeadline,
  CaseMaterial,
  CaseState,
  FormField,
  PendingMaterial,
  ServiceItem,
  StaffCaseAction,
  StaffCaseActionRequest,
  TimelineEvent,
} from '@onevisit/shared-types/client';
import { formatTime } from './format';

// ---- deadlines ----

/** `2025-03-07 14:05` in Beijing time (a due time needs no seconds); `—` for null. */
export function formatDueAt(iso: string | null | undefined): string {
  const full = formatTime(iso);
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(full) ? full.slice(0, 16) : full;
}

/** A span as an approver reads it: `2 天 3 小时`, `5 小时 20 分钟`, `12 分钟`, `不足 1 分钟`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return '不足 1 分钟';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return mins ? `${hours} 小时 ${mins} 分钟` : `${hours} 小时`;
  return `${mins} 分钟`;
}

export interface DeadlineView {
  /** The server's light; the client never recomputes it. */
  clock: CaseClock;
  clockName: string;
  /** Due time in Beijing time, `YYYY-MM-DD HH:mm`. */
  due: string;
  /** Calendar time to the due instant (`还剩 …` / `已超期 …`); null while the clock is paused. */
  remaining: string | null;
  /** `时限 5 个工作日` or `时限 48 小时`, when the deadline says which. */
  limit: string | null;
  /** Years computed Monday–Friday for want of an entered holiday schedule. */
  fallbackNote: string | null;
}

export function deadlineView(deadline: CaseDeadline | null | undefined, now: number = Date.now()): DeadlineView | null {
  if (!deadline) return null;
  const dueMs = new Date(deadline.dueAt).getTime();
  let remaining: string | null = null;
  if (deadline.clock !== 'paused' && !Number.isNaN(dueMs)) {
    const left = dueMs - now;
    remaining = left > 0 ? `还剩 ${formatDuration(left)}` : `已超期 ${formatDuration(-left)}`;
  }
  let limit: string | null = null;
  if (deadline.limitHours != null) limit = `时限 ${deadline.limitHours} 小时`;
  else if (deadline.limitWorkingDays != null) limit = `时限 ${deadline.limitWorkingDays} 个工作日`;
  const years = deadline.fallbackYears ?? [];
  return {
    clock: deadline.clock,
    clockName: CASE_CLOCK_NAMES[deadline.clock] ?? deadline.clock,
    due: formatDueAt(deadline.dueAt),
    remaining,
    limit,
    fallbackNote: years.length ? `${years.join('、')} 年未录入放假安排，到期时间按周一至周五工作日计算` : null,
  };
}

// ---- states ----

export type StateTone = 'progress' | 'warn' | 'ok' | 'bad' | 'muted';

/** The colour family of a state tag. */
export function stateTone(state: CaseState): StateTone {
  switch (state) {
    case 'supplement_requested':
    case 'awaiting_payment':
      return 'warn';
    case 'approved':
    case 'paid':
    case 'producing':
    case 'shipped':
    case 'ready_for_pickup':
    case 'completed':
      return 'ok';
    case 'not_accepted':
    case 'rejected':
      return 'bad';
    case 'draft':
    case 'withdrawn':
      return 'muted';
    default:
      return 'progress';
  }
}

/** States offered by the queue's filter (drafts are the citizen's own and never reach staff). */
export const QUEUE_FILTER_STATES: CaseState[] = CASE_STATES.filter((s) => s !== 'draft');

// ---- the queue's filter, kept in the hash (`#/cases?view=all&state=accepted&page=2`) ----

export const CASE_NO_PATTERN = /^[0-9A-Z]{10,40}\d{12,14}$/;

/** A case number as typed: spaces and dashes dropped, letters upper-cased. */
export function normalizeCaseNo(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export interface QueueFilter {
  view: 'todo' | 'all';
  caseNo?: string;
  state?: CaseState;
  page: number;
}

export function parseQueueFilter(search: string): QueueFilter {
  const params = new URLSearchParams(search);
  const filter: QueueFilter = { view: params.get('view') === 'all' ? 'all' : 'todo', page: 1 };
  const caseNo = params.get('caseNo');
  if (caseNo && CASE_NO_PATTERN.test(caseNo)) filter.caseNo = caseNo;
  const state = params.get('state');
  if (state && (QUEUE_FILTER_STATES as string[]).includes(state)) filter.state = state as CaseState;
  const page = Number(params.get('page'));
  if (Number.isInteger(page) && page >= 1 && page <= 10_000) filter.page = page;
  return filter;
}

/** The hash of a queue filter; defaults are left out, so the plain queue is `#/cases`. */
export function queueHref(filter: QueueFilter): string {
  const params = new URLSearchParams();
  if (filter.view === 'all') params.set('view', 'all');
  if (filter.caseNo) params.set('caseNo', filter.caseNo);
  if (filter.state) params.set('state', filter.state);
  if (filter.page > 1) params.set('page', String(filter.page));
  const qs = params.toString();
  return qs ? `#/cases?${qs}` : '#/cases';
}

// ---- actions ----

/** Actions whose reason or opinion the form demands (reject and not_accept: told to the citizen). */
export const NOTE_REQUIRED_ACTIONS: readonly StaffCaseAction[] = ['approve', 'reject', 'not_accept'];
/** Decisions confirmed in a dialog before they are sent. */
export const CONFIRMED_ACTIONS: readonly StaffCaseAction[] = ['accept', 'not_accept', 'approve', 'reject'];
export const NOTE_MAX = 500;
export const REASON_MAX = 200;
export const REASONS_MAX = 10;
export const PENDING_MAX = 10;

export interface PendingDraft {
  materialName: string;
  promisedBy: string;
}

/** What the action panel holds while an approver fills it in. */
export interface ActionDraft {
  note: string;
  reasons: string[];
  pending: PendingDraft[];
  department: string;
}

export const EMPTY_DRAFT: ActionDraft = { note: '', reasons: [''], pending: [], department: '' };

export interface ActionContext {
  /** `detail.pendingDepartments`: a parallel approval's departments still to sign. */
  pendingDepartments: readonly string[];
  /** Materials that may be promised (容缺受理); null when the item's catalogue entry is unknown (the server checks). */
  lateAllowed: readonly string[] | null;
  /** Today in Beijing time, `YYYY-MM-DD`. */
  today: string;
}

export type DraftIssues = Partial<Record<'note' | 'reasons' | 'pending' | 'department', string>>;
export type ActionBody = Omit<StaffCaseActionRequest, 'actionId'>;

export function noteLabel(action: StaffCaseAction): string {
  if (action === 'reject') return '不予批准理由';
  if (action === 'not_accept') return '不予受理理由';
  if (action === 'approve') return '审批意见';
  return '备注';
}

/** Checks a draft the way the contract does and builds the request (without its actionId). */
export function buildActionBody(action: StaffCaseAction, draft: ActionDraft, ctx: ActionContext): { ok: true; body: ActionBody } | { ok: false; issues: DraftIssues } {
  const issues: DraftIssues = {};
  const body: ActionBody = { action };

  const note = draft.note.trim();
  if (note.length > NOTE_MAX) issues.note = `最多 ${NOTE_MAX} 个字`;
  else if (!note && NOTE_REQUIRED_ACTIONS.includes(action)) issues.note = `请填写${noteLabel(action)}`;
  else if (note) body.note = note;

  if (action === 'request_supplement') {
    const reasons = draft.reasons.map((r) => r.trim()).filter(Boolean);
    if (reasons.length === 0) issues.reasons = '请至少填写一项需要补正的内容';
    else if (reasons.length > REASONS_MAX) issues.reasons = `最多 ${REASONS_MAX} 项`;
    else if (reasons.some((r) => r.length > REASON_MAX)) issues.reasons = `每项最多 ${REASON_MAX} 个字`;
    else if (new Set(reasons).size !== reasons.length) issues.reasons = '补正内容有重复';
    else body.reasons = reasons;
  }

  if (action === 'accept') {
    const rows = draft.pending.map((p) => ({ materialName: p.materialName.trim(), promisedBy: p.promisedBy.trim() })).filter((p) => p.materialName || p.promisedBy);
    const names = new Set<string>();
    for (const row of rows) {
      if (!row.materialName) issues.pending = '请选择容缺的材料';
      else if (ctx.lateAllowed && !ctx.lateAllowed.includes(row.materialName)) issues.pending = `「${row.materialName}」不允许容缺受理`;
      else if (names.has(row.materialName)) issues.pending = `「${row.materialName}」登记了两次`;
      else if (!row.promisedBy) issues.pending = `请填写「${row.materialName}」的承诺补交日期`;
      else if (!isCalendarDate(row.promisedBy)) issues.pending = '承诺补交日期应为 YYYY-MM-DD';
      else if (row.promisedBy < ctx.today) issues.pending = '承诺补交日期不能早于今天';
      if (issues.pending) break;
      names.add(row.materialName);
    }
    if (!issues.pending && rows.length > PENDING_MAX) issues.pending = `最多 ${PENDING_MAX} 项`;
    if (!issues.pending && rows.length > 0) body.pendingMaterials = rows;
  }

  if ((action === 'approve' || action === 'reject') && ctx.pendingDepartments.length > 0) {
    const department = draft.department.trim();
    if (!department) issues.department = '请选择以哪个部门的名义会签';
    else if (!ctx.pendingDepartments.includes(department)) issues.department = '该部门已会签或不在本件的会签部门中';
    else body.department = department;
  }

  return Object.keys(issues).length ? { ok: false, issues } : { ok: true, body };
}

/** 32 lower-case hex characters from the browser's CSPRNG. */
export function newActionId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One click's request: its id is reused while the same request is retried, and only then. */
export interface ActionAttempt {
  actionId: string;
  fingerprint: string;
}

export function attemptFor(previous: ActionAttempt | null, body: ActionBody, makeId: () => string = newActionId): ActionAttempt {
  const fingerprint = JSON.stringify(body);
  if (previous && previous.fingerprint === fingerprint) return previous;
  return { actionId: makeId(), fingerprint };
}

/**
 * Whether a failed request may have been applied (network loss, a gateway or server error, a
 * rate limit), so that a retry of the same click must send the same actionId. Any other answer
 * is final: the next click is a new action.
 */
export function keepsAttempt(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Materials of the item that allow 容缺受理 and are neither supplied nor already promised; null when the item is unknown. */
export function lateAllowedCandidates(item: Pick<ServiceItem, 'materials'> | null, materials: readonly CaseMaterial[], pending: readonly PendingMaterial[]): string[] | null {
  if (!item) return null;
  const taken = new Set([...materials.map((m) => m.materialName), ...pending.map((p) => p.materialName)]);
  return item.materials.filter((m) => m.lateAllowed && !taken.has(m.name)).map((m) => m.name);
}

// ---- form data, materials, timeline ----

export interface FormRow {
  key: string;
  label: string;
  text: string;
}

export function formValueText(value: unknown, field?: Pick<FormField, 'type' | 'options'>): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') {
    const option = field?.type === 'select' ? field.options?.find((o) => o.value === value) : undefined;
    return option ? option.label : value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => formValueText(v)).join('、');
  return JSON.stringify(value);
}

/** The form's fields in the item's order with their labels, then any key the schema does not know. */
export function formRows(formData: Record<string, unknown>, schema: readonly FormField[] | null): FormRow[] {
  const rows: FormRow[] = [];
  const seen = new Set<string>();
  for (const field of schema ?? []) {
    if (!(field.key in formData)) continue;
    seen.add(field.key);
    rows.push({ key: field.key, label: field.label, text: formValueText(formData[field.key], field) });
  }
  for (const [key, value] of Object.entries(formData)) if (!seen.has(key)) rows.push({ key, label: key, text: formValueText(value) });
  return rows;
}

/** JPEG and PNG show inline; HEIC/HEIF and PDF open in a tab (browsers cannot draw HEIC). */
export function isPreviewableImage(contentType: string): boolean {
  return contentType === 'image/jpeg' || contentType === 'image/png';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const MATERIAL_SOURCE_NAMES: Record<CaseMaterial['source'], string> = {
  submission: '随申请提交',
  supplement: '补正提交',
  pending: '容缺补交',
};

/** Promised, not supplied, and the promised day is over. */
export function isPendingOverdue(p: PendingMaterial, today: string): boolean {
  return !p.suppliedAt && p.promisedBy < today;
}

/** Oldest first; events at the same instant keep the server's order. */
export function sortTimeline(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events
    .map((e, i) => ({ e, i, t: new Date(e.at).getTime() }))
    .sort((a, b) => (a.t === b.t || Number.isNaN(a.t) || Number.isNaN(b.t) ? a.i - b.i : a.t - b.t))
    .map((x) => x.e);
}
