import { startTestApp, type TestApp } from '../../testing/app';
import { storageModes } from '../../testing/storage';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { security: unknown[]; parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

describe.each(storageModes().map((m) => [m.name, m] as const))('ops endpoints on %s', (_name, mode) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(mode);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports liveness and readiness of database and KV', async () => {
    expect(await (await app.get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', kv: 'ok' } });
  });

  it('echoes a sane incoming request id and replaces an unsafe one', async () => {
    const kept = await app.get('/healthz', { 'X-Request-Id': 'ingress-abc-123' });
    expect(kept.headers.get('x-request-id')).toBe('ingress-abc-123');
    const replaced = await app.get('/healthz', { 'X-Request-Id': 'bad id with spaces; drop table' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.logs.some((l) => l.reqId === 'ingress-abc-123' && l.msg === 'request')).toBe(true);
  });

  it('exposes a latency histogram labelled by route pattern, not by raw URL', async () => {
    await app.get('/api/v1/catalog/items?pageSize=1');
    const text = await (await app.get('/metrics')).text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/catalog\/items"/);
    const items = await (await app.get('/api/v1/catalog/items?pageSize=1')).json() as { items: { itemCode: string }[] };
    await app.get(`/api/v1/catalog/items/${items.items[0].itemCode}`);
    const after = await (await app.get('/metrics')).text();
    expect(after).toContain('route="/api/v1/catalog/items/:itemCode"');
    expect(after).not.toContain(items.items[0].itemCode);
  });

  it('publishes an OpenAPI 3.1 document generated from the routes, with security per route', async () => {
    const doc = (await (await app.get('/openapi.json')).json()) as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    const detail = doc.paths['/api/v1/catalog/items/{itemCode}'].get;
    expect(detail.security).toEqual([]);
    expect(detail.parameters).toEqual([expect.objectContaining({ name: 'itemCode', in: 'path' })]);
    expect(Object.keys(detail.responses)).toEqual(expect.arrayContaining(['200', '304', '400', '404', '429', '500']));
    const list = doc.paths['/api/v1/catalog/items'].get;
    expect(list.parameters.map((p) => p.name)).toEqual(['page', 'pageSize', 'domain', 'handlingMode', 'onlineOnly']);
    expect(doc.components.schemas).toHaveProperty('ServiceItem');
    expect(doc.components.schemas).toHaveProperty('Error');
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['citizenSession', 'staffSession', 'partnerSignature']);
    expect(await (await app.get('/docs')).text()).toContain('swagger-ui-bundle.js');
    expect(await (await app.get('/docs/init.js')).text()).toContain("url: '/openapi.json'");
    expect((await app.get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    expect((await app.get('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('rate-limits the citizen API per client address with 429 and Retry-After', async () => {
    const limited = await startTestApp(mode, { RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.get('/api/v1/catalog/domains')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const res = await limited.get('/api/v1/catalog/domains');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { code: string }).code).toBe('RATE_LIMITED');
      expect((await limited.get('/healthz')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, fails readiness, then refuses new connections', async () => {
    const app = await startTestApp(storageModes()[0]);
    const original = app.container.catalog.domains.bind(app.container.catalog);
    app.container.catalog.domains = async () => {
      await new Promise((r) => setTimeout(r, 400));
      return original();
    };
    const inFlight = fetch(`${app.url}/api/v1/catalog/domains`);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = app.close();
    expect(app.container.lifecycle.draining).toBe(true);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { domains: unknown[] }).domains).toHaveLength(10);
    await stopping;
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  });
});
