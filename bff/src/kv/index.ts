import type { Config } from '../config';
import { MemoryKv } from './memory';
import { RedisKv } from './redis';
import type { Kv } from './port';

export type { Kv, Lock, SetOptions, RateLimiterOptions } from './port';

export async function createKv(config: Pick<Config, 'kv' | 'kvPrefix'>): Promise<Kv> {
  if (config.kv.kind === 'memory') return new MemoryKv();
  const kv = new RedisKv(config.kv.url, config.kvPrefix);
  await kv.connect();
  return kv;
}
