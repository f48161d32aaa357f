import { createHash, createHmac } from 'node:crypto';
import { OPEN_API_HEADERS, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '@onevisit/shared-types';
import { bodyHash, canonicalQuery, computeSignature, NONCE_PATTERN, NONCE_TTL_SECONDS, signatureMatches, signedHeaders, stringToSign } from './signature';

const SECRET = 'ov-test-secret-0123456789abcdef';

describe('canonicalQuery', () => {
  it('is empty without a query, and drops empty pieces', () => {
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('&&')).toBe('');
    expect(canonicalQuery('a=1&&b=2&')).toBe('a=1&b=2');
  });

  it('sorts by name, then value, keeping repeated names', () => {
    expect(canonicalQuery('b=2&a=z&a=1&a=10')).toBe('a=1&a=10&a=z&b=2');
  });

  it('sorts by the encoded form in code-unit order (upper case before lower case, % before letters)', () => {
    expect(canonicalQuery('b=1&B=1&%E4%B8%AD=1&_=1&-=1')).toBe('%E4%B8%AD=1&-=1&B=1&_=1&b=1');
    // by name first: "a" < "a-b" although "a=2" > "a-b=1" as whole strings
    expect(canonicalQuery('a-b=1&a=2')).toBe('a=2&a-b=1');
    expect(canonicalQuery('b=1&B=1&_=1&-=1&~=1&.=1')).toBe('-=1&.=1&B=1&_=1&b=1&~=1');
  });

  it('treats + as a space and encodes it as %20; a literal plus arrives as %2B', () => {
    expect(canonicalQuery('q=a+b')).toBe('q=a%20b');
    expect(canonicalQuery('q=a%20b')).toBe('q=a%20b');
    expect(canonicalQuery('q=a%2Bb')).toBe('q=a%2Bb');
    expect(canonicalQuery('a+b=1')).toBe('a%20b=1');
  });

  it('decodes percent-encoded UTF-8 (中文) and re-encodes it with upper-case hex', () => {
    expect(canonicalQuery('name=%e4%b8%ad%e6%96%87')).toBe('name=%E4%B8%AD%E6%96%87');
    expect(canonicalQuery('name=%E4%B8%AD%E6%96%87')).toBe('name=%E4%B8%AD%E6%96%87');
    // sent unencoded (a client that did not encode): the same canonical form
    expect(canonicalQuery('name=中文')).toBe('name=%E4%B8%AD%E6%96%87');
    expect(canonicalQuery('%E5%9C%B0%E5%8C%BA=%E9%95%BF%E6%B2%99')).toBe('%E5%9C%B0%E5%8C%BA=%E9%95%BF%E6%B2%99');
  });

  it("encodes !'()* that encodeURIComponent leaves alone, and keeps unreserved -._~ literal", () => {
    expect(canonicalQuery("x=!'()*")).toBe('x=%21%27%28%29%2A');
    expect(canonicalQuery('x=%21%27%28%29%2A')).toBe('x=%21%27%28%29%2A');
    expect(canonicalQuery('x=%2D%2E%5F%7E')).toBe('x=-._~');
    expect(canonicalQuery('x=a/b:c@d,e;f$g')).toBe('x=a%2Fb%3Ac%40d%2Ce%3Bf%24g');
  });

  it('handles empty values and names without =', () => {
    expect(canonicalQuery('a=')).toBe('a=');
    expect(canonicalQuery('a')).toBe('a=');
    expect(canonicalQuery('flag&a=1')).toBe('a=1&flag=');
    expect(canonicalQuery('=v')).toBe('=v');
    expect(canonicalQuery('a=1=2')).toBe('a=1%3D2');
  });

  it('never throws on malformed percent-encoding (WHATWG form-urlencoded decoding)', () => {
    expect(canonicalQuery('%zz=%')).toBe('%25zz=%25');
    expect(canonicalQuery('a=%E4%B8')).toBe('a=%EF%BF%BD');
    expect(canonicalQuery('a=%4')).toBe('a=%254');
    // raw non-ASCII next to an invalid escape (Node 20's URLSearchParams turns 中 into "-" here)
    expect(canonicalQuery('v=中%2B%ZZ')).toBe('v=%E4%B8%AD%2B%25ZZ');
  });

  it('agrees with URLSearchParams decoding followed by RFC 3986 encoding', () => {
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    for (const q of ['z=1&y=%E4%B8%AD+x&y=&a', "k=!'()*~&k=%2B", 'a=%zz&b=%E4%B8&c=%e4%b8%ad', 'x=1&x=1&x=0']) {
      const expected = [...new URLSearchParams(q)].map(([n, v]) => [enc(n), enc(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      expect(canonicalQuery(q)).toBe(expected.map(([n, v]) => `${n}=${v}`).join('&'));
    }
  });
});

describe('bodyHash', () => {
  it('is lowercase hex SHA-256 or SM3 of the bytes; the empty body hashes the empty string', () => {
    expect(bodyHash('HMAC-SHA256', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(bodyHash('HMAC-SM3', '')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
    // GB/T 32905 example: SM3("abc")
    expect(bodyHash('HMAC-SM3', 'abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    const json = '{"name":"张三"}';
    expect(bodyHash('HMAC-SHA256', json)).toBe(createHash('sha256').update(Buffer.from(json, 'utf8')).digest('hex'));
    expect(bodyHash('HMAC-SHA256', new Uint8Array(Buffer.from(json, 'utf8')))).toBe(bodyHash('HMAC-SHA256', json));
    expect(bodyHash('HMAC-SM3', Buffer.from(json))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an unknown algorithm', () => {
    expect(() => bodyHash('HMAC-MD5' as SignatureAlgorithm, '')).toThrow(TypeError);
  });
});

describe('stringToSign', () => {
  it('is the seven lines joined by LF with no trailing newline, method upper-cased, query canonical', () => {
    const s = stringToSign({ algorithm: 'HMAC-SM3', method: 'get', path: '/open/v1/events', rawQuery: 'limit=10&cursor=abc', timestamp: '1767225600', nonce: 'n0nce-n0nce-n0nce', bodyHash: 'h' });
    expect(s).toBe('HMAC-SM3\nGET\n/open/v1/events\ncursor=abc&limit=10\n1767225600\nn0nce-n0nce-n0nce\nh');
    expect(s.endsWith('\n')).toBe(false);
  });

  it('keeps an empty line for an empty query', () => {
    const s = stringToSign({ algorithm: 'HMAC-SHA256', method: 'POST', path: '/open/v1/cases', rawQuery: '', timestamp: '1', nonce: 'abcdefghijklmnop', bodyHash: 'h' });
    expect(s.split('\n')).toEqual(['HMAC-SHA256', 'POST', '/open/v1/cases', '', '1', 'abcdefghijklmnop', 'h']);
  });

  it('keeps the path exactly as sent (percent-encoding untouched)', () => {
    const s = stringToSign({ algorithm: 'HMAC-SHA256', method: 'GET', path: '/open/v1/cases/by-serial/A%2Db', rawQuery: '', timestamp: '1', nonce: 'abcdefghijklmnop', bodyHash: 'h' });
    expect(s.split('\n')[2]).toBe('/open/v1/cases/by-serial/A%2Db');
  });
});

describe('computeSignature and signatureMatches', () => {
  const toSign = 'HMAC-SHA256\nGET\n/open/v1/catalog/items\nlimit=1\n1767225600\nabcdefghijklmnop\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it.each(SIGNATURE_ALGORITHMS)('%s is base64 of the HMAC keyed with the UTF-8 secret', (algorithm) => {
    const hash = algorithm === 'HMAC-SM3' ? 'sm3' : 'sha256';
    const sig = computeSignature(algorithm, '密钥-secret', toSign);
    expect(sig).toBe(createHmac(hash, Buffer.from('密钥-secret', 'utf8')).update(Buffer.from(toSign, 'utf8')).digest('base64'));
    expect(sig).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(signatureMatches(algorithm, '密钥-secret', toSign, sig)).toBe(true);
  });

  it('a signature made with HMAC-SHA256 does not match under HMAC-SM3 (and the reverse)', () => {
    const sha = computeSignature('HMAC-SHA256', SECRET, toSign);
    const sm3 = computeSignature('HMAC-SM3', SECRET, toSign);
    expect(sha).not.toBe(sm3);
    expect(signatureMatches('HMAC-SM3', SECRET, toSign, sha)).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, sm3)).toBe(false);
  });

  it('does not match another secret, another string, or a changed signature', () => {
    const sig = computeSignature('HMAC-SHA256', SECRET, toSign);
    expect(signatureMatches('HMAC-SHA256', SECRET + 'x', toSign, sig)).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign + ' ', sig)).toBe(false);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, flipped)).toBe(false);
  });

  it('is false on malformed input instead of throwing', () => {
    const sig = computeSignature('HMAC-SHA256', SECRET, toSign);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, '')).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, sig.slice(0, -1))).toBe(false); // padding dropped
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, `${sig} `)).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, 'not base64 at all!')).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, Buffer.from(sig, 'base64').toString('hex'))).toBe(false);
    expect(signatureMatches('HMAC-MD5' as SignatureAlgorithm, SECRET, toSign, sig)).toBe(false);
    expect(signatureMatches('HMAC-SHA256', '', toSign, computeSignature('HMAC-SHA256', '', toSign))).toBe(false);
    expect(signatureMatches('HMAC-SHA256', SECRET, toSign, undefined as unknown as string)).toBe(false);
    expect(signatureMatches('HMAC-SHA256', undefined as unknown as string, toSign, sig)).toBe(false);
  });
});

