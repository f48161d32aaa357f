import { createKv, type Kv } from '../../kv';
import { deadOrigin } from '../../sim/testServer';
import { storageModes } from '../../testing/storage';
import { WechatAccessToken, type WechatAccessTokenOptions } from './accessToken';
import { startWechatHarness, type WechatHarness } from './testSupport';

const MINUTE = 60_000;

/** The KV with a log of the calls made on it. */
function counted(kv: Kv): { kv: Kv; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  return { kv: proxy, calls };
}

describe.each(storageModes().map((m) => [m.name, m] as const))('WeChat access token shared through the KV on %s', (_name, mode) => {
  /** Two processes' connections to one KV (the same instance when it is in-process). */
  let kvs: [Kv, Kv];
  let cleanup: () => Promise<void>;
  let h: WechatHarness;
  let clock = Date.now();

  beforeAll(async () => {
    const prepared = await mode.prepare();
    cleanup = prepared.cleanup;
    const { REDIS_URL, KV_PREFIX = '' } = prepared.env;
    const open = () => createKv({ kv: REDIS_URL ? { kind: 'redis', url: REDIS_URL } : { kind: 'memory' }, kvPrefix: KV_PREFIX });
    const first = await open();
    kvs = [first, REDIS_URL ? await open() : first];
  });
  afterAll(async () => {
    await Promise.all([...new Set(kvs)].map((kv) => kv.close()));
    await cleanup();
  });
  beforeEach(async () => {
    h = await startWechatHarness(); // a fresh app id, so a fresh KV key
    clock = Date.now();
  });
  afterEach(() => h.close());

  const key = () => `wechat:token:${h.credentials.appId}`;
  const provider = (kv: Kv, over: Partial<WechatAccessTokenOptions> = {}) =>
    new WechatAccessToken({ baseUrl: () => h.baseUrl, ...h.credentials, kv, now: () => clock, ...over });
  /** Both clocks move: WeChat's and the processes'. */
  const advance = (ms: number) => {
    clock += ms;
    h.advance(ms);
  };

  it('two processes asking concurrently fetch the token once between them; a third one reads it from the KV', async () => {
    const [a, b] = [provider(kvs[0]), provider(kvs[1])];
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).get()));
    expect(new Set(tokens).size).toBe(1);
    expect(h.sim.tokensIssued()).toBe(1);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 1, forced: 0 });
    expect(await provider(kvs[1]).get()).toBe(tokens[0]);
    expect(h.sim.stableTokenCalls().normal).toBe(1);
  });

  it('answers from memory without a KV call once it holds a token', async () => {
    const { kv, calls } = counted(kvs[0]);
    const a = provider(kv);
    const token = await a.get();
    const before = calls.length;
    for (let i = 0; i < 10; i++) expect(await a.get()).toBe(token);
    expect(calls.length).toBe(before);
  });

  it('refreshes 5 minutes before expiry, when WeChat renews it; the other process then reads the new one', async () => {
    const [a, b] = [provider(kvs[0]), provider(kvs[1])];
    const first = await a.get();
    expect(await b.get()).toBe(first);
    advance(115 * MINUTE - 1000); // just before the margin: still held
    expect(await a.get()).toBe(first);
    advance(2000);
    const renewed = await a.get();
    expect(renewed).not.toBe(first);
    expect(await b.get()).toBe(renewed);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 0 });
  });

  it('drops a refused token from the KV; the other process, refused too, takes the new one without a fetch', async () => {
    const [a, b] = [provider(kvs[0]), provider(kvs[1])];
    const first = await a.get();
    expect(await b.get()).toBe(first);
    h.sim.expireAccessTokens();
    await a.invalidate(first);
    expect(await kvs[1].get(key())).toBeNull();
    const second = await a.get();
    expect(second).not.toBe(first);
    expect(await h.tokenErrcode(second)).toBe(84001);
    // b answers from memory until WeChat refuses its copy to b as well.
    expect(await b.get()).toBe(first);
    await b.invalidate(first);
    expect(await b.get()).toBe(second);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 0 });
  });

  it('a late invalidate of a token already replaced drops nothing', async () => {
    const [a, b] = [provider(kvs[0]), provider(kvs[1])];
    const first = await a.get();
    h.sim.expireAccessTokens();
    await a.invalidate(first);
    const second = await a.get();
    await b.invalidate(first);
    await a.invalidate(first);
    expect(JSON.parse((await kvs[0].get(key()))!)).toMatchObject({ token: second });
    expect([await a.get(), await b.get()]).toEqual([second, second]);
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 0 });
  });

  it('forces a refresh only when WeChat refuses a token that normal mode still hands out', async () => {
    const [a, b] = [provider(kvs[0]), provider(kvs[1])];
    const first = await a.get();
    expect(await b.get()).toBe(first);
    h.sim.revokeStableToken();
    const call = (p: WechatAccessToken) => p.call(async (token) => ({ errcode: await h.tokenErrcode(token) }));
    expect(await call(a)).toEqual({ errcode: 84001 });
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 1 });
    expect(await call(b)).toEqual({ errcode: 84001 });
    expect(h.sim.stableTokenCalls()).toEqual({ normal: 2, forced: 1 });
    expect(await b.get()).not.toBe(first);
  });

  it('waits for a lock holder that never shares only so long, then fetches by itself', async () => {
    const stuck = await kvs[1].acquireLock(`${key()}:lock`, 10_000);
    try {
      const started = Date.now();
      await provider(kvs[0], { lockWaitMs: 300 }).get();
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(h.sim.stableTokenCalls().normal).toBe(1);
    } finally {
      await stuck?.release();
    }
  });

  it('fetches by itself when the KV fails', async () => {
    const broken = new Proxy(kvs[0], { get: (target, prop) => (prop === 'kind' ? target.kind : () => Promise.reject(new Error('kv down'))) });
    const a = provider(broken);
    expect(await a.get()).toBe(await provider(kvs[0]).get());
    await a.invalidate('whatever');
  });

  it('raises what the clients raised: WeChat refusing (bad secret), down, failing or answering garbage; the lock is not kept', async () => {
    await expect(provider(kvs[0], { appSecret: 'x'.repeat(16) }).get()).rejects.toMatchObject({ system: 'wechat', kind: 'rejected', upstreamCode: '40125' });
    const dead = await deadOrigin();
    await expect(provider(kvs[0], { baseUrl: () => dead }).get()).rejects.toMatchObject({ system: 'wechat', kind: 'unavailable' });
    h.faults.set('wechat', { status: 502 });
    await expect(provider(kvs[0]).get()).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
    h.faults.set('wechat', { status: 200, body: '{"errcode":-1,"errmsg":"system error"}', contentType: 'application/json' });
    await expect(provider(kvs[0]).get()).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: '-1' });
    h.faults.set('wechat', { status: 200, body: '{"errcode":0}', contentType: 'application/json' });
    await expect(provider(kvs[0]).get()).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    h.faults.clear();
    expect(await kvs[0].get(key())).toBeNull();
    const started = Date.now();
    await provider(kvs[1]).get();
    expect(Date.now() - started).toBeLessThan(1000); // no lock left behind to wait on
  });
});
