import Router from '@koa/router';
import { signRequest } from '../adapters/signing';
import { startCourierHarness, waitFor, type CourierHarness } from '../adapters/courier/testSupport';
import type { CourierOrder } from '../adapters/courier/port';
import { isValidS10 } from '../adapters/courier/port';
import { COURIER_FAULT_SYSTEM, courierSimulator, generateCourierCredentials } from './courier';
import { FaultBoard } from './util';

const party = { name: '张三', phone: '13800138000', province: '湖南省', city: '长沙市', district: '岳麓区', address: '麓山南路932号' };
let seq = 0;
const order = (over: Partial<CourierOrder> = {}): CourierOrder => ({
  orderNo: `SIM-${Date.now()}-${++seq}`,
  sender: { ...party, name: '岳麓分局' },
  recipient: party,
  parcel: { weightGrams: 80, description: '无犯罪记录证明' },
  serviceType: 'standard',
  ...over,
});

describe('courier simulator', () => {
  let h: CourierHarness;
  afterEach(() => h?.close());

  it('moves a parcel through every step on its own, with the configured delays, and pushes each event', async () => {
    h = await startCourierHarness({ stepDelayMs: 5, delays: { out_for_delivery: 30 } });
    const { waybillNo } = await h.client().createWaybill(order());
    expect(isValidS10(waybillNo)).toBe(true);
    await waitFor(() => h.sim.waybills().find((w) => w.waybillNo === waybillNo)?.final === true);
    expect(h.sim.events(waybillNo)!.map((e) => e.status)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'signed']);
    const at = h.sim.events(waybillNo)!.map((e) => Date.parse(e.at));
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(25);
    await waitFor(() => h.receiver.received.length === 4);
    expect(h.receiver.received.map((r) => r.event.status)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'signed']);
    expect(h.sim.pendingTimers()).toBe(0);
  });

  it('returns a parcel by the per-order rule (default: 拒收 in the address; or a custom rule)', async () => {
    h = await startCourierHarness({ stepDelayMs: 0 });
    const refused = await h.client().createWaybill(order({ recipient: { ...party, address: '麓山南路932号（拒收）' } }));
    await waitFor(() => h.sim.waybills().find((w) => w.waybillNo === refused.waybillNo)?.final === true);
    const last = h.sim.events(refused.waybillNo)!.at(-1)!;
    expect(last).toMatchObject({ status: 'returned', reason: '收件人拒收' });
    expect(last.signer).toBeUndefined();

    h.sim.setOutcomeRule((o) => (o.parcel.description.includes('退') ? 'returned' : 'signed'));
    const custom = await h.client().createWaybill(order({ parcel: { weightGrams: 10, description: '退回件' } }));
    const normal = await h.client().createWaybill(order());
    await waitFor(() => h.sim.waybills().filter((w) => [custom.waybillNo, normal.waybillNo].includes(w.waybillNo) && w.final).length === 2);
    expect(h.sim.events(custom.waybillNo)!.at(-1)!.status).toBe('returned');
    expect(h.sim.events(normal.waybillNo)!.at(-1)!.status).toBe('signed');
  });

  it('advances by hand (hook and dev route), choosing the outcome, and the schedule goes on from there', async () => {
    h = await startCourierHarness({ stepDelayMs: 60_000 });
    const { waybillNo } = await h.client().createWaybill(order());
    expect(h.sim.pendingTimers()).toBe(1);
    expect(h.sim.advance(waybillNo)).toMatchObject({ status: 'picked_up', waybillNo });
    expect(h.sim.pendingTimers()).toBe(1); // the next step's 60 s
    const res = await fetch(`${h.url}/sim/courier/dev/waybills/${waybillNo}/advance`, { method: 'POST' });
    expect(await res.json()).toMatchObject({ event: { status: 'in_transit' } });
    h.sim.advance(waybillNo);
    const last = await fetch(`${h.url}/sim/courier/dev/waybills/${waybillNo}/advance`, { method: 'POST', body: JSON.stringify({ outcome: 'returned' }) });
    expect(await last.json()).toMatchObject({ event: { status: 'returned' } });
    expect(h.sim.pendingTimers()).toBe(0);
    const again = await fetch(`${h.url}/sim/courier/dev/waybills/${waybillNo}/advance`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await fetch(`${h.url}/sim/courier/dev/waybills/${waybillNo}/advance`, { method: 'POST', body: '{"outcome":"lost"}' })).status).toBe(400);
    expect((await fetch(`${h.url}/sim/courier/dev/waybills/EA123456785CN/advance`, { method: 'POST' })).status).toBe(404);
    const list = (await (await fetch(`${h.url}/sim/courier/dev/waybills`)).json()) as { waybills: unknown[] };
    expect(list.waybills).toEqual([expect.objectContaining({ waybillNo, state: 'returned', outcome: 'returned', final: true, events: 4 })]);
    expect(JSON.stringify(list)).not.toContain('13800138000');
    expect(h.sim.setOutcome(waybillNo, 'signed')).toBe(false);
  });

  it('retries a push answered non-2xx with backoff, then delivers the waybill’s events in order', async () => {
    h = await startCourierHarness({ autoAdvance: false });
    h.receiver.failNext(2, 503);
    const { waybillNo } = await h.client().createWaybill(order());
    h.sim.advance(waybillNo);
    h.sim.advance(waybillNo);
    await waitFor(() => h.sim.deliveries().filter((d) => d.ok).length === 2);
    expect(h.sim.deliveries().map((d) => [d.status, d.attempt, d.outcome, d.ok])).toEqual([
      ['picked_up', 1, 503, false],
      ['picked_up', 2, 503, false],
      ['picked_up', 3, 204, true],
      ['in_transit', 1, 204, true],
    ]);
    expect(h.receiver.received.map((r) => r.event.status)).toEqual(['picked_up', 'in_transit']);
  });

  it('gives up after the bounded attempts and goes on; the events stay readable by polling', async () => {
    h = await startCourierHarness({ autoAdvance: false, retry: { attempts: 3, baseDelayMs: 5 } });
    h.receiver.failNext(3, 500);
    const { waybillNo } = await h.client().createWaybill(order());
    h.sim.advance(waybillNo);
    h.sim.advance(waybillNo);
    await waitFor(() => h.sim.deliveries().some((d) => d.status === 'in_transit' && d.ok));
    const log = h.sim.deliveries();
    expect(log.filter((d) => d.status === 'picked_up').map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(log.find((d) => d.status === 'picked_up' && d.attempt === 3)).toMatchObject({ ok: false, gaveUp: true });
    expect(h.receiver.received.map((r) => r.event.status)).toEqual(['in_transit']);
    expect((await h.client().queryTracking(waybillNo)).map((e) => e.status)).toEqual(['picked_up', 'in_transit']);
  });

  it('verifies our signatures itself: a wrong secret, a replay, a GET signed for another path', async () => {
    h = await startCourierHarness({ autoAdvance: false });
    const path = '/sim/courier/v1/waybills';
    const body = JSON.stringify(order());
    const post = (headers: Record<string, string>) => fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const bad = await post(signRequest({ method: 'POST', path, body, appKey: h.credentials.gateway.appKey, appSecret: 'wrong-secret-wrong-secret-00' }));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await (await post(signRequest({ method: 'POST', path, body, ...h.credentials.push }))).json()).toMatchObject({ code: 'APP_KEY_UNKNOWN' });
    const good = signRequest({ method: 'POST', path, body, ...h.credentials.gateway });
    expect((await post(good)).status).toBe(200);
    const replay = await post(good);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });
    const tracking = `/sim/courier/v1/waybills/EA123456785CN/tracking`;
    const elsewhere = signRequest({ method: 'GET', path: '/sim/courier/v1/waybills/EA000000005CN/tracking', body: '', ...h.credentials.gateway });
    expect((await fetch(`${h.url}${tracking}`, { headers: elsewhere })).status).toBe(401);
  });

  it('injects faults on its API through the fault board and the dev route', async () => {
    h = await startCourierHarness({ autoAdvance: false });
    h.sim.setFault({ status: 502 });
    await expect(h.client().createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
    h.sim.setFault(null);
    expect((await fetch(`${h.url}/sim/courier/dev/fault`, { method: 'POST', body: JSON.stringify({ status: 500 }) })).status).toBe(200);
    await expect(h.client().createWaybill(order())).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_500' });
    expect((await fetch(`${h.url}/sim/courier/dev/fault`, { method: 'POST', body: JSON.stringify({ status: 99 }) })).status).toBe(400);
    expect((await fetch(`${h.url}/sim/courier/dev/fault`, { method: 'POST', body: 'null' })).status).toBe(200);
    expect((await h.client().createWaybill(order())).waybillNo).toMatch(/CN$/);
  });

  it('stop() cancels step timers and push retries; nothing is scheduled afterwards', async () => {
    h = await startCourierHarness({ stepDelayMs: 60_000, retry: { attempts: 5, baseDelayMs: 60_000 } });
    h.receiver.failNext(10, 503);
    const { waybillNo } = await h.client().createWaybill(order());
    h.sim.advance(waybillNo);
    await waitFor(() => h.sim.deliveries().length === 1);
    expect(h.sim.pendingTimers()).toBe(2); // the next step and the push retry
    h.sim.stop();
    expect(h.sim.pendingTimers()).toBe(0);
    expect(h.sim.advance(waybillNo)).toMatchObject({ status: 'in_transit' });
    expect(h.sim.pendingTimers()).toBe(0);
  });

  it('refuses bad delay options', () => {
    const ctx = { router: new Router(), prefix: '/sim', now: Date.now, faults: new FaultBoard(), publicBase: () => '' };
    expect(() => courierSimulator(ctx, { credentials: generateCourierCredentials(), callbackUrl: () => '', delays: { in_transit: -1 } })).toThrow(/in_transit/);
    expect(() => courierSimulator(ctx, { credentials: generateCourierCredentials(), callbackUrl: () => '', servicePrefix: 'E1' })).toThrow(/servicePrefix/);
    expect(COURIER_FAULT_SYSTEM).toBe('courier');
  });
});
