import { CalendarDateSchema, CalendarYearQuerySchema, isCalendarDate } from '@onevisit/shared-types';
import {
  addDays,
  dayNumber,
  formatShanghai,
  isoWeekday,
  isWeekend,
  shanghaiDate,
  shanghaiDayEnd,
  shanghaiDayStart,
  shanghaiInstant,
  shanghaiYear,
  yearBounds,
} from './dates';

describe('Asia/Shanghai dates', () => {
  it('takes the Shanghai calendar date of an instant (UTC+8, no daylight saving)', () => {
    expect(shanghaiDate(new Date('2024-09-30T15:59:59.999Z'))).toBe('2024-09-30');
    expect(shanghaiDate(new Date('2024-09-30T16:00:00.000Z'))).toBe('2024-10-01');
    expect(shanghaiDate(new Date('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01');
    expect(shanghaiYear(new Date('2024-12-31T16:00:00.000Z'))).toBe(2025);
    // A summer date: the offset is still 8 hours (Shanghai has no DST; Los Angeles would differ).
    expect(shanghaiDate(new Date('2025-07-01T15:30:00Z'))).toBe('2025-07-01');
    expect(shanghaiDate(new Date('2025-07-01T16:30:00Z'))).toBe('2025-07-02');
  });

  it('gives a day’s first and last instants', () => {
    expect(shanghaiDayStart('2024-10-01').toISOString()).toBe('2024-09-30T16:00:00.000Z');
    expect(shanghaiDayEnd('2024-10-12').toISOString()).toBe('2024-10-12T15:59:59.999Z');
    expect(shanghaiDayEnd('2024-02-29').toISOString()).toBe('2024-02-29T15:59:59.999Z');
  });

  it('reads and writes Shanghai wall-clock times', () => {
    expect(shanghaiInstant('2024-09-30 17:00').toISOString()).toBe('2024-09-30T09:00:00.000Z');
    expect(shanghaiInstant('2024-09-30T00:00:00.5').toISOString()).toBe('2024-09-29T16:00:00.500Z');
    expect(shanghaiInstant('2024-09-30').toISOString()).toBe('2024-09-29T16:00:00.000Z');
    expect(formatShanghai(new Date('2024-09-30T09:00:00Z'))).toBe('2024-09-30 17:00:00');
    expect(() => shanghaiInstant('2024-09-30 24:00')).toThrow(RangeError);
    expect(() => shanghaiInstant('2024-02-30')).toThrow(RangeError);
    expect(() => shanghaiDate(new Date('nope'))).toThrow(RangeError);
  });

  it('does day arithmetic across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(yearBounds(2026)).toEqual({ first: '2026-01-01', last: '2026-12-31' });
  });

  it('knows weekdays (ISO: Monday 1 … Sunday 7)', () => {
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(isoWeekday('1969-12-28')).toBe(7);
    expect(isoWeekday('2024-10-01')).toBe(2);
    expect(isoWeekday('2026-02-15')).toBe(7);
    expect(isWeekend('2024-10-12')).toBe(true);
    expect(isWeekend('2024-10-11')).toBe(false);
  });

  it('validates dates as real dates (shared with the API schema)', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2025-04-31')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
    expect(CalendarDateSchema.safeParse('2026-02-15').success).toBe(true);
    expect(CalendarDateSchema.safeParse('2026-02-30').success).toBe(false);
    expect(CalendarDateSchema.safeParse('1999-12-31').success).toBe(false);
    expect(CalendarDateSchema.safeParse('2101-01-01').success).toBe(false);
    expect(CalendarYearQuerySchema.parse({ year: '2026' })).toEqual({ year: 2026 });
    expect(CalendarYearQuerySchema.safeParse({ year: '1999' }).success).toBe(false);
    expect(CalendarYearQuerySchema.safeParse({ year: '2026.5' }).success).toBe(false);
  });
});
