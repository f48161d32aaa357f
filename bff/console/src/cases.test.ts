import { describe, expect, it } from '@jest/globals';
import type { CaseDeadline, FormField, TimelineEvent } from '@onevisit/shared-types/client';
import {
  EMPTY_DRAFT,
  attemptFor,
  buildActionBody,
  deadlineView,
  formRows,
  formValueText,
  formatBytes,
  formatDuration,
  formatDueAt,
  isPendingOverdue,
  keepsAttempt,
  lateAllowedCandidates,
  newActionId,
  normalizeCaseNo,
  parseQueueFilter,
  queueHref,
  sortTimeline,
  stateTone,
  type ActionContext,
} from './cases';

const CASE_NO = '11430000006942012X4000112025030700012';
const ctx: ActionContext = { pendingDepartments: [], lateAllowed: null, today: '2025-03-07' };

describe('deadline display', () => {
  it('formats the due time in Beijing time to the minute', () => {
    expect(formatDueAt('2025-03-07T06:05:09Z')).toBe('2025-03-07 14:05');
    // 16:30 UTC is half past midnight of the next day in Beijing.
    expect(formatDueAt('2025-03-07T16:30:00.000Z')).toBe('2025-03-08 00:30');
    expect(formatDueAt(null)).toBe('—');
    expect(formatDueAt('not a date')).toBe('not a date');
  });

  it('says a span in days and hours, hours and minutes, or minutes', () => {
    expect(formatDuration(30_000)).toBe('不足 1 分钟');
    expect(formatDuration(12 * 60_000)).toBe('12 分钟');
    expect(formatDuration(5 * 3600_000)).toBe('5 小时');
    expect(formatDuration(5 * 3600_000 + 20 * 60_000)).toBe('5 小时 20 分钟');
    expect(formatDuration(2 * 86_400_000 + 3 * 3600_000 + 59 * 60_000)).toBe('2 天 3 小时');
    expect(formatDuration(86_400_000)).toBe('1 天');
    expect(formatDuration(-90 * 60_000)).toBe('1 小时 30 分钟');
  });

  const base: CaseDeadline = { dueAt: '2025-03-10T10:00:00Z', clock: 'green', limitWorkingDays: 5, limitHours: null, fallbackYears: [] };
  const now = Date.parse('2025-03-07T08:00:00Z');

  it('keeps the server’s light and adds due time, time left and the limit', () => {
    const v = deadlineView(base, now)!;
    expect(v.clock).toBe('green');
    expect(v.clockName).toBe('正常');
    expect(v.due).toBe('2025-03-10 18:00');
    expect(v.remaining).toBe('还剩 3 天 2 小时');
    expect(v.limit).toBe('时限 5 个工作日');
    expect(v.fallbackNote).toBeNull();
  });

  it('counts overdue time, prefers an hour limit, names fallback years', () => {
    const v = deadlineView({ ...base, clock: 'red', dueAt: '2025-03-07T05:00:00Z', limitHours: 48, fallbackYears: [2026, 2027] }, now)!;
    expect(v.clockName).toBe('已超期');
    expect(v.remaining).toBe('已超期 3 小时');
    expect(v.limit).toBe('时限 48 小时');
    expect(v.fallbackNote).toContain('2026、2027 年');
  });

  it('shows no countdown while a supplement pauses the clock, and nothing without a deadline', () => {
    const v = deadlineView({ ...base, clock: 'paused' }, now)!;
    expect(v.clockName).toBe('补正中，计时暂停');
    expect(v.remaining).toBeNull();
    expect(deadlineView(null, now)).toBeNull();
  });
});

describe('queue filter in the hash', () => {
  it('round-trips and leaves defaults out', () => {
    expect(queueHref({ view: 'todo', page: 1 })).toBe('#/cases');
    const href = queueHref({ view: 'all', caseNo: CASE_NO, state: 'accepted', page: 3 });
    expect(parseQueueFilter(href.split('?')[1])).toEqual({ view: 'all', caseNo: CASE_NO, state: 'accepted', page: 3 });
  });

  it('drops what is not valid', () => {
    expect(parseQueueFilter('view=odd&caseNo=abc&state=draft&page=0')).toEqual({ view: 'todo', page: 1 });
    expect(parseQueueFilter('state=nonsense&page=2.5')).toEqual({ view: 'todo', page: 1 });
  });

  it('normalises a typed case number', () => {
    expect(normalizeCaseNo(' 11430000006942012x40001-1202503070001 2 ')).toBe(CASE_NO);
  });
});

