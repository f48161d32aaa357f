import { CASE_CLOCK_NAMES, type CaseClock, type CaseDeadline } from '@onevisit/shared-types/client';
import { shanghaiDateTime } from './dates';

/**
 * The deadline line of a case: the light (green / yellow / red / paused) the BFF computed, kept
 * live on the device — a case whose due time passes while the page is open turns red — and the
 * time left (or overdue) as a ticking countdown.
 */
export interface CountdownView {
  tone: CaseClock;
  /** `正常` / `即将到期` / `已超期` / `补正中，计时暂停`. */
  label: string;
  /** `剩余 3 天 04:05:06`, `已超期 1 天 02:00:00`, or the paused text. */
  text: string;
  /** `2026-03-12 17:00 前办结`. */
  due: string;
  /** Whether the text changes over time (not while paused). */
  ticking: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `3 天 04:05:06`, `04:05:06` under a day; seconds are whole, never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const clock = `${pad(h)}:${pad(m)}:${pad(s)}`;
  return days > 0 ? `${days} 天 ${clock}` : clock;
}

/** The light at `now`: the BFF's, except that a due time already passed is red. */
export function liveClock(clock: CaseClock, dueAt: string, now: number): CaseClock {
  if (clock === 'paused') return 'paused';
  const due = Date.parse(dueAt);
  if (!Number.isNaN(due) && now >= due) return 'red';
  return clock;
}

export function countdownView(deadline: Pick<CaseDeadline, 'dueAt' | 'clock'>, now: number = Date.now()): CountdownView {
  const tone = liveClock(deadline.clock, deadline.dueAt, now);
  const dueMs = Date.parse(deadline.dueAt);
  const due = Number.isNaN(dueMs) ? '' : `${shanghaiDateTime(deadline.dueAt)} 前办结`;
  if (tone === 'paused') return { tone, label: CASE_CLOCK_NAMES.paused, text: '补正期间不计入办理时限', due, ticking: false };
  if (Number.isNaN(dueMs)) return { tone, label: CASE_CLOCK_NAMES[tone], text: '', due, ticking: false };
  const left = dueMs - now;
  const text = left > 0 ? `剩余 ${formatDuration(left)}` : `已超期 ${formatDuration(-left)}`;
  return { tone, label: CASE_CLOCK_NAMES[tone], text, due, ticking: true };
}

/** `15 个工作日内办结` / `24 小时内办结` (green channel, urgent). */
export function limitText(deadline: Pick<CaseDeadline, 'limitWorkingDays' | 'limitHours'>): string {
  if (deadline.limitHours !== null && deadline.limitHours !== undefined) return `${deadline.limitHours} 小时内办结`;
  if (deadline.limitWorkingDays !== null && deadline.limitWorkingDays !== undefined) {
    return deadline.limitWorkingDays === 0 ? '当场办结' : `${deadline.limitWorkingDays} 个工作日内办结`;
  }
  return '';
}

/** The short form for lists: `剩余 3 天`, `剩余 5 小时`, `剩余 20 分钟`, `已超期 2 天`. */
export function compactCountdown(deadline: Pick<CaseDeadline, 'dueAt' | 'clock'>, now: number = Date.now()): string {
  if (deadline.clock === 'paused') return '';
  const due = Date.parse(deadline.dueAt);
  if (Number.isNaN(due)) return '';
  const ms = Math.abs(due - now);
  const amount = ms >= 86_400_000 ? `${Math.floor(ms / 86_400_000)} 天` : ms >= 3_600_000 ? `${Math.floor(ms / 3_600_000)} 小时` : `${Math.max(1, Math.ceil(ms / 60_000))} 分钟`;
  return due > now ? `剩余 ${amount}` : `已超期 ${amount}`;
}
