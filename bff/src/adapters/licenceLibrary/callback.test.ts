import { makeLicenceId, LICENCE_TYPES } from '@onevisit/shared-types';
import { signRequest } from '../signing';
import { LIBRARY_CALLBACK_REFUSALS, parseLibraryCallback, verifyLibraryCallback, type NonceSeen } from './callback';

const creds = { appKey: 'hn-dzzz-callback-1', appSecret: 'library-callback-secret-0123456789' };
const now = 1_760_000_000;
const path = '/open/v1/licence-library/callback';
const issuerCode = '11430100MB1C45878U';
const oldId = makeLicenceId({ typeCode: LICENCE_TYPES.driving_licence.typeCode, issuerCode, serial: '0K3P0Q2R9AB', version: 1 });
const newId = makeLicenceId({ typeCode: LICENCE_TYPES.driving_licence.typeCode, issuerCode, serial: '0K3P0Q2R9AB', version: 2 });
const event = { eventId: 'llb-0123456789ab', licenceId: oldId, status: 'revoked', statusNote: '已换领新证', replacedBy: newId, at: '2025-10-09T08:00:00.000Z' };
const body = JSON.stringify(event);
const headers = signRequest({ method: 'POST', path, body, ...creds, timestamp: now, nonce: 'nonce-0123456789abcdef' });

function memory(): NonceSeen & { seen: Set<string> } {
  const seen = new Set<string>();
  const fn = async (k: string, n: string) => (seen.has(`${k}:${n}`) ? true : (seen.add(`${k}:${n}`), false));
  return Object.assign(fn, { seen });
}

describe('verifyLibraryCallback', () => {
  it('accepts a good callback once, with an async nonce store, any header casing, and one of several keys', async () => {
    const nonces = memory();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const keys = [{ appKey: 'hn-old', appSecret: 'old-secret-0123456789-abcdef' }, creds];
    expect(await verifyLibraryCallback(body, lower, keys, nonces, { path, now })).toEqual({ ok: true, appKey: creds.appKey });
    expect(nonces.seen.has(`${creds.appKey}:nonce-0123456789abcdef`)).toBe(true);
    expect(await verifyLibraryCallback(Buffer.from(body), new Headers(headers), creds, nonces, { path, now })).toEqual({ ok: false, reason: 'nonce_reused' });
  });

  it('refuses each failure with its reason, and never throws for them', async () => {
    const v = (over: { body?: string; h?: Record<string, string | string[]>; c?: typeof creds; now?: number; path?: string; method?: string } = {}) =>
      verifyLibraryCallback(over.body ?? body, over.h ?? headers, over.c ?? creds, memory(), { path: over.path ?? path, now: over.now ?? now, method: over.method });
    expect(await v({ body: body.replace('"revoked"', '"valid"') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appSecret: 'another-secret-0123456789-abc' } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ c: { ...creds, appKey: 'someone-else' } })).toEqual({ ok: false, reason: 'unknown_key' });
    expect(await v({ now: now + 301 })).toEqual({ ok: false, reason: 'clock_skew' });
    expect(await v({ now: now - 301 })).toEqual({ ok: false, reason: 'clock_skew' });
    expect((await v({ now: now + 300 })).ok).toBe(true);
    expect(await v({ path: `${path}?x=1` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ method: 'PUT' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await v({ h: {} })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(await v({ h: { ...headers, 'X-Nonce': 'short' } })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(await v({ h: { ...headers, 'X-Signature': [headers['X-Signature'], headers['X-Signature']] } })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('does not record the nonce of a callback whose signature fails', async () => {
    const nonces = memory();
    expect(await verifyLibraryCallback(`${body} `, headers, creds, nonces, { path, now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(nonces.seen.size).toBe(0);
  });

  it('lets a failing nonce store throw (a KV outage becomes a 5xx, so the library retries)', async () => {
    await expect(verifyLibraryCallback(body, headers, creds, async () => Promise.reject(new Error('kv down')), { path, now })).rejects.toThrow('kv down');
  });

  it('maps every refusal to a 401 with a distinct code', () => {
    const codes = Object.values(LIBRARY_CALLBACK_REFUSALS);
    expect(codes.every((r) => r.status === 401)).toBe(true);
    expect(new Set(codes.map((r) => r.code)).size).toBe(codes.length);
  });
});

describe('parseLibraryCallback', () => {
  it('reads a valid event from bytes, a string or parsed JSON', () => {
    for (const input of [Buffer.from(body), body, JSON.parse(body)]) expect(parseLibraryCallback(input)).toEqual({ ok: true, event });
  });

  it('takes replacedBy as optional and nullable', () => {
    const { replacedBy: _r, ...without } = event;
    expect(parseLibraryCallback({ ...without, status: 'abnormal', statusNote: '累积记分已满12分' })).toMatchObject({ ok: true, event: { status: 'abnormal' } });
    expect(parseLibraryCallback({ ...event, replacedBy: null, statusNote: null })).toMatchObject({ ok: true, event: { replacedBy: null, statusNote: null } });
  });

  it.each([
    ['not JSON', '{"eventId":', 'invalid_json'],
    ['an unknown status', { ...event, status: 'suspended' }, 'invalid_event'],
    ['a wrong check character', { ...event, licenceId: `${oldId.slice(0, -1)}${oldId.endsWith('0') ? '1' : '0'}` }, 'invalid_event'],
    ['a malformed replacedBy', { ...event, replacedBy: 'L-2' }, 'invalid_event'],
    ['no eventId', { ...event, eventId: '' }, 'invalid_event'],
    ['a time without offset', { ...event, at: '2025-10-09 08:00:00' }, 'invalid_event'],
    ['a missing statusNote', (({ statusNote: _s, ...rest }) => rest)(event), 'invalid_event'],
    ['an array', [event], 'invalid_event'],
  ])('refuses %s', (_label, input, reason) => {
    expect(parseLibraryCallback(input)).toMatchObject({ ok: false, reason });
  });
});
