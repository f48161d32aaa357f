import { buildQuery, buildUrl } from './query';

describe('buildQuery', () => {
  it('is empty without parameters', () => {
    expect(buildQuery()).toBe('');
    expect(buildQuery({})).toBe('');
  });

  it('keeps key order and stringifies numbers and booleans', () => {
    expect(buildQuery({ domain: 'household', page: 2, pageSize: 20, onlineOnly: true })).toBe(
      '?domain=household&page=2&pageSize=20&onlineOnly=true',
    );
  });

  it('leaves out undefined, null, empty strings and non-finite numbers, but keeps 0 and false', () => {
    expect(buildQuery({ a: undefined, b: null, c: '', d: Number.NaN, e: 0, f: false })).toBe('?e=0&f=false');
  });

  it('percent-encodes Chinese text and reserved characters in keys and values', () => {
    expect(buildQuery({ q: '丢了身份证' })).toBe('?q=%E4%B8%A2%E4%BA%86%E8%BA%AB%E4%BB%BD%E8%AF%81');
    expect(buildQuery({ q: 'a&b=c d?#' })).toBe('?q=a%26b%3Dc%20d%3F%23');
    expect(buildQuery({ 'a b': 1 })).toBe('?a%20b=1');
  });
});

describe('buildUrl', () => {
  it('puts /api/v1 between the base and the path', () => {
    expect(buildUrl('', '/catalog/domains')).toBe('/api/v1/catalog/domains');
    expect(buildUrl('https://api.example.gov.cn', '/catalog/items', { page: 1 })).toBe('https://api.example.gov.cn/api/v1/catalog/items?page=1');
  });

  it('tolerates a trailing slash on the base and a path without a leading slash', () => {
    expect(buildUrl('http://localhost:8080/', 'catalog/bundles')).toBe('http://localhost:8080/api/v1/catalog/bundles');
    expect(buildUrl('http://localhost:8080//', '/catalog/bundles')).toBe('http://localhost:8080/api/v1/catalog/bundles');
  });
});
