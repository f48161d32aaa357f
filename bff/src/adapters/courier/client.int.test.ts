import { signRequest } from '../signing';
import { deadOrigin } from '../../sim/testServer';
import { COURIER_FAULT_SYSTEM } from '../../sim/courier';
import type { CourierOrder, CourierParty } from './port';
import { startCourierHarness, waitFor, type CourierHarness } from './testSupport';

const sender: CourierParty = { name: '长沙市公安局岳麓分局', phone: '0731-88888888', province: '湖南省', city: '长沙市', district: '岳麓区', address: '岳麓大道1号政务服务中心', postcode: '410006' };
const recipient: CourierParty = { name: '张三', phone: '13800138000', province: '湖南省', city: '株洲市', district: '天元区', address: '长江北路8号3栋201' };
let seq = 0;
const order = (over: Partial<CourierOrder> = {}): CourierOrder => ({
  orderNo: `DLV-${Date.now()}-${++seq}`,
  sender,
  recipient,
  parcel: { weightGrams: 150, description: '居民身份证' },
  serviceType: 'express',
  ...over,
});

describe('courier adapter against the simulator', () => {
  let h: CourierHarness;
  let deadUrl = '';
  beforeAll(async () => {
    deadUrl = await deadOrigin();
    h = await startCourierHarness({ autoAdvance: false });
  });
  afterEach(() => h.faults.clear());
  afterAll(() => h.close());

  it('books a waybill with an S10 number, idempotently by orderNo', async () => {
    const o = order();
    const { waybillNo } = await h.client().createWaybill(o);
    expect(waybillNo).toMatch(/^EA\d{9}CN$/);
    expect(await h.client().createWaybill(o)).toEqual({ waybillNo });
    expect(await h.client().createWaybill({ ...o, parcel: { weightGrams: 999, description: '另一件' } })).toEqual({ waybillNo });
    expect(h.sim.order(waybillNo)).toEqual(o);
    expect(h.sim.waybills().filter((w) => w.orderNo === o.orderNo)).toHaveLength(1);
    expect(await h.client().queryTracking(waybillNo)).toEqual([]);
  });

  it('reads tracking in order and hears every event pushed, signed and verified', async () => {
    const { waybillNo } = await h.client().createWaybill(order());
    for (let i = 0; i < 4; i++) h.sim.advance(waybillNo);
    const events = await h.client().queryTracking(waybillNo);
    expect(events.map((e) => e.status)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'signed']);
    expect(events[3]).toMatchObject({ signer: '本人', location: '株洲市天元区' });
    expect(events[0].location).toBe('长沙市');
    await waitFor(() => h.receiver.received.filter((r) => r.event.waybillNo === waybillNo).length === 4);
    const pushed = h.receiver.received.filter((r) => r.event.waybillNo === waybillNo);
    expect(pushed.map((r) => r.event)).toEqual(events);
    expect(pushed.every((r) => r.appKey === h.credentials.push.appKey)).toBe(true);
    expect(h.sim.advance(waybillNo)).toBeUndefined(); // final
  });

  it('cancels before pickup (idempotent), refuses after pickup, and refuses re-booking a cancelled order', async () => {
    const o = order();
    const { waybillNo } = await h.client().createWaybill(o);
    await h.client().cancelWaybill(waybillNo);
    await h.client().cancelWaybill(waybillNo);
    expect((await h.client().queryTracking(waybillNo)).map((e) => e.status)).toEqual(['cancelled']);
    await expect(h.client().createWaybill(o)).rejects.toMatchObject({ system: 'courier', kind: 'rejected', upstreamCode: 'ORDER_CANCELLED' });
    expect(h.sim.advance(waybillNo)).toBeUndefined();

    const picked = await h.client().createWaybill(order());
    h.sim.advance(picked.waybillNo);
    await expect(h.client().cancelWaybill(picked.waybillNo)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ALREADY_PICKED_UP' });
  });

  it('gets refusals of content as rejected', async () => {
    await expect(h.client().createWaybill(order({ parcel: { weightGrams: 0, description: '证件' } }))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
    await expect(h.client().queryTracking('EA123456785CN')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'WAYBILL_NOT_FOUND' });
    // not an S10 number: refused before any request
    await expect(h.client().queryTracking('EA123456784CN')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
    await expect(h.client().cancelWaybill('../../x')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
  });

  it('treats a refused signature as our channel’s outage (unavailable), not the order’s fault', async () => {
    await expect(h.client({ appSecret: 'wrong-secret-wrong-secret-000' }).createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SIGNATURE_INVALID' });
    await expect(h.client({ appKey: 'ov-courier-unknown' }).createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'APP_KEY_UNKNOWN' });
  });

  it('is unavailable when the courier is down, slow, failing or answering garbage', async () => {
    await expect(h.client({ baseUrl: () => `${deadUrl}/sim/courier` }).createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'ECONNREFUSED' });
    h.faults.set(COURIER_FAULT_SYSTEM, { delayMs: 2000 });
    await expect(h.client({ timeoutMs: 100 }).createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
    h.faults.set(COURIER_FAULT_SYSTEM, { status: 503 });
    await expect(h.client().createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
    h.faults.set(COURIER_FAULT_SYSTEM, { status: 429, body: '{"code":"THROTTLED","message":"slow down"}', contentType: 'application/json' });
    await expect(h.client().createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'THROTTLED' });
    h.faults.set(COURIER_FAULT_SYSTEM, { status: 200, body: '<html>busy</html>', contentType: 'text/html' });
    await expect(h.client().queryTracking('EA123456785CN')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    h.faults.clear();
    expect((await h.client().createWaybill(order())).waybillNo).toMatch(/^EA\d{9}CN$/);
  });

  describe('the push receiver (what the BFF route does)', () => {
    it('refuses a push with a bad signature, a changed body, or a replay', async () => {
      const { waybillNo } = await h.client().createWaybill(order());
      h.sim.advance(waybillNo);
      await waitFor(() => h.receiver.raw.some((r) => r.body.includes(waybillNo)));
      const raw = h.receiver.raw.find((r) => r.body.includes(waybillNo))!;
      const post = (headers: Record<string, string>, body = raw.body) =>
        fetch(h.receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const u = new URL(h.receiver.url);
      // signed with a wrong secret
      const forged = signRequest({ method: 'POST', path: u.pathname, body: raw.body, appKey: h.credentials.push.appKey, appSecret: 'not-the-courier-secret-00000' });
      const bad = await post(forged);
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ code: 'SIGNATURE_INVALID' });
      // our own gateway key is not the courier's push key
      expect(await (await post(signRequest({ method: 'POST', path: u.pathname, body: raw.body, ...h.credentials.gateway }))).json()).toEqual({ code: 'APP_KEY_UNKNOWN' });
      // the genuine headers over a changed body
      const pick = (name: string) => raw.headers[name];
      const genuine = { 'x-app-key': pick('x-app-key'), 'x-timestamp': pick('x-timestamp'), 'x-nonce': pick('x-nonce'), 'x-signature': pick('x-signature') };
      expect((await post(genuine, raw.body.replace('picked_up', 'signed'))).status).toBe(401);
      // a replay of the genuine push
      const replay = await post(genuine);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual({ code: 'NONCE_REUSED' });
      expect(h.receiver.received.filter((r) => r.event.waybillNo === waybillNo)).toHaveLength(1);
      // a signed body that is not an event
      const junk = JSON.stringify({ waybillNo });
      const junkRes = await post(signRequest({ method: 'POST', path: u.pathname, body: junk, ...h.credentials.push }), junk);
      expect(junkRes.status).toBe(400);
    });
  });
});
