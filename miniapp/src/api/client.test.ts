import { createCatalogApi } from './catalog';
import { createRequest, DEFAULT_TIMEOUT_MS, type Transport, type TransportRequest, type TransportResponse } from './client';
import { ApiError, NetworkError } from './errors';
import { EtagCache } from './etag';

/** A transport that records requests and answers from a queue. */
function fakeTransport(...answers: Array<TransportResponse | { reject: unknown }>) {
  const calls: TransportRequest[] = [];
  const transport: Transport = async (req) => {
    calls.push(req);
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    if ('reject' in next) throw next.reject;
    return next;
  };
  return { transport, calls };
}

describe('createRequest', () => {
  it('GETs base + /api/v1 + path + query with a timeout and resolves with the body', async () => {
    const { transport, calls } = fakeTransport({ statusCode: 200, data: { domains: [] } });
    const request = createRequest({ base: 'http://localhost:8080', transport });
    await expect(request('/catalog/domains', { query: { page: 1 } })).resolves.toEqual({ domains: [] });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://localhost:8080/api/v1/catalog/domains?page=1');
    expect(calls[0].method).toBe('GET');
    expect(calls[0].timeout).toBe(DEFAULT_TIMEOUT_MS);
    expect(calls[0].header.Accept).toBe('application/json');
    expect(calls[0].header['Content-Type']).toBeUndefined();
  });

  it('parses a JSON body a mini-program handed back as a string', async () => {
    const { transport } = fakeTransport({ statusCode: 200, data: '{"ok":true}' });
    await expect(createRequest({ base: '', transport })('/x')).resolves.toEqual({ ok: true });
  });

  it('sends a JSON body with its content type and a per-call timeout', async () => {
    const { transport, calls } = fakeTransport({ statusCode: 201, data: { id: 1 } });
    const request = createRequest({ base: '', transport, timeoutMs: 5000 });
    await request('/things', { method: 'POST', data: { a: 1 }, timeoutMs: 2000 });
    expect(calls[0]).toMatchObject({ url: '/api/v1/things', method: 'POST', data: { a: 1 }, timeout: 2000 });
    expect(calls[0].header['Content-Type']).toBe('application/json');
  });

  it('rejects a non-2xx answer with an ApiError carrying the error body', async () => {
    const { transport } = fakeTransport({
      statusCode: 404,
      data: { code: 'ITEM_NOT_FOUND', message: 'no service item 123', requestId: 'req-7' },
      header: { 'X-Request-Id': 'req-7' },
    });
    const request = createRequest({ base: '', transport });
    const err = await request('/catalog/items/123').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'ITEM_NOT_FOUND', message: 'no service item 123', requestId: 'req-7' });
  });

  it('rejects a transport failure with a NetworkError, a timeout distinctly', async () => {
    const { transport } = fakeTransport({ reject: { errMsg: 'request:fail timeout' } }, { reject: new TypeError('Failed to fetch') });
    const request = createRequest({ base: '', transport });
    const timeout = await request('/a').catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(NetworkError);
    expect((timeout as NetworkError).kind).toBe('timeout');
    const offline = await request('/a').catch((e: unknown) => e);
    expect(offline).toBeInstanceOf(NetworkError);
    expect((offline as NetworkError).kind).toBe('network');
    expect(offline).not.toBeInstanceOf(ApiError);
  });

  it('revalidates with If-None-Match and serves the kept body on 304', async () => {
    const item = { itemCode: 'A1', name: '身份证挂失补办' };
    const { transport, calls } = fakeTransport(
      { statusCode: 200, data: item, header: { ETag: '"v1"' } },
      { statusCode: 304, data: '', header: { ETag: '"v1"' } },
    );
    const request = createRequest({ base: '', transport, etagCache: new EtagCache() });
    await expect(request('/catalog/items/A1')).resolves.toEqual(item);
    expect(calls[0].header['If-None-Match']).toBeUndefined();
    await expect(request('/catalog/items/A1')).resolves.toEqual(item);
    expect(calls[1].header['If-None-Match']).toBe('"v1"');
  });

  it('treats a 304 it cannot serve from its cache as an error, and never caches POSTs', async () => {
    const cache = new EtagCache();
    const { transport, calls } = fakeTransport({ statusCode: 304, data: '' }, { statusCode: 200, data: { ok: 1 }, header: { etag: '"p"' } });
    const request = createRequest({ base: '', transport, etagCache: cache });
    await expect(request('/x')).rejects.toBeInstanceOf(ApiError);
    await request('/x', { method: 'POST', data: {} });
    expect(cache.size).toBe(0);
    expect(calls[1].header['If-None-Match']).toBeUndefined();
  });
});

describe('createCatalogApi', () => {
  function api(answer: TransportResponse = { statusCode: 200, data: {} }) {
    const { transport, calls } = fakeTransport(answer);
    return { catalog: createCatalogApi(createRequest({ base: '', transport })), calls };
  }

  it('lists items with the filters the BFF understands', async () => {
    const { catalog, calls } = api();
    await catalog.items({ domain: 'household', handlingMode: 'online', onlineOnly: true, page: 2, pageSize: 20 });
    expect(calls[0].url).toBe('/api/v1/catalog/items?domain=household&handlingMode=online&onlineOnly=true&page=2&pageSize=20');
  });

  it('leaves out onlineOnly=false and caps pageSize at MAX_PAGE_SIZE', async () => {
    const { catalog, calls } = api();
    await catalog.items({ onlineOnly: false, pageSize: 500 });
    expect(calls[0].url).toBe('/api/v1/catalog/items?pageSize=50');
  });

  it('trims the search text and encodes it', async () => {
    const { catalog, calls } = api();
    await catalog.search({ q: '  挪车 ', page: 1 });
    expect(calls[0].url).toBe('/api/v1/catalog/search?q=%E6%8C%AA%E8%BD%A6&page=1');
  });

  it('encodes codes in item, domain and bundle paths', async () => {
    const one = api();
    await one.catalog.item('11430000MB1234567X');
    expect(one.calls[0].url).toBe('/api/v1/catalog/items/11430000MB1234567X');
    const two = api();
    await two.catalog.bundle('NEWBORN/../x');
    expect(two.calls[0].url).toBe('/api/v1/catalog/bundles/NEWBORN%2F..%2Fx');
    const three = api();
    await three.catalog.domain('exit_entry');
    expect(three.calls[0].url).toBe('/api/v1/catalog/domains/exit_entry');
  });

  it('reaches domains and bundles at their shared-types paths', async () => {
    const one = api();
    await one.catalog.domains();
    expect(one.calls[0].url).toBe('/api/v1/catalog/domains');
    const two = api();
    await two.catalog.bundles();
    expect(two.calls[0].url).toBe('/api/v1/catalog/bundles');
  });
});
