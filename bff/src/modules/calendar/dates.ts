import { isCalendarDate } from '@onevisit/shared-types';

/**
 * Pure Asia/Shanghai calendar arithmetic. Instants are `Date`s (UTC inside); calendar dates are
 * strings `YYYY-MM-DD`. Nothing here reads the process's time zone (`getHours`, `toLocaleString`,
 * `new Date(y, m, d)` …): Shanghai has been UTC+08:00 all year since 1991 (no daylight saving),
 * so a fixed offset is exact for every date the platform handles (2000–2100), and results are the
 * same whatever `TZ` the process runs with.
 */

export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

function assertDate(date: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(date)}`);
}

function assertInstant(instant: Date): number {
  const t = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('not a valid instant');
  return t;
}

/** Days since 1970-01-01 of a calendar date (the proleptic Gregorian day number). */
export function dayNumber(date: string): number {
  assertDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The calendar date of a day number. */
export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai calendar date of an instant: 2024-09-30T16:00:00Z is `2024-10-01`. */
export function shanghaiDate(instant: Date): string {
  return fromDayNumber(Math.floor((assertInstant(instant) + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** The Asia/Shanghai year of an instant. */
export function shanghaiYear(instant: Date): number {
  return Number(shanghaiDate(instant).slice(0, 4));
}

/** The instant a Shanghai calendar day begins (00:00:00.000 +08:00). */
export function shanghaiDayStart(date: string): Date {
  return new Date(dayNumber(date) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** The last millisecond of a Shanghai calendar day (23:59:59.999 +08:00) — where deadlines fall. */
export function shanghaiDayEnd(date: string): Date {
  return new Date((dayNumber(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

/**
 * The instant of a Shanghai wall-clock time: `2024-09-30 17:00`, `2024-09-30T17:00:30.250` or a
 * bare date (midnight). For tests, seeds and console input; throws on anything else.
 */
export function shanghaiInstant(wallClock: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(wallClock);
  if (!m) throw new RangeError(`not a Shanghai wall-clock time: ${JSON.stringify(wallClock)}`);
  const [hours, minutes, seconds] = [Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) throw new RangeError(`not a Shanghai wall-clock time: ${JSON.stringify(wallClock)}`);
  const ms = m[5] ? Number(m[5].padEnd(3, '0')) : 0;
  return new Date(shanghaiDayStart(m[1]).getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms);
}

/** `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai, for messages and logs. */
export function formatShanghai(instant: Date): string {
  return new Date(assertInstant(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The date `n` days after (or before, for negative `n`) a date. */
export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  // 1970-01-01 (day 0) was a Thursday (4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

export function isWeekend(date: string): boolean {
  return isoWeekday(date) >= 6;
}

export function yearOf(date: string): number {
  assertDate(date);
  return Number(date.slice(0, 4));
}

/** The first and last date of a year, for range queries on `YYYY-MM-DD` text. */
export function yearBounds(year: number): { first: string; last: string } {
  const y = String(year).padStart(4, '0');
  return { first: `${y}-01-01`, last: `${y}-12-31` };
}
