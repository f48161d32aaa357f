import { EtagCache } from './etag';

describe('EtagCache', () => {
  it('sends If-None-Match only for URLs it holds a body for', () => {
    const cache = new EtagCache<string>();
    expect(cache.conditionalHeader('/a')).toEqual({});
    cache.put('/a', '"v1"', 'body-a');
    expect(cache.conditionalHeader('/a')).toEqual({ 'If-None-Match': '"v1"' });
    expect(cache.get('/a')).toBe('body-a');
  });

  it('does not keep a body without an ETag, and forgets the old one', () => {
    const cache = new EtagCache<string>();
    cache.put('/a', '"v1"', 'old');
    cache.put('/a', undefined, 'new');
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.conditionalHeader('/a')).toEqual({});
  });

  it('evicts the least recently used entry beyond its limit', () => {
    const cache = new EtagCache<number>(2);
    cache.put('/1', '"1"', 1);
    cache.put('/2', '"2"', 2);
    expect(cache.get('/1')).toBe(1); // /1 is now the most recent
    cache.put('/3', '"3"', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('/2')).toBeUndefined();
    expect(cache.get('/1')).toBe(1);
    expect(cache.get('/3')).toBe(3);
  });
});
