/**
 * The working-day calendar's zod-free values: the console and the mini-program import them
 * through `@onevisit/shared-types/client` without bundling zod. The schemas in calendar.ts use them.
 */

/** Years the calendar accepts (API and console). */
export const CALENDAR_YEAR_MIN = 2000;
export const CALENDAR_YEAR_MAX = 2100;

/**
 * Where a year's working days come from: `official` — the year has rows (the State Council's
 * published schedule, as seeded or edited by an admin); `weekday-fallback` — no rows at all, so
 * Monday–Friday are working days and every weekend is off (the schedule is not published or not
 * entered yet).
 */
export const CALENDAR_SOURCES = ['official', 'weekday-fallback'] as const;
export type CalendarSource = (typeof CALENDAR_SOURCES)[number];
export const CALENDAR_SOURCE_NAMES: Record<CalendarSource, string> = {
  official: '已录入国务院办公厅放假安排',
  'weekday-fallback': '未录入放假安排，暂按周一至周五工作日计算',
};

/** Deadline lights of the electronic supervision (电子监察): in time, one working day or less left, overdue. */
export const DEADLINE_STATUSES = ['green', 'yellow', 'red'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];
export const DEADLINE_STATUS_NAMES: Record<DeadlineStatus, string> = {
  green: '正常',
  yellow: '临近到期',
  red: '已超期',
};

/** Paths of the calendar's console API, under `/console/api`. */
export const calendarPaths = {
  calendar: '/calendar',
  calendarDay: (date: string) => `/calendar/days/${encodeURIComponent(date)}`,
} as const;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real Gregorian date written `YYYY-MM-DD` (leap years included): `2024-02-29` yes, `2025-02-29` no. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
