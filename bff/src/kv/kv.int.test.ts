import { randomBytes } from 'node:crypto';
import { MemoryKv } from './memory';
import { RedisKv } from './redis';
import type { Kv } from './port';

/** One contract, both implementations: the in-process KV must behave like Redis. */
const implementations: [string, () => Promise<Kv>][] = [['memory', async () => new MemoryKv()]];
if (process.env.REDIS_URL) {
  implementations.push([
    'redis',
    async () => {
      const kv = new RedisKv(process.env.REDIS_URL!, `t${randomBytes(4).toString('hex')}:`);
      await kv.connect();
      return kv;
    },
  ]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(implementations)('KV contract on %s', (_name, make) => {
  let kv: Kv;
  beforeEach(async () => {
    kv = await make();
  });
  afterEach(async () => {
    await kv.del('a', 'n', 'lock', 'ttl', 'nx');
    await kv.close();
  });

  it('gets what was set and nothing after delete', async () => {
    expect(await kv.get('a')).toBeNull();
    expect(await kv.set('a', '值')).toBe(true);
    expect(await kv.get('a')).toBe('值');
    expect(await kv.del('a')).toBe(1);
    expect(await kv.get('a')).toBeNull();
    expect(await kv.del('a')).toBe(0);
  });

  it('set-if-absent refuses an existing key and keeps the first value', async () => {
    expect(await kv.set('nx', 'first', { ifAbsent: true })).toBe(true);
    expect(await kv.set('nx', 'second', { ifAbsent: true })).toBe(false);
    expect(await kv.get('nx')).toBe('first');
  });

  it('expires keys after their ttl', async () => {
    await kv.set('ttl', 'x', { ttlMs: 80 });
    const left = await kv.ttlMs('ttl');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(80);
    await sleep(150);
    expect(await kv.get('ttl')).toBeNull();
    expect(await kv.ttlMs('ttl')).toBe(-2);
  });

  it('counts atomically and sets the ttl only on creation', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => kv.incr('n', 1, 10_000)));
    expect(new Set(results).size).toBe(50);
    expect(Math.max(...results)).toBe(50);
    expect(await kv.incr('n', 5)).toBe(55);
    expect(await kv.ttlMs('n')).toBeGreaterThan(9_000);
  });

  it('grants a lock to one holder at a time; only the holder releases it', async () => {
    const first = await kv.acquireLock('lock', 5_000);
    expect(first).not.toBeNull();
    expect(await kv.acquireLock('lock', 5_000)).toBeNull();
    await first!.release();
    const second = await kv.acquireLock('lock', 5_000);
    expect(second).not.toBeNull();
    await first!.release(); // a stale holder must not free someone else's lease
    expect(await kv.acquireLock('lock', 5_000)).toBeNull();
    await second!.release();
  });

  it('rate-limits on its own store', async () => {
    const limiter = kv.rateLimiter({ name: `test-${randomBytes(3).toString('hex')}`, points: 3, durationSeconds: 60 });
    for (let i = 0; i < 3; i++) await limiter.consume('1.2.3.4');
    await expect(limiter.consume('1.2.3.4')).rejects.toHaveProperty('msBeforeNext');
    await expect(limiter.consume('5.6.7.8')).resolves.toHaveProperty('remainingPoints', 2);
  });
});
