import { addDays } from './dates';

/** One exception to Monday–Friday, as the State Council published it. */
export interface CalendarSeedDay {
  date: string;
  isOffDay: boolean;
  note: string;
}

/** Every date from `first` to `last` (inclusive) off, weekend days inside the break included. */
function holiday(note: string, first: string, last: string): CalendarSeedDay[] {
  const days: CalendarSeedDay[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push({ date: d, isOffDay: true, note });
  return days;
}

/** Weekend days worked in exchange for the break (调休上班). */
function makeUp(holidayName: string, ...dates: string[]): CalendarSeedDay[] {
  return dates.map((date) => ({ date, isOffDay: false, note: `${holidayName}调休上班` }));
}

/**
 * 2024 — 国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023年10月25日）.
 * (除夕 2月9日 is only "encouraged" as paid leave, not an official holiday: not listed.)
 */
const Y2024: CalendarSeedDay[] = [
  ...holiday('元旦', '2024-01-01', '2024-01-01'),
  ...holiday('春节', '2024-02-10', '2024-02-17'),
  ...makeUp('春节', '2024-02-04', '2024-02-18'),
  ...holiday('清明节', '2024-04-04', '2024-04-06'),
  ...makeUp('清明节', '2024-04-07'),
  ...holiday('劳动节', '2024-05-01', '2024-05-05'),
  ...makeUp('劳动节', '2024-04-28', '2024-05-11'),
  ...holiday('端午节', '2024-06-10', '2024-06-10'),
  ...holiday('中秋节', '2024-09-15', '2024-09-17'),
  ...makeUp('中秋节', '2024-09-14'),
  ...holiday('国庆节', '2024-10-01', '2024-10-07'),
  ...makeUp('国庆节', '2024-09-29', '2024-10-12'),
];

/**
 * 2025 — 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）, the
 * first year under the November 2024 revision of 《全国年节及纪念日放假办法》 (春节 and 劳动节 one
 * more day each; 春节 from 除夕).
 */
const Y2025: CalendarSeedDay[] = [
  ...holiday('元旦', '2025-01-01', '2025-01-01'),
  ...holiday('春节', '2025-01-28', '2025-02-04'),
  ...makeUp('春节', '2025-01-26', '2025-02-08'),
  ...holiday('清明节', '2025-04-04', '2025-04-06'),
  ...holiday('劳动节', '2025-05-01', '2025-05-05'),
  ...makeUp('劳动节', '2025-04-27'),
  ...holiday('端午节', '2025-05-31', '2025-06-02'),
  ...holiday('国庆节、中秋节', '2025-10-01', '2025-10-08'),
  ...makeUp('国庆节、中秋节', '2025-09-28', '2025-10-11'),
];

/**
 * 2026 — 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日, published by Xinhua; its
 * 国办发明电 number is not recorded here because we could not confirm it). 春节 9 days.
 */
const Y2026: CalendarSeedDay[] = [
  ...holiday('元旦', '2026-01-01', '2026-01-03'),
  ...makeUp('元旦', '2026-01-04'),
  ...holiday('春节', '2026-02-15', '2026-02-23'),
  ...makeUp('春节', '2026-02-14', '2026-02-28'),
  ...holiday('清明节', '2026-04-04', '2026-04-06'),
  ...holiday('劳动节', '2026-05-01', '2026-05-05'),
  ...makeUp('劳动节', '2026-05-09'),
  ...holiday('端午节', '2026-06-19', '2026-06-21'),
  ...holiday('中秋节', '2026-09-25', '2026-09-27'),
  ...holiday('国庆节', '2026-10-01', '2026-10-07'),
  ...makeUp('国庆节', '2026-09-20', '2026-10-10'),
];

/**
 * The official schedules shipped with the platform, seeded per year into an empty calendar at
 * start-up. 2027 is deliberately absent: its schedule is published around November 2026, and until
 * an admin enters it (console → 工作日历) 2027 falls back to Monday–Friday and the calendar says so.
 * Only exceptions to Monday–Friday are listed (plus the weekend days inside each break, so the
 * console shows whole breaks).
 */
export const CALENDAR_SEED: readonly CalendarSeedDay[] = [...Y2024, ...Y2025, ...Y2026];
