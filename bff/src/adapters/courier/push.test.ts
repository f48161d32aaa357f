import { signRequest } from '../signing';
import { parseCourierPush, verifyCourierPush, type NonceSeen } from './push';

const creds = { appKey: 'ems-push-1', appSecret: 'push-secret-0123456789-abcdef' };
const now = 1_760_000_000;
const path = '/open/v1/courier/push';
const event = {
  eventId: 'evt-0123456789ab',
  waybillNo: 'EA123456785CN',
  orderNo: 'DLV-2025-0001',
  status: 'signed',
  at: '2025-01-01T08:00:00.000Z',
  location: '长沙市岳麓区',
  description: '已签收，签收人：本人',
  signer: '本人',
};
const body = JSON.stringify(event);
const headers = signRequest({ method: 'POST', path, body, ...creds, timestamp: now, nonce: 'nonce-0123456789abcdef' });

function memory(): NonceSeen & { seen: Set<string> } {
  const seen = new Set<string>();
  const fn = async (k: string, n: string) => (seen.has(`${k}:${n}`) ? true : (seen.add(`${k}:${n}`), false));
  return Object.assign(fn, { seen });
}

describe('verifyCourierPush', () => {
  it('accepts a good push once', async () => {
    const nonces = memory();
    expect(await verifyCourierPush(body, headers, creds, nonces, { path, now })).toEqual({ ok: true, appKey: creds.appKey });
    expect(await verifyCourierPush(Buffer.from(body), headers, [creds], nonces, { path, now })).toEqual({ ok: false, reason: 'nonce_reused' });
  });

  it('refuses a changed body, a wrong secret, an unknown key, a stale timestamp and missing headers', async () => {
    const v = (over: { body?: string; h?: Record<string, string>; c?: typeof creds; now?: number } = {}) =>
      verifyCourierPush(over.body ?? body, over.h ?? headers, over.c ?? creds, memory(), { path, now: over.now ?? now });
    expect(await v({ body: body.replace('"signed"', '"returned"') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appSecret: 'another-secret-0123456789-ab' } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appKey: 'other' } })).toEqual({ ok: false, reason: 'unknown_key' });
    expect(await v({ now: now + 301 })).toEqual({ ok: false, reason: 'clock_skew' });
    expect(await v({ h: {} })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('does not record the nonce of a push whose signature fails', async () => {
    const nonces = memory();
    await verifyCourierPush(`${body} `, headers, creds, nonces, { path, now });
    expect(nonces.seen.size).toBe(0);
  });
});

describe('parseCourierPush', () => {
  it('reads one event from bytes, a string or parsed JSON', () => {
    for (const input of [Buffer.from(body), body, JSON.parse(body)]) expect(parseCourierPush(input)).toEqual({ ok: true, event });
  });

  it('refuses what is not one event', () => {
    expect(parseCourierPush('{nope')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseCourierPush({ ...event, status: 'lost' })).toMatchObject({ ok: false, reason: 'invalid_event', message: expect.stringContaining('status') });
    expect(parseCourierPush({ ...event, waybillNo: 'EA123456784CN' })).toMatchObject({ ok: false, reason: 'invalid_event', message: expect.stringContaining('waybillNo') });
    expect(parseCourierPush({ ...event, at: 'today' })).toMatchObject({ ok: false, reason: 'invalid_event' });
    expect(parseCourierPush([event])).toMatchObject({ ok: false, reason: 'invalid_event' });
  });
});
