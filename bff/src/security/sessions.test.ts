import { MemoryKv } from '../kv/memory';
import { SessionStore } from './sessions';

function setup() {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const kv = new MemoryKv(clock.now);
  const store = new SessionStore<{ platform: string }>(kv, { name: 't', idleMs: 10 * 60_000, refreshMs: 24 * 3600_000 }, clock.now);
  return { kv, clock, store };
}

describe('SessionStore', () => {
  it('resolves a live token, slides its expiry with use, and ends it after idling', async () => {
    const { store, clock } = setup();
    const { token } = await store.create('u1', { platform: 'h5' });
    expect((await store.resolve(token))?.subjectId).toBe('u1');
    clock.advance(9 * 60_000);
    expect(await store.resolve(token)).not.toBeNull(); // used: extended by another 10 minutes
    clock.advance(9 * 60_000);
    expect(await store.resolve(token)).not.toBeNull();
    clock.advance(11 * 60_000);
    expect(await store.resolve(token)).toBeNull();
    expect(await store.resolve('not-a-token')).toBeNull();
  });

  it('refresh works once, rotates both tokens, and survives an idled-out session', async () => {
    const { store, clock } = setup();
    const first = await store.create('u1', { platform: 'h5' });
    clock.advance(11 * 60_000);
    expect(await store.resolve(first.token)).toBeNull();
    const second = await store.refresh(first.refreshToken!);
    expect(second?.session.data).toEqual({ platform: 'h5' });
    expect(await store.resolve(second!.token)).not.toBeNull();
    expect(await store.refresh(first.refreshToken!)).toBeNull();
    const third = await store.refresh(second!.refreshToken!);
    expect(await store.resolve(second!.token)).toBeNull(); // the refreshed-away session ended
    expect(await store.resolve(third!.token)).not.toBeNull();
  });

  it('logout revokes the session and its refresh token; revokeAll ends every session of a subject', async () => {
    const { store } = setup();
    const a = await store.create('u1', { platform: 'h5' });
    await store.revoke(a.token);
    expect(await store.resolve(a.token)).toBeNull();
    expect(await store.refresh(a.refreshToken!)).toBeNull();
    const b = await store.create('u1', { platform: 'wechat' });
    const c = await store.create('u1', { platform: 'alipay' });
    const other = await store.create('u2', { platform: 'h5' });
    await store.revokeAll('u1');
    expect(await store.resolve(b.token)).toBeNull();
    expect(await store.refresh(c.refreshToken!)).toBeNull();
    expect(await store.resolve(other.token)).not.toBeNull();
    const d = await store.create('u1', { platform: 'h5' });
    expect(await store.resolve(d.token)).not.toBeNull();
  });

  it('stores only hashes of tokens', async () => {
    const { store, kv } = setup();
    const { token, refreshToken } = await store.create('u1', { platform: 'h5' });
    const dump = JSON.stringify([...(kv as unknown as { entries: Map<string, unknown> }).entries]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(refreshToken!);
  });
});
