import {
  isCalendarDate,
  type CalendarCoverage,
  type CalendarDay,
  type CalendarDayDeleteResponse,
  type CalendarDayUpsertResponse,
  type CalendarYearResponse,
  type DeadlineStatus,
} from '@onevisit/shared-types';
import { AppError } from '../../http/errors';
import type { Kv } from '../../kv';
import type { AuditService } from '../audit/service';
import { isoWeekday, shanghaiDate, shanghaiYear, yearOf } from './dates';
import { computeDeadline, deadlineStatus, isWorkingDayWith, type Deadline, type DeadlineInput, type WorkingDayCalendar } from './deadline';
import type { CalendarDayRow, CalendarRepo } from './repo';
import type { CalendarSeedDay } from './seed';

/** The admin making a change. */
export interface CalendarEditor {
  staffId: string;
  displayName: string;
}

export interface CalendarRequestMeta {
  requestId: string;
  ip?: string;
}

export interface CalendarServiceOptions {
  /**
   * Shared KV for cross-process invalidation: a write here bumps `calendar:version`, and every
   * process drops its cached years when it sees a new version. Without it the cache is per process.
   */
  kv?: Kv;
  /** How long (ms) a process trusts its last read of the version; default 5000. */
  versionTrustMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** The deadline, plus the years whose calendar was consulted but fell back to Monday–Friday. */
export interface DeadlineResult extends Deadline {
  fallbackYears: number[];
}

interface YearData {
  year: number;
  rows: CalendarDayRow[];
  /** date → isOffDay */
  exceptions: Map<string, boolean>;
}

class YearNotLoaded extends Error {
  constructor(readonly year: number) {
    super(`calendar year ${year} not loaded`);
  }
}

const VERSION_KEY = 'calendar:version';
const SEED_EDITOR = 'seed';

function toDay(row: CalendarDayRow): CalendarDay {
  return { ...row, weekday: isoWeekday(row.date) };
}

function checkDate(date: string): void {
  if (!isCalendarDate(date)) throw new AppError('VALIDATION_FAILED', `not a calendar date YYYY-MM-DD: ${date}`, { issues: [{ field: 'date', message: 'not a real calendar date' }] });
}

/**
 * The working-day calendar: which dates are working days in Asia/Shanghai (official holidays and
 * make-up workdays over Monday–Friday), and the deadlines and status lights of the SLA clock (rules
 * in deadline.ts). A year's exceptions are loaded once and kept in memory — calendars change a few
 * times a year — and dropped on every write (here at once, elsewhere through the KV version).
 */
export class CalendarService {
  private readonly years = new Map<number, Promise<YearData>>();
  private version: { value: string; until: number } | null = null;
  private readonly now: () => Date;