describe('action form', () => {
  it('requires a note for approve, reject and not_accept only', () => {
    for (const action of ['approve', 'reject', 'not_accept'] as const) {
      const r = buildActionBody(action, EMPTY_DRAFT, ctx);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues.note).toBeTruthy();
    }
    expect(buildActionBody('start_review', EMPTY_DRAFT, ctx)).toEqual({ ok: true, body: { action: 'start_review' } });
    expect(buildActionBody('reject', { ...EMPTY_DRAFT, note: '  材料不实 ' }, ctx)).toEqual({ ok: true, body: { action: 'reject', note: '材料不实' } });
    const long = buildActionBody('complete', { ...EMPTY_DRAFT, note: 'x'.repeat(501) }, ctx);
    expect(long.ok).toBe(false);
  });

  it('request_supplement needs at least one distinct reason; blanks are dropped', () => {
    expect(buildActionBody('request_supplement', { ...EMPTY_DRAFT, reasons: ['', '  '] }, ctx).ok).toBe(false);
    expect(buildActionBody('request_supplement', { ...EMPTY_DRAFT, reasons: ['照片不清晰', '照片不清晰 '] }, ctx).ok).toBe(false);
    expect(buildActionBody('request_supplement', { ...EMPTY_DRAFT, reasons: ['x'.repeat(201)] }, ctx).ok).toBe(false);
    expect(buildActionBody('request_supplement', { ...EMPTY_DRAFT, reasons: [' 照片不清晰', '', '缺少户口簿'] }, ctx)).toEqual({
      ok: true,
      body: { action: 'request_supplement', reasons: ['照片不清晰', '缺少户口簿'] },
    });
  });

  it('accept: plain without rows; 容缺 rows need an allowed material and a date from today', () => {
    const late = { ...ctx, lateAllowed: ['户口簿', '照片回执'] };
    expect(buildActionBody('accept', EMPTY_DRAFT, late)).toEqual({ ok: true, body: { action: 'accept' } });
    expect(buildActionBody('accept', { ...EMPTY_DRAFT, pending: [{ materialName: '', promisedBy: '' }] }, late)).toEqual({ ok: true, body: { action: 'accept' } });
    const ok = buildActionBody('accept', { ...EMPTY_DRAFT, pending: [{ materialName: '户口簿', promisedBy: '2025-03-14' }] }, late);
    expect(ok).toEqual({ ok: true, body: { action: 'accept', pendingMaterials: [{ materialName: '户口簿', promisedBy: '2025-03-14' }] } });
    const bad = (pending: { materialName: string; promisedBy: string }[]) => {
      const r = buildActionBody('accept', { ...EMPTY_DRAFT, pending }, late);
      return r.ok ? null : r.issues.pending;
    };
    expect(bad([{ materialName: '身份证', promisedBy: '2025-03-14' }])).toContain('不允许容缺');
    expect(bad([{ materialName: '户口簿', promisedBy: '' }])).toContain('承诺补交日期');
    expect(bad([{ materialName: '户口簿', promisedBy: '2025-02-30' }])).toContain('YYYY-MM-DD');
    expect(bad([{ materialName: '户口簿', promisedBy: '2025-03-06' }])).toContain('早于今天');
    expect(bad([{ materialName: '', promisedBy: '2025-03-14' }])).toContain('请选择');
    expect(
      bad([
        { materialName: '户口簿', promisedBy: '2025-03-14' },
        { materialName: '户口簿', promisedBy: '2025-03-15' },
      ]),
    ).toContain('两次');
    // Without the catalogue entry the server alone decides which names are allowed.
    expect(buildActionBody('accept', { ...EMPTY_DRAFT, pending: [{ materialName: '任意材料', promisedBy: '2025-03-07' }] }, ctx).ok).toBe(true);
  });

  it('approve/reject in a parallel approval need one of the pending departments', () => {
    const parallel = { ...ctx, pendingDepartments: ['治安管理支队', '网安支队'] };
    const draft = { ...EMPTY_DRAFT, note: '同意' };
    const missing = buildActionBody('approve', draft, parallel);
    expect(missing.ok ? null : missing.issues.department).toContain('请选择');
    expect(buildActionBody('approve', { ...draft, department: '消防' }, parallel).ok).toBe(false);
    expect(buildActionBody('reject', { ...draft, department: '网安支队' }, parallel)).toEqual({ ok: true, body: { action: 'reject', note: '同意', department: '网安支队' } });
    // Not a parallel approval: no department is sent even if one is in the draft.
    expect(buildActionBody('approve', { ...draft, department: '网安支队' }, ctx)).toEqual({ ok: true, body: { action: 'approve', note: '同意' } });
  });
});

