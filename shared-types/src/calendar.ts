import { z } from 'zod';
import { CALENDAR_SOURCES, CALENDAR_YEAR_MAX, CALENDAR_YEAR_MIN, isCalendarDate } from './calendar-labels';

export * from './calendar-labels';

// ---- the working-day calendar (/console/api/calendar): official holidays and make-up workdays ----

/** A calendar date `YYYY-MM-DD` (Asia/Shanghai), a real date in 2000–2100. */
export const CalendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD')
  .refine(isCalendarDate, 'date: not a real calendar date')
  .refine((d) => {
    const year = Number(d.slice(0, 4));
    return year >= CALENDAR_YEAR_MIN && year <= CALENDAR_YEAR_MAX;
  }, `date: year must be ${CALENDAR_YEAR_MIN}–${CALENDAR_YEAR_MAX}`);

export const CalendarYearSchema = z.coerce.number().int().min(CALENDAR_YEAR_MIN).max(CALENDAR_YEAR_MAX);
export const CalendarSourceSchema = z.enum(CALENDAR_SOURCES);

/**
 * One exception to Monday–Friday: an official holiday (`isOffDay: true`, weekend days inside a
 * holiday included so the console can show the whole break) or a make-up workday (调休上班, a
 * weekend day with `isOffDay: false`).
 */
export const CalendarDaySchema = z
  .object({
    date: z.string(),
    isOffDay: z.boolean(),
    /** e.g. 春节, 国庆节调休上班; may be empty. */
    note: z.string(),
    /** ISO weekday of the date: 1 Monday … 7 Sunday. */
    weekday: z.number().int().min(1).max(7),
    updatedAt: z.string(),
    /** Staff id of the last editor, or `seed` for the State Council schedules shipped with the platform. */
    updatedBy: z.string(),
  })
  .meta({ id: 'CalendarDay' });
export type CalendarDay = z.infer<typeof CalendarDaySchema>;

export const CalendarCoverageSchema = z
  .object({ year: z.number().int(), source: CalendarSourceSchema })
  .meta({ id: 'CalendarCoverage' });
export type CalendarCoverage = z.infer<typeof CalendarCoverageSchema>;

/** `year` defaults to the current year in Asia/Shanghai. */
export const CalendarYearQuerySchema = z.object({ year: CalendarYearSchema.optional() });
export const CalendarYearResponseSchema = z.object({ coverage: CalendarCoverageSchema, days: z.array(CalendarDaySchema) });
export type CalendarYearResponse = z.infer<typeof CalendarYearResponseSchema>;

export const CalendarDayParamsSchema = z.object({ date: CalendarDateSchema });
export const CalendarDayUpsertRequestSchema = z.object({
  isOffDay: z.boolean(),
  note: z.string().trim().max(40, 'note: at most 40 characters').default(''),
});
export type CalendarDayUpsertRequest = z.input<typeof CalendarDayUpsertRequestSchema>;
/** `changed: false` when the day already had these values (a retried PUT writes and audits nothing). */
export const CalendarDayUpsertResponseSchema = z.object({ day: CalendarDaySchema, changed: z.boolean(), coverage: CalendarCoverageSchema });
export type CalendarDayUpsertResponse = z.infer<typeof CalendarDayUpsertResponseSchema>;
/** `removed: false` when the day had no row (a retried DELETE changes nothing). */
export const CalendarDayDeleteResponseSchema = z.object({ date: z.string(), removed: z.boolean(), coverage: CalendarCoverageSchema });
export type CalendarDayDeleteResponse = z.infer<typeof CalendarDayDeleteResponseSchema>;
