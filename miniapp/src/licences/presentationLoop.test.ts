import type { Presentation } from '@onevisit/shared-types/client';
import { ApiError, NetworkError } from '../api/errors';
import { PresentationLoop, type LoopState } from './presentationLoop';
import { AUTO_REFRESH_WINDOW_MS, REFRESH_LEAD_MS } from './schedule';

/** A fake clock with timers, and a fetch the test answers by hand. */
function harness(opts: { windowMs?: number } = {}) {
  let now = Date.parse('2026-03-01T02:00:00Z');
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const pending: { resolve: (p: Presentation) => void; reject: (e: unknown) => void; sentAt: number }[] = [];
  const states: LoopState[] = [];
  let n = 0;
  const loop = new PresentationLoop({
    fetch: () => new Promise<Presentation>((resolve, reject) => pending.push({ resolve, reject, sentAt: now })),
    onChange: (s) => states.push(s),
    now: () => now,
    setTimer: (fn, ms) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    windowMs: opts.windowMs,
  });
  const flush = () => new Promise<void>((r) => setImmediate(r));
  return {
    loop,
    states,
    pending,
    timers,
    get now() {
      return now;
    },
    /** Answers the oldest fetch with a token living `seconds`. */
    async answer(seconds = 60) {
      const p = pending.shift()!;
      n++;
      p.resolve({ tokenId: `t${n}`, token: `token-${n}`, licenceId: 'L', purpose: 'hotel_checkin', purposeName: '酒店入住', fields: ['name'], expiresAt: new Date(now + seconds * 1000).toISOString(), expiresInSeconds: seconds });
      await flush();
    },
    async fail(err: unknown) {
      pending.shift()!.reject(err);
      await flush();
    },
    /** Moves the clock, firing due timers in order. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
        await flush();
      }
      now = end;
    },
  };
}

describe('PresentationLoop', () => {
  it('fetches, shows, and fetches the next token at least 5 s before expiry', async () => {
    const h = harness();
    h.loop.start();
    expect(h.loop.current.status).toBe('loading');
    expect(h.pending).toHaveLength(1);
    await h.answer(60);
    expect(h.loop.current).toMatchObject({ status: 'live', refreshing: false });
    expect(h.loop.current.presentation?.token).toBe('token-1');
    const expiresAt = h.loop.current.expiresAt;
    // the refresh timer is due at or before expiry − 5 s
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0].at).toBeLessThanOrEqual(expiresAt - REFRESH_LEAD_MS);
    await h.advance(54_999);
    expect(h.pending).toHaveLength(0);
    await h.advance(1);
    expect(h.pending).toHaveLength(1);
    // the old token stays shown while the new one is fetched
    expect(h.loop.current).toMatchObject({ status: 'live', refreshing: true });
    expect(h.loop.current.presentation?.token).toBe('token-1');
    await h.answer(60);
    expect(h.loop.current.presentation?.token).toBe('token-2');
  });

  it('stops when hidden (no timer, late answers dropped) and resumes on show', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(60);
    await h.advance(10_000);
    h.loop.hide();
    expect(h.loop.scheduled).toBe(false);
    await h.advance(120_000);
    expect(h.pending).toHaveLength(0);
    // back after two minutes: the token is spent, a new one is fetched at once
    h.loop.show();
    expect(h.pending).toHaveLength(1);
    // hidden again while that fetch is in flight: its answer is dropped
    h.loop.hide();
    await h.answer(60);
    expect(h.loop.current.presentation?.token).toBe('token-1');
    expect(h.loop.scheduled).toBe(false);
  });

  it('on show with a fresh token only waits for its refresh time', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(60);
    h.loop.hide();
    await h.advance(20_000);
    h.loop.show();
    expect(h.pending).toHaveLength(0);
    expect(h.timers[0].at).toBe(h.loop.current.expiresAt - REFRESH_LEAD_MS);
  });

  it('pauses after the window and continues on tap', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(60);
    let fetches = 1;
    while (h.loop.current.status === 'live' && h.now < Date.parse('2026-03-01T03:00:00Z')) {
      await h.advance(1_000);
      if (h.pending.length) {
        fetches++;
        await h.answer(60);
      }
    }
    expect(h.loop.current.status).toBe('paused');
    expect(h.loop.scheduled).toBe(false);
    // ≈ one fetch per 55 s for 10 minutes
    expect(fetches).toBeGreaterThanOrEqual(10);
    expect(fetches).toBeLessThanOrEqual(12);
    const pausedAt = h.now;
    expect(pausedAt - Date.parse('2026-03-01T02:00:00Z')).toBeGreaterThanOrEqual(AUTO_REFRESH_WINDOW_MS);
    await h.advance(60_000);
    expect(h.pending).toHaveLength(0);
    h.loop.start();
    expect(h.pending).toHaveLength(1);
    await h.answer(60);
    expect(h.loop.current.status).toBe('live');
  });

  it('pauses on show when the window ended while hidden', async () => {
    const h = harness({ windowMs: 30_000 });
    h.loop.start();
    await h.answer(60);
    h.loop.hide();
    await h.advance(40_000);
    h.loop.show();
    expect(h.loop.current.status).toBe('paused');
    expect(h.pending).toHaveLength(0);
  });

  it('retries a failed refresh while the token lasts, then gives up', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(60);
    await h.advance(55_000);
    await h.fail(new NetworkError('network', 'offline'));
    expect(h.loop.current.status).toBe('live');
    expect(h.loop.current.error).toBeInstanceOf(NetworkError);
    await h.advance(1_000);
    await h.fail(new NetworkError('network', 'offline'));
    await h.advance(2_000);
    await h.fail(new NetworkError('network', 'offline'));
    // 58 s: one retry in 4 s would be after expiry; the fourth failure after expiry gives up
    await h.advance(4_000);
    await h.fail(new NetworkError('network', 'offline'));
    expect(h.loop.current.status).toBe('failed');
    expect(h.loop.scheduled).toBe(false);
  });

  it('a retry that works clears the error', async () => {
    const h = harness();
    h.loop.start();
    await h.fail(new ApiError(503, { code: 'SERVICE_UNAVAILABLE', message: 'x', requestId: '' }));
    expect(h.loop.current.status).toBe('loading');
    await h.advance(1_000);
    await h.answer(60);
    expect(h.loop.current).toMatchObject({ status: 'live', error: undefined });
  });

  it('stops at once on a refusal (licence revoked meanwhile)', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(60);
    await h.advance(55_000);
    await h.fail(new ApiError(409, { code: 'LICENCE_NOT_PRESENTABLE', message: 'x', requestId: '' }));
    expect(h.loop.current.status).toBe('failed');
    expect(h.loop.scheduled).toBe(false);
  });

  it('never loops on a token born nearly expired', async () => {
    const h = harness();
    h.loop.start();
    await h.answer(3);
    await h.advance(1_999);
    expect(h.pending).toHaveLength(0);
    await h.advance(1);
    expect(h.pending).toHaveLength(1);
  });
});
