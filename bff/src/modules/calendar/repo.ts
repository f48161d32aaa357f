import type { Kysely } from 'kysely';
import type { Tables } from '../../db';
import { fromDbTime, toDbTime, type DialectName } from '../../db/sql';
import { yearBounds } from './dates';

/** `calendar_days`: one row per exception to Monday–Friday (migration `0003_calendar`). */
export interface CalendarDaysTable {
  /** `YYYY-MM-DD`, Asia/Shanghai calendar date; primary key. */
  date: string;
  /** 1 holiday, 0 make-up workday. */
  is_off_day: number;
  note: string;
  updated_at: string;
  /** Staff id of the last editor, or `seed`. */
  updated_by: string;
}

declare module '../../db/schema' {
  interface Tables {
    calendar_days: CalendarDaysTable;
  }
}

export interface CalendarDayRow {
  date: string;
  isOffDay: boolean;
  note: string;
  /** ISO 8601 UTC. */
  updatedAt: string;
  updatedBy: string;
}

const COLUMNS = ['date', 'is_off_day', 'note', 'updated_at', 'updated_by'] as const;

function fromRow(row: Pick<CalendarDaysTable, (typeof COLUMNS)[number]>): CalendarDayRow {
  return { date: row.date, isOffDay: Number(row.is_off_day) === 1, note: row.note, updatedAt: fromDbTime(row.updated_at), updatedBy: row.updated_by };
}

/** SQL of the working-day calendar. */
export class CalendarRepo {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  /** A year's rows in date order (a range scan on the primary key). */
  async listYear(year: number): Promise<CalendarDayRow[]> {
    const { first, last } = yearBounds(year);
    const rows = await this.db.selectFrom('calendar_days').select(COLUMNS).where('date', '>=', first).where('date', '<=', last).orderBy('date').execute();
    return rows.map(fromRow);
  }

  async countYear(year: number): Promise<number> {
    const { first, last } = yearBounds(year);
    const row = await this.db
      .selectFrom('calendar_days')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('date', '>=', first)
      .where('date', '<=', last)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async get(date: string): Promise<CalendarDayRow | null> {
    const row = await this.db.selectFrom('calendar_days').select(COLUMNS).where('date', '=', date).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Insert or replace one day (idempotent on the date). */
  async upsert(day: { date: string; isOffDay: boolean; note: string }, by: string, now = new Date()): Promise<void> {
    const columns = { is_off_day: day.isOffDay ? 1 : 0, note: day.note, updated_at: toDbTime(now), updated_by: by };
    const insert = this.db.insertInto('calendar_days').values({ date: day.date, ...columns });
    await (this.dialect === 'mysql' ? insert.onDuplicateKeyUpdate(columns) : insert.onConflict((oc) => oc.column('date').doUpdateSet(columns))).execute();
  }

  /** Inserts days that have no row yet; existing rows are left alone (safe when processes seed at once). */
  async insertMissing(days: readonly { date: string; isOffDay: boolean; note: string }[], by: string, now = new Date()): Promise<void> {
    if (!days.length) return;
    const updatedAt = toDbTime(now);
    const rows = days.map((d) => ({ date: d.date, is_off_day: d.isOffDay ? 1 : 0, note: d.note, updated_at: updatedAt, updated_by: by }));
    const insert = this.db.insertInto('calendar_days').values(rows);
    await (this.dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('date').doNothing())).execute();
  }

  /** True when a row was deleted. */
  async delete(date: string): Promise<boolean> {
    const result = await this.db.deleteFrom('calendar_days').where('date', '=', date).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
