import type { ServiceItem } from '@onevisit/shared-types';
import { normalize, queryVariants, SearchIndex } from './search';
import { seedBundles, seedItems } from './seed';

const items: ServiceItem[] = seedItems.map((i) => ({ ...(i as ServiceItem), updatedAt: '2026-01-01T00:00:00.000Z' }));
const index = new SearchIndex(items, seedBundles.map((b) => ({ ...b, updatedAt: '2026-01-01T00:00:00.000Z' })));

describe('query normalisation', () => {
  it('drops spaces, punctuation and full-width forms', () => {
    expect(normalize(' 身份证，补领！ ')).toBe('身份证补领');
    expect(normalize('ＡＢＣ１２３')).toBe('abc123');
  });
  it('removes filler and maps everyday words to official ones', () => {
    expect(queryVariants('我的身份证丢了怎么办')).toEqual(['我的身份证丢了怎么办', '身份证丢', '身份证补领']);
    expect(queryVariants('挪车')).toEqual(['挪车', '移车']);
    expect(queryVariants('的')).toEqual(['的']);
  });
});

describe('relevance', () => {
  const top = (q: string, n = 1) => index.search(q).slice(0, n).map((h) => h.name);

  it('prefers the official name over a keyword mention', () => {
    const hits = index.search('居民身份证补领');
    expect(hits[0]).toMatchObject({ name: '居民身份证补领', matchedBy: 'name' });
  });
  it('understands everyday phrasing', () => {
    expect(top('丢了身份证')).toEqual(['居民身份证补领']);
    expect(top('我的身份证不见了')).toEqual(['居民身份证补领']);
    expect(top('车被堵了')).toEqual(['堵路移车']);
    expect(top('良民证')).toEqual(['无犯罪记录证明']);
  });
  it('restricts to a domain when asked', () => {
    expect(index.search('证', 'traffic').every((h) => h.domain === 'traffic')).toBe(true);
  });
  it('finds nothing for unrelated text', () => {
    expect(index.search('天气预报')).toEqual([]);
  });
  it('finds bundles by their life event', () => {
    expect(index.searchBundles('新生儿').map((b) => b.name)).toContain('新生儿出生一件事');
  });
});
