import { sql, type Kysely } from 'kysely';
import type { Tables } from '../../db';
import type { DialectName } from '../../db/sql';
import { shanghaiDate } from '../calendar/dates';

export interface CaseSequencesTable {
  scope: string;
  day: string;
  seq: number;
}

declare module '../../db/schema' {
  interface Tables {
    case_sequences: CaseSequencesTable;
  }
}

/**
 * Case numbers (办件编号): the item's implementation code + the Shanghai date `yyyyMMdd` + a daily
 * sequence of at least 4 digits (it grows to 5 past 9,999 cases of one item in one day rather
 * than failing — the busiest items of a 1-million-a-day province can pass that).
 *
 * The sequence is one atomic statement per number on both dialects, so concurrent submissions on
 * any number of BFF processes never share a number: MySQL `INSERT … ON DUPLICATE KEY UPDATE
 * seq = LAST_INSERT_ID(seq + 1)` reads its own increment back through the insert id; SQLite
 * (one writer) `INSERT … ON CONFLICT DO UPDATE … RETURNING seq`.
 */
export class CaseNumbers {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  async next(itemCode: string, at: Date = new Date()): Promise<string> {
    const day = shanghaiDate(at).replaceAll('-', '');
    const seq = this.dialect === 'mysql' ? await this.nextMysql(itemCode, day) : await this.nextSqlite(itemCode, day);
    return `${itemCode}${day}${String(seq).padStart(4, '0')}`;
  }

  private async nextMysql(scope: string, day: string): Promise<number> {
    const result = await sql`insert into case_sequences (scope, day, seq) values (${scope}, ${day}, last_insert_id(1))
      on duplicate key update seq = last_insert_id(seq + 1)`.execute(this.db);
    const id = Number(result.insertId);
    if (!Number.isInteger(id) || id < 1) throw new Error('case sequence: no insert id from MySQL');
    return id;
  }

  private async nextSqlite(scope: string, day: string): Promise<number> {
    const row = await this.db
      .insertInto('case_sequences')
      .values({ scope, day, seq: 1 })
      .onConflict((oc) => oc.columns(['scope', 'day']).doUpdateSet({ seq: sql`seq + 1` }))
      .returning('seq')
      .executeTakeFirstOrThrow();
    return row.seq;
  }
}
