import type { DeadlineStatus } from '@onevisit/shared-types';
import { addDays, isWeekend, shanghaiDate, shanghaiDayEnd } from './dates';

/**
 * The SLA clock, as pure functions of a working-day calendar. Every date is an Asia/Shanghai
 * calendar date; every instant a UTC `Date`. The rules, exactly:
 *
 * Working days
 * - A date listed in the calendar is a working day iff its row says `isOffDay: false` (a make-up
 *   workday, 调休上班, or an ordinary weekday listed for its note). Any other date is a working day
 *   iff it is Monday–Friday. A year with no rows at all therefore falls back to Monday–Friday.
 *
 * Working-day limits (`limitWorkingDays: N`, the item's promised/legal time limit)
 * - D is the Shanghai date of acceptance (`startedAt`). D itself is never counted, whatever the
 *   hour of acceptance and whether or not D is a working day (期间开始之日不计算在内).
 * - N ≥ 1: the deadline is the end (23:59:59.999 Asia/Shanghai) of the N-th counted working day
 *   after D. Accepted on a Saturday with N = 1 → due at the end of Monday (if Monday works).
 * - N = 0 (same-day items): the deadline is the end of D, even when D is not a working day.
 * - Pauses (supplement requested → answered): a working day after D that a pause touches, fully or
 *   partly, is not counted — the deadline moves one working day later for each. Pauses are
 *   half-open intervals [from, to): a pause answered at exactly 00:00 does not touch that day. Only
 *   pauses that begin on or before the (moving) due day matter: a supplement requested after the
 *   case is already overdue does not make it punctual again. With N = 0, a pause touching D moves
 *   the deadline to the end of the first working day after D that no pause touches.
 * - An open pause (`to: null`, the citizen has not answered yet) counts as lasting until `now`, so
 *   the result is the deadline if the supplement were answered now; `paused: true` says so and
 *   sweeps should treat the case as stopped, not late.
 * - Pauses (or parts) before `startedAt` are ignored: the clock starts at acceptance.
 *
 * Hour limits (`limitHours: H`, urgent / green channel, e.g. 24 h)
 * - Clock hours, weekends and holidays included: due at `startedAt + H hours`, plus the total
 *   paused time after `startedAt` (overlapping pauses counted once) of every pause that begins
 *   at or before the (moving) deadline.
 *
 * Status lights (`deadlineStatus`)
 * - red: `now` is after `dueAt` (the deadline instant itself is still in time).
 * - yellow: not red, and one working day or less is left, i.e. `now` is on the last working day
 *   or later — the last working day being the latest working day on or before the due date (for
 *   working-day limits that is the due date itself; for an hour limit due on a Sunday, the Friday).
 * - green: otherwise.
 */

/** A calendar the pure functions can ask synchronously. */
export interface WorkingDayCalendar {
  isWorkingDay(date: string): boolean;
}

export interface Pause {
  from: Date;
  /** null while the supplement is still outstanding. */
  to: Date | null;
}

export interface DeadlineInput {
  /** Acceptance: the SLA clock starts here. */
  startedAt: Date;
  /** Exactly one of limitWorkingDays and limitHours. */
  limitWorkingDays?: number;
  limitHours?: number;
  pauses: Pause[];
  /** Where an open pause ends for now; defaults to the current time. */
  now?: Date;
}

export interface Deadline {
  dueAt: Date;
  /** Some pause is still open: the deadline will move when it closes. */
  paused: boolean;
  /** Working days the pauses added (working-day limits). */
  pausedWorkingDays: number;
  /** Milliseconds the pauses added (hour limits). */
  pausedMs: number;
}

/** How far the day walk may go before we call the calendar broken (every day marked off). */
const MAX_WALK_DAYS = 20 * 366;
const HOUR_MS = 3_600_000;

/** Working days from a list of exceptions to Monday–Friday (e.g. one or more years' rows). */
export function isWorkingDayWith(exceptions: ReadonlyMap<string, boolean>, date: string): boolean {
  const off = exceptions.get(date);
  return off === undefined ? !isWeekend(date) : !off;
}

export function calendarFromExceptions(days: Iterable<{ date: string; isOffDay: boolean }>): WorkingDayCalendar {
  const exceptions = new Map<string, boolean>();
  for (const d of days) exceptions.set(d.date, d.isOffDay);
  return { isWorkingDay: (date) => isWorkingDayWith(exceptions, date) };
}

