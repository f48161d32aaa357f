import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Kv, Lock, RateLimiterOptions, SetOptions } from './port';

/** Deletes the lock only if it still holds our token, so an expired lease is never released by its old holder. */
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** INCRBY that sets the expiry only when it created the key. */
const INCR_WITH_TTL = `local v = redis.call('incrby', KEYS[1], ARGV[1]) if v == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then redis.call('pexpire', KEYS[1], ARGV[2]) end return v`;

export class RedisKv implements Kv {
  readonly kind = 'redis' as const;
  readonly client: Redis;

  constructor(url: string, private readonly prefix: string) {
    // keyPrefix namespaces every command, including Lua KEYS.
    this.client = new Redis(url, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const { ttlMs, ifAbsent } = options;
    let result: string | null;
    if (ttlMs && ifAbsent) result = await this.client.set(key, value, 'PX', ttlMs, 'NX');
    else if (ttlMs) result = await this.client.set(key, value, 'PX', ttlMs);
    else if (ifAbsent) result = await this.client.set(key, value, 'NX');
    else result = await this.client.set(key, value);
    return result === 'OK';
  }

  async del(...keys: string[]): Promise<number> {
    return keys.length ? this.client.del(...keys) : 0;
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    return Number(await this.client.eval(INCR_WITH_TTL, 1, key, by, ttlMs ?? 0));
  }

  async ttlMs(key: string): Promise<number> {
    return this.client.pttl(key);
  }

  async acquireLock(key: string, ttlMs: number): Promise<Lock | null> {
    const token = randomUUID();
    if (!(await this.set(key, token, { ttlMs, ifAbsent: true }))) return null;
    return {
      release: async () => {
        await this.client.eval(RELEASE_LOCK, 1, key, token);
      },
    };
  }

  rateLimiter(options: RateLimiterOptions) {
    // The client already prefixes keys; the limiter's own prefix separates limiters.
    return new RateLimiterRedis({
      storeClient: this.client,
      keyPrefix: `rl:${options.name}`,
      points: options.points,
      duration: options.durationSeconds,
    });
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
