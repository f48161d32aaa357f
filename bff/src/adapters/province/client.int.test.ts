/**
 * The province client against the provincial platform simulator over real HTTP: what we push
 * arrives in the dialect, signed, and reads back equal to the canonical input; refusals and
 * outages are classified as the outbox needs them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { OPEN_API_HEADERS, OpenCatalogItemSchema, type OpenCaseEvent, type OpenCatalogItem } from '@onevisit/shared-types';
import { seedItems } from '../../modules/catalog/seed';
import { toDialect } from '../../modules/partners/mapping/engine';
import { builtInProfiles } from '../../modules/partners/mapping/registry';
import { signedHeaders } from '../../modules/partners/signature';
import type { SimContext } from '../../sim/context';
import { generateProvinceCredentials, provinceSimulator, type ProvinceSimulator } from '../../sim/province';
import { closeServer, deadOrigin, listen } from '../../sim/testServer';
import { FaultBoard } from '../../sim/util';
import { catalogVersionTag, classifyRefusal, createProvinceClient, type ProvinceClientOptions } from './client';
import { PROVINCE_PATHS, type ProvincePort } from './port';

const profile = builtInProfiles().find((p) => p.id === 'hunan-province')!;
const NO_CRIME = '11430000006940001H205602001001';

function catalogItem(over: Partial<OpenCatalogItem> = {}): OpenCatalogItem {
  const seed = seedItems.find((i) => i.itemCode === NO_CRIME)!;
  // The dialect carries Beijing time to the second: whole seconds read back exactly.
  return OpenCatalogItemSchema.parse({ ...seed, updatedAt: '2026-03-02T01:02:03.000Z', ...over });
}

let seq = 0;
function caseEvent(over: Partial<OpenCaseEvent> = {}): OpenCaseEvent {
  seq += 1;
  return {
    eventId: `evt_test_${Date.now().toString(36)}_${seq}`,
    type: 'case.status_changed',
    occurredAt: '2026-03-02T01:02:04.000Z',
    caseNo: `${NO_CRIME}202603020001`,
    serialNo: `${NO_CRIME}202603020001`,
    itemCode: NO_CRIME,
    action: 'accept',
    actionName: '受理',
    state: 'accepted',
    stateName: '已受理',
    note: null,
    ...over,
  };
}

describe('province client against the provincial platform simulator', () => {
  let server: Server;
  let url = '';
  let baseUrl = '';
  let deadUrl = '';
  let clockOffsetMs = 0;
  let sim: ProvinceSimulator;
  const credentials = generateProvinceCredentials('HMAC-SM3');
  const faults = new FaultBoard();
  const client = (over: Partial<ProvinceClientOptions> = {}): ProvincePort => createProvinceClient({ baseUrl: () => baseUrl, ...credentials, profile, timeoutMs: 2000, ...over });

  beforeAll(async () => {
    deadUrl = await deadOrigin();
    const router = new Router({ prefix: '/sim' });
    const ctx: SimContext = { router, prefix: '/sim', now: () => Date.now() + clockOffsetMs, faults, publicBase: () => url };
    sim = provinceSimulator(ctx, { credentials, profile, hangMs: 5000 });
    const app = new Koa();
    app.silent = true;
    app.use(router.routes());
    server = await listen(app);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    baseUrl = `${url}/sim/province`;
  });
  afterEach(() => {
    faults.clear();
    sim.failNext(0);
    clockOffsetMs = 0;
    sim.reset();
  });
  afterAll(async () => {
    sim.stop();
    await closeServer(server);
  });

  it('pushes a catalogue item in the dialect, signed; it reads back equal, and versions are kept', async () => {
    const item = catalogItem();
    await client().pushCatalogItem(item);
    const got = sim.received();
    expect(got.catalog).toEqual([{ itemCode: NO_CRIME, versions: [item], pushes: 1 }]);
    const [request] = got.requests;
    expect(request.path).toBe(`/sim/province${PROVINCE_PATHS.catalogItems}`);
    expect(request.outcome).toBe('ok');
    expect(request.body).toEqual(toDialect(profile, 'catalogPage', { items: [item], nextCursor: catalogVersionTag(item), hasMore: false }));
    expect(request.body).toMatchObject({ sxlb: [{ sxbm: NO_CRIME, sxmc: item.name, gxsj: '2026-03-02 09:02:03' }], sfyxyy: '0' });
    expect(request.headers).toMatchObject({ [OPEN_API_HEADERS.appId.toLowerCase()]: credentials.appId, [OPEN_API_HEADERS.algorithm.toLowerCase()]: 'HMAC-SM3' });

    await client().pushCatalogItem(item); // a retry: the same version
    const changed = catalogItem({ name: `${item.name}（新版）`, updatedAt: '2026-03-03T00:00:00.000Z' });
    await client().pushCatalogItem(changed);
    const after = sim.received();
    expect(after.catalog).toEqual([{ itemCode: NO_CRIME, versions: [item, changed], pushes: 3 }]);
    expect(after.repeatedItems).toBe(1);
  });

  it('pushes a case event in the dialect; it reads back equal, and a repeat is counted, not stored twice', async () => {
    const event = caseEvent({ note: '材料齐全，予以受理' });
    await client().pushCaseEvent(event);
    await client().pushCaseEvent(event);
    const got = sim.received();
    expect(got.events).toEqual([event]);
    expect(got.duplicateEvents).toBe(1);
    expect(sim.eventCount(event.eventId)).toBe(2);
    expect(got.requests[0].body).toEqual(toDialect(profile, 'event', event));
    expect(got.requests[0].body).toMatchObject({ sjbh: event.eventId, sjlx: 'BJZTBG', bjbh: event.caseNo, bjzt: '20', fssj: '2026-03-02 09:02:04', clyj: '材料齐全，予以受理' });
    expect(got.requests[0].headers[OPEN_API_HEADERS.nonce.toLowerCase()]).not.toBe(got.requests[1].headers[OPEN_API_HEADERS.nonce.toLowerCase()]);
  });

  it('gets a refused signature as rejected: a wrong secret, an unknown app, another algorithm', async () => {
    await expect(client({ secret: 'not-the-secret-the-province-issued' }).pushCaseEvent(caseEvent())).rejects.toMatchObject({ system: 'province', kind: 'rejected', upstreamCode: 'SIGNATURE_INVALID' });
    await expect(client({ appId: 'someone-else' }).pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'PARTNER_UNKNOWN' });
    // The dialect has one code (40003) for every signature mismatch; it reads back as the first listed.
    await expect(client({ algorithm: 'HMAC-SHA256' }).pushCatalogItem(catalogItem())).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'SIGNATURE_INVALID' });
    const got = sim.received();
    expect(got.requests.map((r) => r.outcome)).toEqual(['SIGNATURE_INVALID', 'PARTNER_UNKNOWN', 'SIGNATURE_ALGORITHM_MISMATCH']);
    expect(got.events).toEqual([]);
    expect(got.catalog).toEqual([]);
  });

  it('answers refusals in the dialect’s envelope: 200 with its own codes (headers, hash, replay, body)', async () => {
    const path = `/sim/province${PROVINCE_PATHS.caseEvents}`;
    const post = (body: string, headers: Record<string, string>) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body });
    const sign = (body: string) => signedHeaders({ ...credentials, method: 'POST', url: path, body });
    const envelope = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

    expect(await envelope(await post('{}', {}))).toMatchObject({ status: 200, body: { code: '40002', data: null, traceId: expect.stringMatching(/^prov-/) } });
    const body = JSON.stringify(toDialect(profile, 'event', caseEvent()));
    const headers = sign(body);
    expect(await envelope(await post(body.replace('"20"', '"90"'), headers))).toMatchObject({ status: 200, body: { code: '40003' } }); // body changed after signing
    expect(await envelope(await post(body, headers))).toMatchObject({ status: 200, body: { code: '0', msg: '成功', data: { duplicate: false } } });
    expect(await envelope(await post(body, headers))).toMatchObject({ status: 200, body: { code: '40005' } }); // replayed
    const notAnEvent = JSON.stringify({ sjbh: 'x1', bjzt: '77' });
    expect(await envelope(await post(notAnEvent, sign(notAnEvent)))).toMatchObject({ status: 200, body: { code: '40001', msg: expect.stringContaining('bjzt') } });
    const malformed = '{"sjbh":';
    expect(await envelope(await post(malformed, sign(malformed)))).toMatchObject({ status: 200, body: { code: '40001' } });
    expect(sim.received().requests.map((r) => r.outcome)).toEqual(['SIGNATURE_HEADERS_MISSING', 'BODY_HASH_MISMATCH', 'ok', 'SIGNATURE_NONCE_REPLAYED', 'VALIDATION_FAILED', 'MALFORMED_JSON']);
  });

  it('is unavailable when the province fails (500), is slow, is down, or our clock is off; then succeeds', async () => {
    sim.failNext(2);
    await expect(client().pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_500' });
    await expect(client().pushCatalogItem(catalogItem())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_500' });
    expect(sim.pendingFaults()).toBe(0);

    sim.failNext(1, 'timeout');
    const started = Date.now();
    await expect(client({ timeoutMs: 200 }).pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);

    await expect(client({ baseUrl: () => `${deadUrl}/sim/province` }).pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'ECONNREFUSED' });

    faults.set('province', { status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' });
    await expect(client().pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
    faults.set('province', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' });
    await expect(client().pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    faults.clear();

    clockOffsetMs = 10 * 60_000; // the province's clock is 10 minutes ahead of ours
    await expect(client().pushCaseEvent(caseEvent())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SIGNATURE_TIMESTAMP_SKEWED' });
    clockOffsetMs = 0;

    const event = caseEvent();
    await client().pushCaseEvent(event);
    expect(sim.received().events).toEqual([event]);
  });

  it('refuses before sending what the dialect cannot express', async () => {
    await expect(client().pushCaseEvent({ ...caseEvent(), state: 'teleported' as never })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'MAPPING_FAILED' });
    expect(sim.received().requests).toEqual([]);
  });

  it('classifies refusals: 4xx and 4xx-coded errors rejected; 5xx, 408/429, transient and unreadable codes unavailable', () => {
    expect(classifyRefusal(401, 'SIGNATURE_INVALID')).toBe('rejected');
    expect(classifyRefusal(200, 'VALIDATION_FAILED')).toBe('rejected');
    expect(classifyRefusal(200, 'INTERNAL_ERROR')).toBe('unavailable');
    expect(classifyRefusal(200, 'PARTNER_RATE_LIMITED')).toBe('unavailable');
    expect(classifyRefusal(429, 'X')).toBe('unavailable');
    expect(classifyRefusal(200, '99999')).toBe('unavailable');
    expect(classifyRefusal(400, '99999')).toBe('rejected');
  });
});