/** Pauses clipped to start at `startedAt`, open ones closed at `now`, sorted and merged; empty ones dropped. */
function normalisePauses(pauses: Pause[], startedAt: number, now: number): { from: number; to: number }[] {
  const intervals: { from: number; to: number }[] = [];
  for (const p of pauses) {
    const from = p.from.getTime();
    const to = p.to === null ? Math.max(from, now) : p.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('pause: invalid instant');
    if (to < from) throw new RangeError('pause: ends before it starts');
    const clipped = { from: Math.max(from, startedAt), to };
    if (clipped.to > clipped.from) intervals.push(clipped);
  }
  intervals.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last && iv.from <= last.to) last.to = Math.max(last.to, iv.to);
    else merged.push({ ...iv });
  }
  return merged;
}

/** Every Shanghai date a set of half-open intervals touches. */
function touchedDates(intervals: { from: number; to: number }[]): Set<string> {
  const dates = new Set<string>();
  for (const iv of intervals) {
    const last = shanghaiDate(new Date(iv.to - 1));
    for (let d = shanghaiDate(new Date(iv.from)); d <= last; d = addDays(d, 1)) dates.add(d);
  }
  return dates;
}

function checkInput(input: DeadlineInput): void {
  if (!(input.startedAt instanceof Date) || !Number.isFinite(input.startedAt.getTime())) throw new RangeError('startedAt: invalid instant');
  const { limitWorkingDays: days, limitHours: hours } = input;
  if ((days === undefined) === (hours === undefined)) throw new RangeError('give exactly one of limitWorkingDays and limitHours');
  if (days !== undefined && !(Number.isSafeInteger(days) && days >= 0 && days <= 3650)) throw new RangeError('limitWorkingDays: an integer 0–3650');
  if (hours !== undefined && !(Number.isFinite(hours) && hours > 0 && hours <= 24 * 3650)) throw new RangeError('limitHours: a positive number of hours');
}

/** The deadline of a case; see the rules at the top of this file. */
export function computeDeadline(input: DeadlineInput, calendar: WorkingDayCalendar): Deadline {
  checkInput(input);
  const startedAt = input.startedAt.getTime();
  const now = (input.now ?? new Date()).getTime();
  const paused = input.pauses.some((p) => p.to === null);
  const pauses = normalisePauses(input.pauses, startedAt, now);

  if (input.limitHours !== undefined) {
    let due = startedAt + input.limitHours * HOUR_MS;
    let pausedMs = 0;
    for (const iv of pauses) {
      if (iv.from > due) break;
      due += iv.to - iv.from;
      pausedMs += iv.to - iv.from;
    }
    return { dueAt: new Date(due), paused, pausedWorkingDays: 0, pausedMs };
  }

  const accepted = shanghaiDate(input.startedAt);
  const touched = touchedDates(pauses);
  const limit = input.limitWorkingDays!;
  let day = accepted;
  let pausedWorkingDays = 0;
  if (limit === 0) {
    if (touched.has(accepted)) {
      if (calendar.isWorkingDay(accepted)) pausedWorkingDays++;
      day = walk(accepted, (d) => {
        if (!calendar.isWorkingDay(d)) return false;
        if (touched.has(d)) {
          pausedWorkingDays++;
          return false;
        }
        return true;
      });
    }
  } else {
    let counted = 0;
    while (counted < limit) {
      day = walk(day, (d) => {
        if (!calendar.isWorkingDay(d)) return false;
        if (touched.has(d)) {
          pausedWorkingDays++;
          return false;
        }
        return true;
      });
      counted++;
    }
  }
  return { dueAt: shanghaiDayEnd(day), paused, pausedWorkingDays, pausedMs: 0 };
}

/** The first date after `from` that `counts`. */
function walk(from: string, counts: (date: string) => boolean): string {
  let d = from;
  for (let i = 0; i < MAX_WALK_DAYS; i++) {
    d = addDays(d, 1);
    if (counts(d)) return d;
  }
  throw new RangeError(`no working day within ${MAX_WALK_DAYS} days after ${from}: is every day marked off?`);
}

/** The latest working day on or before `date`, or `date` itself if none within the walk bound. */
export function lastWorkingDayOnOrBefore(date: string, calendar: WorkingDayCalendar): string {
  let d = date;
  for (let i = 0; i < MAX_WALK_DAYS; i++, d = addDays(d, -1)) {
    if (calendar.isWorkingDay(d)) return d;
  }
  return date;
}

/** The deadline light at `now`; see the rules at the top of this file. */
export function deadlineStatus(dueAt: Date, now: Date, calendar: WorkingDayCalendar): DeadlineStatus {
  if (now.getTime() > dueAt.getTime()) return 'red';
  const lastWorkingDay = lastWorkingDayOnOrBefore(shanghaiDate(dueAt), calendar);
  return shanghaiDate(now) >= lastWorkingDay ? 'yellow' : 'green';
}
