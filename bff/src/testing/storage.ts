import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The storage modes every integration suite runs on: always the embedded default (SQLite file +
 * in-process KV); MariaDB/MySQL + Redis as well when MYSQL_URL and REDIS_URL are set (always in CI).
 */
export interface StorageMode {
  name: 'embedded' | 'mysql+redis';
  /** Environment for one isolated app: its own SQLite file or MySQL database, its own KV prefix. */
  prepare(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

const embedded: StorageMode = {
  name: 'embedded',
  async prepare() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-test-'));
    return {
      env: { DATA_DIR: dir },
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function mysqlAndRedis(mysqlUrl: string, redisUrl: string): StorageMode {
  return {
    name: 'mysql+redis',
    async prepare() {
      const { createConnection } = await import('mysql2/promise');
      const suffix = randomBytes(5).toString('hex');
      const database = `ov_test_${suffix}`;
      const admin = await createConnection({ uri: mysqlUrl });
      await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.end();
      const url = new URL(mysqlUrl);
      url.pathname = `/${database}`;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onevisit-test-'));
      return {
        env: { DATA_DIR: dir, MYSQL_URL: url.toString(), REDIS_URL: redisUrl, KV_PREFIX: `t${suffix}:` },
        cleanup: async () => {
          const conn = await createConnection({ uri: mysqlUrl });
          await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await conn.end();
          const { Redis } = await import('ioredis');
          const redis = new Redis(redisUrl);
          const keys = await redis.keys(`t${suffix}:*`);
          if (keys.length) await redis.del(...keys);
          await redis.quit();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

export function storageModes(): StorageMode[] {
  const { MYSQL_URL, REDIS_URL } = process.env;
  return MYSQL_URL && REDIS_URL ? [embedded, mysqlAndRedis(MYSQL_URL, REDIS_URL)] : [embedded];
}
