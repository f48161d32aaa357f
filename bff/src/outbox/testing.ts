import { Writable } from 'node:stream';
import { loadConfig } from '../config';
import { createDatabase, type Database } from '../db';
import { createLogger, type Logger } from '../logger';
import type { StorageMode } from '../testing/storage';

/** Test helpers of the outbox suites (not used by production code). */

export interface TestDatabase {
  database: Database;
  /** Another pool on the same database (MySQL), as a second process would have; the same instance on SQLite. */
  second(): Promise<Database>;
  close(): Promise<void>;
}

export async function openTestDatabase(mode: StorageMode): Promise<TestDatabase> {
  const storage = await mode.prepare();
  const config = loadConfig({ NODE_ENV: 'test', ...storage.env });
  const database = await createDatabase(config.db);
  const extra: Database[] = [];
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    await storage.cleanup();
    throw err;
  }
  return {
    database,
    async second() {
      if (database.dialect === 'sqlite') return database;
      const other = await createDatabase(config.db);
      extra.push(other);
      return other;
    },
    async close() {
      await Promise.allSettled(extra.map((d) => d.close()));
      await database.close();
      await storage.cleanup();
    },
  };
}

/** A pino logger whose lines are kept, parsed, in `lines`. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

/** A settable clock. */
export function testClock(start = Date.now() + 1_000) {
  let t = start;
  return {
    now: () => new Date(t),
    set: (at: Date | number) => {
      t = typeof at === 'number' ? at : at.getTime();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A random source that replays `values` in a cycle. */
export function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