describe('signedHeaders', () => {
  const base = { appId: 'hunan-gov', secret: SECRET, timestamp: 1767225600, nonce: 'nonce-0123456789ab' } as const;

  /** What the server does: rebuild the string to sign from what it received and compare. */
  function verifies(
    headers: Record<string, string>,
    received: { algorithm: SignatureAlgorithm; method: string; path: string; rawQuery: string; body: string | Uint8Array; secret?: string },
  ): boolean {
    if (bodyHash(received.algorithm, received.body) !== headers[OPEN_API_HEADERS.bodyHash]) return false;
    const s = stringToSign({
      algorithm: received.algorithm,
      method: received.method,
      path: received.path,
      rawQuery: received.rawQuery,
      timestamp: headers[OPEN_API_HEADERS.timestamp],
      nonce: headers[OPEN_API_HEADERS.nonce],
      bodyHash: headers[OPEN_API_HEADERS.bodyHash],
    });
    return signatureMatches(received.algorithm, received.secret ?? SECRET, s, headers[OPEN_API_HEADERS.signature]);
  }

  it.each(SIGNATURE_ALGORITHMS)('%s: produces the six X-OV-* headers', (algorithm) => {
    const h = signedHeaders({ ...base, algorithm, method: 'post', url: '/open/v1/cases?x=1', body: '{"a":"中文"}' });
    expect(Object.keys(h).sort()).toEqual(['X-OV-Algorithm', 'X-OV-AppId', 'X-OV-Body-Hash', 'X-OV-Nonce', 'X-OV-Signature', 'X-OV-Timestamp']);
    expect(h['X-OV-AppId']).toBe('hunan-gov');
    expect(h['X-OV-Timestamp']).toBe('1767225600');
    expect(h['X-OV-Nonce']).toBe(base.nonce);
    expect(h['X-OV-Algorithm']).toBe(algorithm);
    expect(h['X-OV-Body-Hash']).toBe(bodyHash(algorithm, '{"a":"中文"}'));
    const s = stringToSign({ algorithm, method: 'POST', path: '/open/v1/cases', rawQuery: 'x=1', timestamp: '1767225600', nonce: base.nonce, bodyHash: h['X-OV-Body-Hash'] });
    expect(h['X-OV-Signature']).toBe(computeSignature(algorithm, SECRET, s));
  });

  it('defaults the timestamp to now and the nonce to a fresh valid one', () => {
    const before = Math.floor(Date.now() / 1000);
    const a = signedHeaders({ algorithm: 'HMAC-SHA256', appId: 'x-app', secret: SECRET, method: 'GET', url: '/open/v1/events' });
    const b = signedHeaders({ algorithm: 'HMAC-SHA256', appId: 'x-app', secret: SECRET, method: 'GET', url: '/open/v1/events' });
    expect(Number(a['X-OV-Timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(a['X-OV-Timestamp'])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(a['X-OV-Nonce']).toMatch(NONCE_PATTERN);
    expect(a['X-OV-Nonce']).not.toBe(b['X-OV-Nonce']);
    expect(a['X-OV-Body-Hash']).toBe(bodyHash('HMAC-SHA256', ''));
  });

  it('refuses a nonce outside the pattern and a non-integer timestamp', () => {
    expect(() => signedHeaders({ ...base, algorithm: 'HMAC-SM3', method: 'GET', url: '/x', nonce: 'short' })).toThrow(TypeError);
    expect(() => signedHeaders({ ...base, algorithm: 'HMAC-SM3', method: 'GET', url: '/x', nonce: 'has space in it 0123' })).toThrow(TypeError);
    expect(() => signedHeaders({ ...base, algorithm: 'HMAC-SM3', method: 'GET', url: '/x', timestamp: 1.5 })).toThrow(TypeError);
  });

  it('takes path and query from an absolute webhook URL', () => {
    const h = signedHeaders({ ...base, algorithm: 'HMAC-SM3', method: 'POST', url: 'https://gov.example.cn/ov/hook?b=2&a=1', body: '{}' });
    expect(verifies(h, { algorithm: 'HMAC-SM3', method: 'POST', path: '/ov/hook', rawQuery: 'a=1&b=2', body: '{}' })).toBe(true);
  });

  describe.each(SIGNATURE_ALGORITHMS)('%s: tampering breaks it', (algorithm) => {
    const body = '{"serialNo":"HN2026000001","formData":{"applicantName":"张三"}}';
    const headers = signedHeaders({ ...base, algorithm, method: 'POST', url: '/open/v1/cases?lang=zh&x=%E4%B8%AD', body });
    const received = { algorithm, method: 'POST', path: '/open/v1/cases', rawQuery: 'lang=zh&x=%E4%B8%AD', body };

    it('verifies as sent (and with the query reordered or re-encoded)', () => {
      expect(verifies(headers, received)).toBe(true);
      expect(verifies(headers, { ...received, rawQuery: 'x=%e4%b8%ad&lang=zh' })).toBe(true);
      expect(verifies(headers, { ...received, rawQuery: 'x=中&lang=zh' })).toBe(true);
    });
    it('body', () => {
      expect(verifies(headers, { ...received, body: body.replace('张三', '李四') })).toBe(false);
      // even with a recomputed body hash header the signature no longer covers it
      const forged = { ...headers, [OPEN_API_HEADERS.bodyHash]: bodyHash(algorithm, body.replace('张三', '李四')) };
      expect(verifies(forged, { ...received, body: body.replace('张三', '李四') })).toBe(false);
    });
    it('path', () => expect(verifies(headers, { ...received, path: '/open/v1/cases/' })).toBe(false));
    it('query', () => {
      expect(verifies(headers, { ...received, rawQuery: 'lang=en&x=%E4%B8%AD' })).toBe(false);
      expect(verifies(headers, { ...received, rawQuery: 'lang=zh&x=%E4%B8%AD&extra=1' })).toBe(false);
      expect(verifies(headers, { ...received, rawQuery: '' })).toBe(false);
    });
    it('method', () => expect(verifies(headers, { ...received, method: 'PUT' })).toBe(false));
    it('timestamp', () => expect(verifies({ ...headers, [OPEN_API_HEADERS.timestamp]: '1767225601' }, received)).toBe(false));
    it('nonce', () => expect(verifies({ ...headers, [OPEN_API_HEADERS.nonce]: 'nonce-0123456789ac' }, received)).toBe(false));
    it('secret', () => expect(verifies(headers, { ...received, secret: 'another-secret' })).toBe(false));
    it('algorithm', () => {
      const other: SignatureAlgorithm = algorithm === 'HMAC-SM3' ? 'HMAC-SHA256' : 'HMAC-SM3';
      expect(verifies(headers, { ...received, algorithm: other })).toBe(false);
    });
  });
});

describe('constants', () => {
  it('nonce pattern and time to live', () => {
    expect(NONCE_TTL_SECONDS).toBe(600);
    expect(NONCE_PATTERN.test('a'.repeat(16))).toBe(true);
    expect(NONCE_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(NONCE_PATTERN.test('a'.repeat(15))).toBe(false);
    expect(NONCE_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(NONCE_PATTERN.test('abcdefghijklmnop=')).toBe(false);
    expect(NONCE_PATTERN.test('abcd-efgh_ijkl-MNOP09')).toBe(true);
  });
});
