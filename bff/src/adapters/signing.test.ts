import { createHash, createHmac } from 'node:crypto';
import { signRequest, stringToSign, verifySignedRequest, type VerifyInput } from './signing';

const secret = 'a-long-enough-shared-secret-0123456789';
const body = JSON.stringify({ name: '张三', idNumber: '43010219900101123X' });

function verifier(headers: Record<string, string>, overrides: Partial<VerifyInput> = {}) {
  const seen = new Set<string>();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    seen,
    input: {
      method: 'POST',
      path: '/gw/v1/identity/verify',
      body,
      header: (n: string) => lower[n],
      secretFor: (k: string) => (k === 'app-1' ? secret : undefined),
      rememberNonce: (k: string, n: string) => (seen.has(`${k}:${n}`) ? false : (seen.add(`${k}:${n}`), true)),
      ...overrides,
    } as VerifyInput,
  };
}

describe('HMAC-SHA256 request signing', () => {
  const now = 1_760_000_000;
  const headers = signRequest({ method: 'post', path: '/gw/v1/identity/verify', body, appKey: 'app-1', appSecret: secret, timestamp: now, nonce: 'n0nce-0123456789ab' });

  it('signs METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(body) with the secret, base64', () => {
    const canonical = `POST\n/gw/v1/identity/verify\n${now}\nn0nce-0123456789ab\n${createHash('sha256').update(body).digest('hex')}`;
    expect(stringToSign('post', '/gw/v1/identity/verify', String(now), 'n0nce-0123456789ab', body)).toBe(canonical);
    expect(headers).toEqual({
      'X-App-Key': 'app-1',
      'X-Timestamp': String(now),
      'X-Nonce': 'n0nce-0123456789ab',
      'X-Signature': createHmac('sha256', secret).update(canonical).digest('base64'),
    });
  });

  it('accepts a good request once, then refuses its nonce', () => {
    const v = verifier(headers, { now });
    expect(verifySignedRequest(v.input)).toEqual({ ok: true, appKey: 'app-1' });
    expect(verifySignedRequest(v.input)).toEqual({ ok: false, reason: 'nonce_reused' });
  });

  it('refuses each failure with its own reason', () => {
    expect(verifySignedRequest(verifier({ ...headers, 'X-App-Key': 'app-2' }, { now }).input)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(verifySignedRequest(verifier(headers, { now: now + 301 }).input)).toEqual({ ok: false, reason: 'clock_skew' });
    expect(verifySignedRequest(verifier(headers, { now: now - 301 }).input)).toEqual({ ok: false, reason: 'clock_skew' });
    expect(verifySignedRequest(verifier(headers, { now: now + 300 }).input).ok).toBe(true);
    expect(verifySignedRequest(verifier(headers, { now, body: body.replace('张三', '李四') }).input)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignedRequest(verifier(headers, { now, path: '/gw/v1/identity/verify?x=1' }).input)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignedRequest(verifier(headers, { now, method: 'PUT' }).input)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignedRequest(verifier({ ...headers, 'X-Signature': 'AAAA' }, { now }).input)).toEqual({ ok: false, reason: 'bad_signature' });
    const { 'X-Nonce': _n, ...noNonce } = headers;
    expect(verifySignedRequest(verifier(noNonce, { now }).input)).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('does not burn a nonce on a request whose signature fails', () => {
    const v = verifier({ ...headers, 'X-Signature': Buffer.alloc(32).toString('base64') }, { now });
    expect(verifySignedRequest(v.input)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(v.seen.size).toBe(0);
  });

  it('makes a fresh nonce and the current time by default', () => {
    const a = signRequest({ method: 'GET', path: '/x', body: '', appKey: 'k', appSecret: secret });
    const b = signRequest({ method: 'GET', path: '/x', body: '', appKey: 'k', appSecret: secret });
    expect(a['X-Nonce']).not.toBe(b['X-Nonce']);
    expect(Math.abs(Number(a['X-Timestamp']) - Date.now() / 1000)).toBeLessThan(5);
  });
});
