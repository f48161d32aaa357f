import type { DomainListResponse, ErrorBody, ItemListResponse, SearchResponse, ServiceItem, BundleDetail } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../testing/app';
import { storageModes } from '../../testing/storage';
import { seedBundles, seedItems } from './seed';

const byName = (name: string) => {
  const item = seedItems.find((i) => i.name === name);
  if (!item) throw new Error(`seed has no ${name}`);
  return item;
};

describe.each(storageModes().map((m) => [m.name, m] as const))('catalogue API on %s', (_name, mode) => {
  let app: TestApp;
  const json = async <T>(path: string, status = 200): Promise<T> => {
    const res = await app.get(path);
    expect({ path, status: res.status }).toEqual({ path, status });
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    app = await startTestApp(mode);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the ten domains with item counts that add up to the enabled catalogue', async () => {
    const body = await json<DomainListResponse>('/api/v1/catalog/domains');
    expect(body.domains.map((d) => d.name)).toEqual(['户政', '出入境', '交管', '治安', '禁毒', '网安', '监管', '法制', '信访', '综合']);
    expect(body.domains.every((d) => d.itemCount > 0)).toBe(true);
    expect(body.domains.reduce((n, d) => n + d.itemCount, 0)).toBe(seedItems.filter((i) => i.enabled).length);
    const one = await json<{ code: string; itemCount: number }>('/api/v1/catalog/domains/traffic');
    expect(one.itemCount).toBe(body.domains.find((d) => d.code === 'traffic')!.itemCount);
  });

  it('filters by domain, handling mode and zero-visit, most used first, paged without overlap', async () => {
    const household = seedItems.filter((i) => i.domain === 'household');
    const page1 = await json<ItemListResponse>('/api/v1/catalog/items?domain=household&pageSize=5');
    const page2 = await json<ItemListResponse>('/api/v1/catalog/items?domain=household&pageSize=5&page=2');
    expect(page1.total).toBe(household.length);
    expect(page1.items).toHaveLength(5);
    expect(page1.items.every((i) => i.domain === 'household')).toBe(true);
    const codes = [...page1.items, ...page2.items].map((i) => i.itemCode);
    expect(new Set(codes).size).toBe(codes.length);
    const popularity = codes.map((c) => seedItems.find((i) => i.itemCode === c)!.popularity);
    expect(popularity).toEqual([...popularity].sort((a, b) => b - a));

    const online = await json<ItemListResponse>('/api/v1/catalog/items?onlineOnly=true&pageSize=50');
    expect(online.total).toBe(seedItems.filter((i) => i.visitsRequired === 0).length);
    expect(online.items.every((i) => i.visitsRequired === 0)).toBe(true);

    const appointment = await json<ItemListResponse>('/api/v1/catalog/items?handlingMode=appointment&pageSize=50');
    expect(appointment.total).toBe(seedItems.filter((i) => i.handlingMode === 'appointment').length);

    const beyond = await json<ItemListResponse>('/api/v1/catalog/items?domain=household&page=999');
    expect(beyond.items).toEqual([]);
  });

  it('serves the full item guide', async () => {
    const seed = byName('居民身份证补领');
    const item = await json<ServiceItem>(`/api/v1/catalog/items/${seed.itemCode}`);
    expect(item.name).toBe('居民身份证补领');
    expect(item.materials.length).toBeGreaterThan(0);
    expect(item.fee.amountFen).toBe(seed.fee.amountFen);
    expect(item.greenChannel?.limitHours).toBe(24);
    expect(Date.parse(item.updatedAt)).not.toBeNaN();
  });

  it.each([
    ['丢了身份证', '居民身份证补领'],
    ['挪车', '堵路移车'],
    ['身份证掉了怎么办', '居民身份证补领'],
    ['无犯罪证明', '无犯罪记录证明'],
    ['驾照到期', '驾驶证期满换证'],
  ])('search "%s" ranks %s first', async (q, expected) => {
    const body = await json<SearchResponse>(`/api/v1/catalog/search?q=${encodeURIComponent(q)}`);
    expect(body.items[0]?.name).toBe(expected);
    const scores = body.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('search "身份证" finds the ID-card items, the reissue among the first three', async () => {
    const body = await json<SearchResponse>(`/api/v1/catalog/search?q=${encodeURIComponent('身份证')}`);
    expect(body.items.slice(0, 3).map((i) => i.name)).toContain('居民身份证补领');
    expect(body.items.every((i) => i.score > 0)).toBe(true);
    const nothing = await json<SearchResponse>(`/api/v1/catalog/search?q=${encodeURIComponent('量子计算机')}`);
    expect(nothing.total).toBe(0);
  });

  it('serves bundles with their items', async () => {
    const list = await json<{ bundles: { bundleCode: string }[] }>('/api/v1/catalog/bundles');
    expect(list.bundles.length).toBe(seedBundles.length);
    const detail = await json<BundleDetail>(`/api/v1/catalog/bundles/${seedBundles[0].bundleCode}`);
    expect(detail.items.map((i) => i.itemCode)).toEqual(seedBundles[0].itemCodes);
  });

  it('answers If-None-Match with 304 and a changed item with a new ETag', async () => {
    const seed = byName('堵路移车');
    const path = `/api/v1/catalog/items/${seed.itemCode}`;
    const first = await app.get(path);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    // fetch() adds `Cache-Control: no-cache` to conditional requests (Fetch spec), which rightly
    // forbids a 304; a browser revalidating or wx.request sends max-age=0 or nothing.
    const revalidate = { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' };
    const again = await app.get(path, revalidate);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    await app.container.catalog.saveItem({ ...seed, consultPhone: '0731-12345678' });
    const changed = await app.get(path, revalidate);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as ServiceItem).consultPhone).toBe('0731-12345678');
  });

  it('invalidates cached lists and search when the catalogue changes', async () => {
    const seed = byName('临时居民身份证');
    const before = await json<SearchResponse>(`/api/v1/catalog/search?q=${encodeURIComponent('临时居民身份证')}`);
    expect(before.items.map((i) => i.itemCode)).toContain(seed.itemCode);
    const countBefore = (await json<DomainListResponse>('/api/v1/catalog/domains')).domains.find((d) => d.code === seed.domain)!.itemCount;

    await app.container.catalog.saveItem({ ...seed, enabled: false });
    const after = await json<SearchResponse>(`/api/v1/catalog/search?q=${encodeURIComponent('临时居民身份证')}`);
    expect(after.items.map((i) => i.itemCode)).not.toContain(seed.itemCode);
    const countAfter = (await json<DomainListResponse>('/api/v1/catalog/domains')).domains.find((d) => d.code === seed.domain)!.itemCount;
    expect(countAfter).toBe(countBefore - 1);
    const gone = await json<ErrorBody>(`/api/v1/catalog/items/${seed.itemCode}`, 404);
    expect(gone.code).toBe('ITEM_NOT_FOUND');

    await app.container.catalog.saveItem(seed);
    expect((await json<ServiceItem>(`/api/v1/catalog/items/${seed.itemCode}`)).enabled).toBe(true);
  });

  describe('bad input', () => {
    it.each([
      ['/api/v1/catalog/items/NOSUCHITEM0000000000', 404, 'ITEM_NOT_FOUND', undefined],
      ['/api/v1/catalog/domains/space', 404, 'DOMAIN_NOT_FOUND', undefined],
      ['/api/v1/catalog/bundles/NO_SUCH_BUNDLE', 404, 'BUNDLE_NOT_FOUND', undefined],
      ['/api/v1/catalog/items?pageSize=51', 400, 'VALIDATION_FAILED', 'query.pageSize'],
      ['/api/v1/catalog/items?pageSize=0', 400, 'VALIDATION_FAILED', 'query.pageSize'],
      ['/api/v1/catalog/items?page=-1', 400, 'VALIDATION_FAILED', 'query.page'],
      ['/api/v1/catalog/items?page=abc', 400, 'VALIDATION_FAILED', 'query.page'],
      ['/api/v1/catalog/items?domain=space', 400, 'VALIDATION_FAILED', 'query.domain'],
      ['/api/v1/catalog/items?handlingMode=teleport', 400, 'VALIDATION_FAILED', 'query.handlingMode'],
      ['/api/v1/catalog/items?onlineOnly=maybe', 400, 'VALIDATION_FAILED', 'query.onlineOnly'],
      ['/api/v1/catalog/items?page=1&page=2', 400, 'VALIDATION_FAILED', 'query.page'],
      ['/api/v1/catalog/search', 400, 'VALIDATION_FAILED', 'query.q'],
      ['/api/v1/catalog/search?q=%20%20', 400, 'VALIDATION_FAILED', 'query.q'],
      [`/api/v1/catalog/search?q=${'身'.repeat(41)}`, 400, 'VALIDATION_FAILED', 'query.q'],
      [`/api/v1/catalog/items/${'A'.repeat(65)}`, 400, 'VALIDATION_FAILED', 'params.itemCode'],
      ['/api/v1/no/such/route', 404, 'ROUTE_NOT_FOUND', undefined],
    ])('%s → %i %s', async (path, status, code, field) => {
      const body = await json<ErrorBody & { details?: { issues: { field: string }[] } }>(path, status);
      expect(body.code).toBe(code);
      expect(body.requestId).toMatch(/^[\w-]{8,}$/);
      expect(body.message).not.toMatch(/select|from|at \w+ \(/i);
      if (field) expect(body.details?.issues.map((i) => i.field)).toContain(field);
    });

    it('answers a wrong method with 405 in the error shape', async () => {
      const res = await fetch(`${app.url}/api/v1/catalog/domains`, { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(((await res.json()) as ErrorBody).code).toBe('METHOD_NOT_ALLOWED');
    });

    it('logged no stack trace for any 4xx', () => {
      const fourXx = app.logs.filter((l) => typeof l.status === 'number' && l.status >= 400 && l.status < 500);
      expect(fourXx.length).toBeGreaterThan(10);
      expect(app.logs.some((l) => 'err' in l || JSON.stringify(l).includes('    at '))).toBe(false);
    });
  });
});