describe('action ids', () => {
  it('are 32 lower-case hex characters and fresh each time', () => {
    const a = newActionId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newActionId()).not.toBe(a);
  });

  it('are reused for a retry of the same request and replaced when the request changes', () => {
    let n = 0;
    const make = () => `id${++n}`.padEnd(32, '0');
    const first = attemptFor(null, { action: 'approve', note: '同意' }, make);
    expect(attemptFor(first, { action: 'approve', note: '同意' }, make)).toBe(first);
    const changed = attemptFor(first, { action: 'approve', note: '同意。' }, make);
    expect(changed.actionId).not.toBe(first.actionId);
  });

  it('survive only failures that may have been applied', () => {
    expect(keepsAttempt(0)).toBe(true);
    expect(keepsAttempt(502)).toBe(true);
    expect(keepsAttempt(429)).toBe(true);
    expect(keepsAttempt(409)).toBe(false);
    expect(keepsAttempt(400)).toBe(false);
  });
});

describe('materials, form data and timeline', () => {
  it('offers only late-allowed materials not yet supplied nor promised', () => {
    const item = {
      materials: [
        { name: '身份证', required: true, form: 'original' as const, copies: 1, lateAllowed: false },
        { name: '户口簿', required: true, form: 'original' as const, copies: 1, lateAllowed: true },
        { name: '照片回执', required: true, form: 'electronic' as const, copies: 1, lateAllowed: true },
        { name: '委托书', required: false, form: 'original' as const, copies: 1, lateAllowed: true },
      ],
    };
    const supplied = [{ materialName: '照片回执', fileName: 'a.jpg', contentType: 'image/jpeg', bytes: 1, sha256: 'x', attachedAt: '', source: 'submission' as const }];
    const promised = [{ materialName: '委托书', promisedBy: '2025-03-10', suppliedAt: null }];
    expect(lateAllowedCandidates(item, supplied, promised)).toEqual(['户口簿']);
    expect(lateAllowedCandidates(null, supplied, promised)).toBeNull();
  });

  it('labels form values by the item’s schema and keeps unknown keys', () => {
    const schema: FormField[] = [
      { key: 'reason', label: '补领原因', type: 'select', required: true, options: [{ value: 'lost', label: '遗失' }] },
      { key: 'urgent', label: '是否加急', type: 'boolean', required: false },
      { key: 'absent', label: '未填', type: 'text', required: false },
    ];
    expect(formRows({ extra: 3, urgent: false, reason: 'lost' }, schema)).toEqual([
      { key: 'reason', label: '补领原因', text: '遗失' },
      { key: 'urgent', label: '是否加急', text: '否' },
      { key: 'extra', label: 'extra', text: '3' },
    ]);
    expect(formValueText(null)).toBe('—');
    expect(formValueText(['a', 'b'])).toBe('a、b');
    expect(formValueText({ a: 1 })).toBe('{"a":1}');
  });

  it('sizes, states, overdue promises', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(stateTone('supplement_requested')).toBe('warn');
    expect(stateTone('rejected')).toBe('bad');
    expect(stateTone('in_review')).toBe('progress');
    expect(isPendingOverdue({ materialName: 'a', promisedBy: '2025-03-06', suppliedAt: null }, '2025-03-07')).toBe(true);
    expect(isPendingOverdue({ materialName: 'a', promisedBy: '2025-03-07', suppliedAt: null }, '2025-03-07')).toBe(false);
    expect(isPendingOverdue({ materialName: 'a', promisedBy: '2025-03-01', suppliedAt: '2025-03-02T00:00:00Z' }, '2025-03-07')).toBe(false);
  });

  it('orders the timeline oldest first, stable for equal times', () => {
    const ev = (at: string, note: string): TimelineEvent => ({ at, action: 'accept', state: 'accepted', actor: 'staff', actorName: 'x', note, visibleToCitizen: true });
    const sorted = sortTimeline([ev('2025-03-07T02:00:00Z', 'b'), ev('2025-03-07T01:00:00Z', 'a'), ev('2025-03-07T02:00:00Z', 'c')]);
    expect(sorted.map((e) => e.note)).toEqual(['a', 'b', 'c']);
  });
});
