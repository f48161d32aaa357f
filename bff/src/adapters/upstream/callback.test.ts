import { signRequest } from '../signing';
import { parseUpstreamCallback, verifyUpstreamCallback, type NonceSeen } from './callback';

const creds = { appKey: 'gaj-callback-1', appSecret: 'callback-secret-0123456789-abcdef' };
const now = 1_760_000_000;
const path = '/open/v1/upstream/callback';
const event = {
  system: 'household',
  upstreamRef: 'HZ2025010112345678',
  caseNo: '430000-2025-000001',
  status: 'supplement_requested',
  note: '材料需补正',
  supplementReasons: ['户口簿首页不清晰'],
  at: '2025-01-01T08:00:00.000Z',
  eventId: 'evt-0123456789ab',
};
const body = JSON.stringify(event);
const headers = signRequest({ method: 'POST', path, body, ...creds, timestamp: now, nonce: 'nonce-0123456789abcdef' });

function memory(): NonceSeen & { seen: Set<string> } {
  const seen = new Set<string>();
  const fn = async (k: string, n: string) => (seen.has(`${k}:${n}`) ? true : (seen.add(`${k}:${n}`), false));
  return Object.assign(fn, { seen });
}

describe('verifyUpstreamCallback', () => {
  it('accepts a good callback once, with an async nonce store, any header casing, and one of several keys', async () => {
    const nonces = memory();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const keys = [{ appKey: 'gaj-old', appSecret: 'old-secret-0123456789-abcdef' }, creds];
    expect(await verifyUpstreamCallback(body, lower, keys, nonces, { path, now })).toEqual({ ok: true, appKey: creds.appKey });
    expect(await verifyUpstreamCallback(Buffer.from(body), new Headers(headers), creds, nonces, { path, now })).toEqual({ ok: false, reason: 'nonce_reused' });
  });

  it('refuses each failure with its reason, and never throws for them', async () => {
    const v = (over: { body?: string; h?: Record<string, string | string[]>; c?: typeof creds; now?: number; path?: string } = {}) =>
      verifyUpstreamCallback(over.body ?? body, over.h ?? headers, over.c ?? creds, memory(), { path: over.path ?? path, now: over.now ?? now });
    expect(await v({ body: body.replace('supplement_requested', 'approved') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appSecret: 'another-secret-0123456789-abc' } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appKey: 'x' } })).toEqual({ ok: false, reason: 'unknown_key' });
    expect(await v({ now: now + 301 })).toEqual({ ok: false, reason: 'clock_skew' });
    expect(await v({ now: now - 301 })).toEqual({ ok: false, reason: 'clock_skew' });
    expect((await v({ now: now + 300 })).ok).toBe(true);
    expect(await v({ path: `${path}?x=1` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ h: {} })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(await v({ h: { ...headers, 'X-Signature': [headers['X-Signature'], headers['X-Signature']] } })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('does not record the nonce of a callback whose signature fails', async () => {
    const nonces = memory();
    await verifyUpstreamCallback(body + ' ', headers, creds, nonces, { path, now });
    expect(nonces.seen.size).toBe(0);
  });
});

describe('parseUpstreamCallback', () => {
  it('reads a valid event from bytes, a string or parsed JSON', () => {
    const { system, ...rest } = event;
    for (const input of [Buffer.from(body), body, JSON.parse(body)]) {
      expect(parseUpstreamCallback(input)).toEqual({ ok: true, system, event: rest });
    }
    expect(parseUpstreamCallback({ ...event, at: '2025-01-01T16:00:00+08:00', note: undefined, supplementReasons: undefined, status: 'received' }).ok).toBe(true);
  });

  it('refuses what is not one event', () => {
    expect(parseUpstreamCallback('{nope')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseUpstreamCallback({ ...event, status: 'done' })).toMatchObject({ ok: false, reason: 'invalid_event', message: expect.stringContaining('status') });
    expect(parseUpstreamCallback({ ...event, system: 'anti_drug' })).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(parseUpstreamCallback({ ...event, at: 'yesterday' })).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(parseUpstreamCallback({ ...event, eventId: '' })).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(parseUpstreamCallback([event])).toMatchObject({ ok: false, reason: 'invalid_event' });
  });
});
