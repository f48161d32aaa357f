import { randomBytes } from 'node:crypto';

/** Dialect-neutral helpers the repos use to hide SQLite/MySQL differences. */

export type DialectName = 'sqlite' | 'mysql';

/** The storage format of timestamps on both dialects: UTC, millisecond precision, sortable as text. */
export function toDbTime(date: Date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromDbTime(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return `${value.replace(' ', 'T')}${value.includes('.') ? '' : '.000'}Z`;
}

/** Column types per dialect, used by migrations. */
export function columnTypes(dialect: DialectName) {
  return dialect === 'mysql'
    ? { timestamp: 'datetime(3)', json: 'mediumtext', bool: 'tinyint', code: 'varchar(64)', name: 'varchar(200)' }
    : { timestamp: 'text', json: 'text', bool: 'integer', code: 'text', name: 'text' };
}

/** Sortable, unguessable ids: a prefix, the time in base 36 (so ids sort by creation), 10 random bytes. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(10).toString('base64url')}`;
}

/** A UTC string `YYYY-MM-DD HH:MM:SS.mmm` some milliseconds from now, for deadline columns. */
export function dbTimeIn(ms: number, now: Date = new Date()): string {
  return toDbTime(new Date(now.getTime() + ms));
}
