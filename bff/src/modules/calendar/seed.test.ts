import { isCalendarDate } from '@onevisit/shared-types';
import { isoWeekday, isWeekend, yearOf } from './dates';
import { CALENDAR_SEED } from './seed';

const WEEKDAY = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7 } as const;
const row = (date: string) => {
  const found = CALENDAR_SEED.find((d) => d.date === date);
  if (!found) throw new Error(`no seed row for ${date}`);
  return found;
};

describe('seeded State Council schedules', () => {
  it('holds real, unique dates for 2024–2026 only (2027 is not published here: Monday–Friday fallback)', () => {
    expect(CALENDAR_SEED.every((d) => isCalendarDate(d.date))).toBe(true);
    expect(new Set(CALENDAR_SEED.map((d) => d.date)).size).toBe(CALENDAR_SEED.length);
    expect([...new Set(CALENDAR_SEED.map((d) => yearOf(d.date)))]).toEqual([2024, 2025, 2026]);
  });

  it('lists make-up workdays only on weekends, each with a note', () => {
    const makeUps = CALENDAR_SEED.filter((d) => !d.isOffDay);
    expect(makeUps.length).toBe(8 + 5 + 6);
    expect(makeUps.every((d) => isWeekend(d.date) && d.note.endsWith('调休上班'))).toBe(true);
  });

  it.each([
    // [year, holiday note, days off (共N天)]
    [2024, '元旦', 1], [2024, '春节', 8], [2024, '清明节', 3], [2024, '劳动节', 5], [2024, '端午节', 1], [2024, '中秋节', 3], [2024, '国庆节', 7],
    [2025, '元旦', 1], [2025, '春节', 8], [2025, '清明节', 3], [2025, '劳动节', 5], [2025, '端午节', 3], [2025, '国庆节、中秋节', 8],
    [2026, '元旦', 3], [2026, '春节', 9], [2026, '清明节', 3], [2026, '劳动节', 5], [2026, '端午节', 3], [2026, '中秋节', 3], [2026, '国庆节', 7],
  ] as const)('%i %s: %i days off, as the notice says', (year, note, days) => {
    expect(CALENDAR_SEED.filter((d) => d.isOffDay && d.note === note && yearOf(d.date) === year)).toHaveLength(days);
  });

  it.each([
    // Weekdays printed in the notices (周X / 星期X): the data and the notice agree.
    ['2024-02-04', '日', false], ['2024-02-18', '日', false], ['2024-04-07', '日', false], ['2024-04-28', '日', false],
    ['2024-05-11', '六', false], ['2024-09-14', '六', false], ['2024-09-29', '日', false], ['2024-10-12', '六', false],
    ['2025-01-01', '三', true], ['2025-01-28', '二', true], ['2025-02-04', '二', true], ['2025-01-26', '日', false], ['2025-02-08', '六', false],
    ['2025-04-04', '五', true], ['2025-05-01', '四', true], ['2025-05-05', '一', true], ['2025-04-27', '日', false], ['2025-05-31', '六', true],
    ['2025-06-02', '一', true], ['2025-10-01', '三', true], ['2025-10-08', '三', true], ['2025-09-28', '日', false], ['2025-10-11', '六', false],
    ['2026-01-01', '四', true], ['2026-01-03', '六', true], ['2026-01-04', '日', false], ['2026-02-15', '日', true], ['2026-02-23', '一', true],
    ['2026-02-14', '六', false], ['2026-02-28', '六', false], ['2026-04-04', '六', true], ['2026-04-06', '一', true], ['2026-05-01', '五', true],
    ['2026-05-05', '二', true], ['2026-05-09', '六', false], ['2026-06-19', '五', true], ['2026-06-21', '日', true], ['2026-09-25', '五', true],
    ['2026-09-27', '日', true], ['2026-10-01', '四', true], ['2026-10-07', '三', true], ['2026-09-20', '日', false], ['2026-10-10', '六', false],
  ] as const)('%s is 周%s, isOffDay %s', (date, weekday, isOffDay) => {
    expect(isoWeekday(date)).toBe(WEEKDAY[weekday]);
    expect(row(date).isOffDay).toBe(isOffDay);
  });

  it('does not list 除夕 2024 (only encouraged as leave) as a holiday', () => {
    expect(CALENDAR_SEED.find((d) => d.date === '2024-02-09')).toBeUndefined();
  });
});
