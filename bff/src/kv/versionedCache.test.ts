import { MemoryKv } from './memory';
import { VersionedCache } from './versionedCache';

function setup(localEntries = 10) {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const kv = new MemoryKv(clock.now);
  const make = () => new VersionedCache(kv, { name: 't', ttlSeconds: 60, versionTrustMs: 1000, localEntries }, clock.now);
  return { kv, clock, make };
}

describe('VersionedCache', () => {
  it('produces once, then serves the same payload and ETag', async () => {
    const { make } = setup();
    const cache = make();
    const produce = jest.fn(async () => ({ a: 1 }));
    const first = await cache.get('k', produce);
    const second = await cache.get('k', produce);
    expect(produce).toHaveBeenCalledTimes(1);
    expect(second.json).toBe('{"a":1}');
    expect(second.etag).toBe(first.etag);
  });

  it('shares entries between processes through the KV', async () => {
    const { make } = setup();
    const produce = jest.fn(async () => ({ a: 1 }));
    await make().get('k', produce);
    const other = await make().get('k', produce);
    expect(produce).toHaveBeenCalledTimes(1);
    expect(other.json).toBe('{"a":1}');
  });

  it('a bump is seen at once here and within the trust window elsewhere', async () => {
    const { make, clock } = setup();
    const writer = make();
    const reader = make();
    let value = 1;
    const produce = async () => ({ value });
    await writer.get('k', produce);
    await reader.get('k', produce);
    value = 2;
    await writer.bump();
    expect((await writer.get('k', produce)).json).toBe('{"value":2}');
    expect((await reader.get('k', produce)).json).toBe('{"value":1}'); // still trusting its last read
    clock.advance(1001);
    expect((await reader.get('k', produce)).json).toBe('{"value":2}');
  });

  it('does not cache failures', async () => {
    const { make } = setup();
    const cache = make();
    await expect(cache.get('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await cache.get('k', async () => 'ok')).json).toBe('"ok"');
  });

  it('keeps at most localEntries payloads in process memory', async () => {
    const { make, kv } = setup(2);
    const cache = make();
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
    const spy = jest.spyOn(kv, 'get');
    await cache.get('c', async () => 'x');
    await cache.get('b', async () => 'x');
    expect(spy).toHaveBeenCalledTimes(0); // both still local
    await cache.get('a', async () => 'x');
    expect(spy).toHaveBeenCalledTimes(1); // evicted locally, found in the KV
  });
});
