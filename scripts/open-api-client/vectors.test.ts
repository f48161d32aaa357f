/**
 * The test vectors in docs/open-api.md are hard data; both implementations — the BFF's
 * (bff/src/modules/partners/signature.ts) and the reference client's (./signing.ts) — must
 * reproduce every documented value, and node:crypto is used directly as a third opinion.
 */
import { createHash, createHmac } from 'node:crypto';
import type { SignatureAlgorithm } from '@onevisit/shared-types';
import * as server from '../../bff/src/modules/partners/signature';
import * as client from './signing';
import { parseTestVectors, readDoc, type TestVector } from './docBlocks';

const vectors = parseTestVectors(readDoc());
const other = (a: SignatureAlgorithm): SignatureAlgorithm => (a === 'HMAC-SM3' ? 'HMAC-SHA256' : 'HMAC-SM3');
const signedOnly = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'X-OV-Event-Id'));

describe('the documented test vectors', () => {
  it('are present: at least two per algorithm, a GET with 中文 and repeated names and a POST with a 中文 JSON body each', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(4);
    expect(vectors.map((v) => v.number)).toEqual(vectors.map((_, i) => i + 1));
    for (const algorithm of ['HMAC-SHA256', 'HMAC-SM3'] as const) {
      const mine = vectors.filter((v) => v.algorithm === algorithm);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(
        mine.some((v) => {
          if (v.method !== 'GET') return false;
          const names = v.expected.canonicalQuery.split('&').map((p) => p.split('=')[0]);
          return /%E[4-9]/.test(v.expected.canonicalQuery) && new Set(names).size < names.length;
        }),
      ).toBe(true);
      expect(mine.some((v) => v.method === 'POST' && /[\u4e00-\u9fa5]/.test(v.body) && JSON.parse(v.body) !== null)).toBe(true);
    }
  });

  it('agree with plain node:crypto (body hash and HMAC of the documented string to sign)', () => {
    for (const v of vectors) {
      const hash = v.algorithm === 'HMAC-SM3' ? 'sm3' : 'sha256';
      expect(createHash(hash).update(Buffer.from(v.body, 'utf8')).digest('hex')).toBe(v.expected.bodyHash);
      expect(createHmac(hash, Buffer.from(v.secret, 'utf8')).update(Buffer.from(v.expected.stringToSign, 'utf8')).digest('base64')).toBe(v.expected.signature);
      const lines = v.expected.stringToSign.split('\n');
      expect(lines).toEqual([v.algorithm, v.method.toUpperCase(), v.expected.path, v.expected.canonicalQuery, v.timestamp, v.nonce, v.expected.bodyHash]);
      expect(v.expected.headers).toMatchObject({
        'X-OV-AppId': v.appId,
        'X-OV-Timestamp': v.timestamp,
        'X-OV-Nonce': v.nonce,
        'X-OV-Algorithm': v.algorithm,
        'X-OV-Body-Hash': v.expected.bodyHash,
        'X-OV-Signature': v.expected.signature,
      });
      if (v.kind === 'webhook') expect(v.expected.headers['X-OV-Event-Id']).toBe(v.eventId);
      if (v.kind === 'webhook') expect(JSON.parse(v.body).eventId).toBe(v.eventId);
    }
  });

  describe.each(vectors.map((v) => [`${v.number}: ${v.title}`, v] as [string, TestVector]))('vector %s', (_name, v) => {
    const url = new URL(v.url, 'http://partner.invalid');
    const path = url.pathname;
    const rawQuery = url.search.replace(/^\?/, '');

    it('the URL is already in the form an HTTP library sends', () => {
      expect(path).toBe(v.expected.path);
      if (!/^https?:/.test(v.url)) expect(path + url.search).toBe(v.url);
    });

    it.each([
      ['BFF', server],
      ['reference client', client],
    ] as const)('%s implementation reproduces every value', (_impl, impl) => {
      expect(impl.canonicalQuery(rawQuery)).toBe(v.expected.canonicalQuery);
      expect(impl.bodyHash(v.algorithm, v.body)).toBe(v.expected.bodyHash);
      expect(impl.bodyHash(v.algorithm, new Uint8Array(Buffer.from(v.body, 'utf8')))).toBe(v.expected.bodyHash);
      const toSign = impl.stringToSign({ algorithm: v.algorithm, method: v.method, path, rawQuery, timestamp: v.timestamp, nonce: v.nonce, bodyHash: v.expected.bodyHash });
      expect(toSign).toBe(v.expected.stringToSign);
      expect(impl.computeSignature(v.algorithm, v.secret, toSign)).toBe(v.expected.signature);
      expect(impl.signatureMatches(v.algorithm, v.secret, toSign, v.expected.signature)).toBe(true);
      expect(impl.signatureMatches(other(v.algorithm), v.secret, toSign, v.expected.signature)).toBe(false);
      expect(impl.signatureMatches(v.algorithm, `${v.secret}x`, toSign, v.expected.signature)).toBe(false);
      const headers = impl.signedHeaders({
        algorithm: v.algorithm,
        appId: v.appId,
        secret: v.secret,
        method: v.method,
        url: v.url,
        body: v.body === '' ? undefined : v.body,
        timestamp: Number(v.timestamp),
        nonce: v.nonce,
      });
      expect(headers).toEqual(signedOnly(v.expected.headers));
    });

    it('the reference client accepts it as a signed message (the webhook receiver path)', () => {
      const verdict = client.verifySigned({
        header: (name) => v.expected.headers[Object.keys(v.expected.headers).find((h) => h.toLowerCase() === name.toLowerCase()) ?? ''],
        method: v.method,
        path,
        rawQuery,
        body: v.body,
        expectedAppId: v.appId,
        secrets: ['an-old-secret', v.secret],
        algorithm: v.algorithm,
        rememberNonce: () => true,
        nowSeconds: Number(v.timestamp) + 10,
      });
      expect(verdict).toEqual({ ok: true });
    });
  });
});

describe('the two implementations agree on arbitrary queries', () => {
  // A deterministic generator over the characters that matter: separators, escapes, UTF-8, reserved.
  const alphabet = ['a', 'B', 'z', '0', '9', '-', '.', '_', '~', '!', "'", '(', ')', '*', '+', ' ', '=', '&', '%', '%2', '%20', '%2B', '%e4%b8%ad', '%E6%96%87', '%ZZ', '%E4%B8', '中', '文', '/', '?', ':', '@', ',', ';', '$', '#', '[', ']', '"', '<'];
  let seed = 20260101;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const queries = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));

  it('canonicalQuery is identical for 400 generated queries', () => {
    for (const q of queries) expect([q, client.canonicalQuery(q)]).toEqual([q, server.canonicalQuery(q)]);
  });

  it('signatures are identical for generated requests under both algorithms', () => {
    for (const [i, q] of queries.slice(0, 60).entries()) {
      const algorithm: SignatureAlgorithm = i % 2 ? 'HMAC-SM3' : 'HMAC-SHA256';
      const input = { algorithm, method: 'post', path: '/open/v1/cases', rawQuery: q, timestamp: String(1767225600 + i), nonce: `nonce-${String(i).padStart(12, '0')}`, bodyHash: server.bodyHash(algorithm, q) };
      expect(client.stringToSign(input)).toBe(server.stringToSign(input));
      expect(client.computeSignature(algorithm, '密钥🔑secret', client.stringToSign(input))).toBe(server.computeSignature(algorithm, '密钥🔑secret', server.stringToSign(input)));
    }
  });
});