  constructor(
    private readonly repo: CalendarRepo,
    private readonly audit: AuditService,
    private readonly options: CalendarServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  // ---- cache ----

  /** Drops cached years if another process has written since we last looked. */
  private async syncVersion(): Promise<void> {
    const { kv } = this.options;
    if (!kv) return;
    const now = Date.now();
    if (this.version && this.version.until > now) return;
    let value = await kv.get(VERSION_KEY);
    if (!value) {
      // Starts from the clock, so a version key lost from the KV never brings back an old number.
      await kv.set(VERSION_KEY, String(now), { ifAbsent: true });
      value = (await kv.get(VERSION_KEY)) ?? '0';
    }
    this.trust(value);
  }

  private trust(value: string): void {
    if (this.version?.value !== value) this.years.clear();
    this.version = { value, until: Date.now() + (this.options.versionTrustMs ?? 5000) };
  }

  private async invalidate(): Promise<void> {
    this.years.clear();
    const { kv } = this.options;
    if (!kv) return;
    await this.syncVersion();
    this.trust(String(await kv.incr(VERSION_KEY)));
  }

  private loadYear(year: number): Promise<YearData> {
    let loading = this.years.get(year);
    if (!loading) {
      const promise = this.repo.listYear(year).then((rows) => ({ year, rows, exceptions: new Map(rows.map((r) => [r.date, r.isOffDay])) }));
      // A failed load is not cached; a load overtaken by a write is dropped with the map entry.
      promise.catch(() => {
        if (this.years.get(year) === promise) this.years.delete(year);
      });
      this.years.set(year, promise);
      loading = promise;
    }
    return loading;
  }

  private async year(year: number): Promise<YearData> {
    await this.syncVersion();
    return this.loadYear(year);
  }

  /**
   * Runs a pure computation over a consistent snapshot of the calendar, loading each year it asks
   * for (a deadline may run into next year) and running it again; years are cached, so this is
   * one pass once warm.
   */
  private async withCalendar<T>(compute: (calendar: WorkingDayCalendar) => T, prefetch: number[] = []): Promise<{ result: T; years: YearData[] }> {
    await this.syncVersion();
    const loaded = new Map<number, YearData>();
    for (const y of prefetch) loaded.set(y, await this.loadYear(y));
    const calendar: WorkingDayCalendar = {
      isWorkingDay: (date) => {
        const data = loaded.get(yearOf(date));
        if (!data) throw new YearNotLoaded(yearOf(date));
        return isWorkingDayWith(data.exceptions, date);
      },
    };
    for (let attempt = 0; attempt < 32; attempt++) {
      try {
        return { result: compute(calendar), years: [...loaded.values()] };
      } catch (err) {
        if (!(err instanceof YearNotLoaded)) throw err;
        loaded.set(err.year, await this.loadYear(err.year));
      }
    }
    throw new Error('the computation needs more than 32 calendar years');
  }

  // ---- reads ----

  /** Is this Asia/Shanghai date (`YYYY-MM-DD`) a working day? */
  async isWorkingDay(date: string): Promise<boolean> {
    checkDate(date);
    return isWorkingDayWith((await this.year(yearOf(date))).exceptions, date);
  }

  /** Whether the year has any rows; a year without falls back to Monday–Friday. */
  async hasDataFor(year: number): Promise<boolean> {
    return (await this.year(year)).rows.length > 0;
  }

  async coverage(year: number): Promise<CalendarCoverage> {
    return { year, source: (await this.hasDataFor(year)) ? 'official' : 'weekday-fallback' };
  }

  /** The year's exceptions to Monday–Friday, and where its working days come from. */
  async listYear(year: number = shanghaiYear(this.now())): Promise<CalendarYearResponse> {
    const data = await this.year(year);
    return { coverage: { year, source: data.rows.length ? 'official' : 'weekday-fallback' }, days: data.rows.map(toDay) };
  }

  /** The deadline of a case (rules in deadline.ts); an open pause is taken to end now. */
  async deadlineFor(input: DeadlineInput): Promise<DeadlineResult> {
    const withNow = { ...input, now: input.now ?? this.now() };
    const prefetch = input.limitWorkingDays === undefined ? [] : [shanghaiYear(input.startedAt)];
    const { result, years } = await this.withCalendar((calendar) => computeDeadline(withNow, calendar), prefetch);
    return { ...result, fallbackYears: years.filter((y) => !y.rows.length).map((y) => y.year).sort((a, b) => a - b) };
  }

  /** green / yellow (one working day or less left) / red (overdue), per deadline.ts. */
  async deadlineStatus(dueAt: Date, now: Date = this.now()): Promise<DeadlineStatus> {
    const { result } = await this.withCalendar((calendar) => deadlineStatus(dueAt, now, calendar), [yearOf(shanghaiDate(dueAt))]);
    return result;
  }

  // ---- writes (admins) ----

  /**
   * Sets one day (idempotent upsert). A retry with the same values writes nothing and records
   * nothing; a real change is audited as `calendar.update` with the values before and after.
   */
  async setDay(date: string, input: { isOffDay: boolean; note?: string }, by: CalendarEditor, meta: CalendarRequestMeta): Promise<CalendarDayUpsertResponse> {
    checkDate(date);
    const note = (input.note ?? '').trim();
    const before = await this.repo.get(date);
    if (before && before.isOffDay === input.isOffDay && before.note === note) {
      return { day: toDay(before), changed: false, coverage: await this.coverage(yearOf(date)) };
    }
    await this.repo.upsert({ date, isOffDay: input.isOffDay, note }, by.staffId, this.now());
    await this.invalidate();
    await this.audit.record({
      actor: { type: 'staff', id: by.staffId, name: by.displayName },
      action: 'calendar.update',
      subject: { type: 'calendar_day', id: date },
      ...meta,
      details: { op: 'set', before: before ? { isOffDay: before.isOffDay, note: before.note } : null, after: { isOffDay: input.isOffDay, note } },
    });
    const after = await this.repo.get(date);
    return { day: toDay(after!), changed: true, coverage: await this.coverage(yearOf(date)) };
  }

  /** Removes a day's row: the date is back to Monday–Friday. Deleting a day without a row changes nothing. */
  async removeDay(date: string, by: CalendarEditor, meta: CalendarRequestMeta): Promise<CalendarDayDeleteResponse> {
    checkDate(date);
    const before = await this.repo.get(date);
    const removed = before ? await this.repo.delete(date) : false;
    if (removed) {
      await this.invalidate();
      await this.audit.record({
        actor: { type: 'staff', id: by.staffId, name: by.displayName },
        action: 'calendar.update',
        subject: { type: 'calendar_day', id: date },
        ...meta,
        details: { op: 'delete', before: { isOffDay: before!.isOffDay, note: before!.note }, after: null },
      });
    }
    return { date, removed, coverage: await this.coverage(yearOf(date)) };
  }

  /**
   * Seeds the shipped schedules at start-up: each year of `days` whose calendar is still empty
   * gets that year's rows (so a release adding next year's schedule reaches running deployments;
   * a year an admin has started editing is never touched). Returns the years seeded.
   */
  async seedIfEmpty(days: readonly CalendarSeedDay[]): Promise<number[]> {
    const byYear = new Map<number, CalendarSeedDay[]>();
    for (const d of days) {
      if (!isCalendarDate(d.date)) throw new Error(`calendar seed: bad date ${d.date}`);
      const list = byYear.get(yearOf(d.date)) ?? [];
      list.push(d);
      byYear.set(yearOf(d.date), list);
    }
    const seeded: number[] = [];
    for (const [year, list] of [...byYear].sort(([a], [b]) => a - b)) {
      if ((await this.repo.countYear(year)) > 0) continue;
      await this.repo.insertMissing(list, SEED_EDITOR, this.now());
      seeded.push(year);
    }
    if (seeded.length) await this.invalidate();
    return seeded;
  }
}
