import { createHash } from 'node:crypto';
import { signRequest } from '../adapters/signing';
import { startUpstreamHarness, waitFor, type UpstreamHarness } from '../adapters/upstream/testSupport';
import type { UpstreamCaseSubmission } from '../adapters/upstream/port';
import { HOUSEHOLD_RESIDENTS } from './household';
import { upstreamSimulator } from './upstream';

let seq = 0;
const material = (name: string) => ({ name, sha256: createHash('sha256').update(name).digest('hex'), mime: 'application/pdf', bytes: 2048 });
const submission = (itemCode: string): UpstreamCaseSubmission => ({
  caseNo: `SIM-${Date.now()}-${++seq}`,
  itemCode,
  applicant: { name: HOUSEHOLD_RESIDENTS[1].name, idNumber: HOUSEHOLD_RESIDENTS[1].idNumber },
  form: {},
  materials: [material('a.pdf')],
  submittedAt: new Date().toISOString(),
});

describe('upstream simulator', () => {
  let h: UpstreamHarness;
  beforeEach(async () => {
    h = await startUpstreamHarness({ rules: { default: ['not_accepted'], SLOW: [{ decision: 'accepted', delayMs: 60_000 }, 'approved'] } });
  });
  afterEach(() => h.close());

  it('verifies our signatures itself: a wrong secret, a replay, an unknown system', async () => {
    const path = '/sim/upstream/v1/household/cases';
    const body = JSON.stringify(submission('X'));
    const post = (headers: Record<string, string>, p = path) => fetch(`${h.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const bad = await post(signRequest({ method: 'POST', path, body, appKey: h.credentials.gateway.appKey, appSecret: 'wrong-secret-wrong-secret-00' }));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    // the callback key is theirs, not a key to call them with
    expect(await (await post(signRequest({ method: 'POST', path, body, ...h.credentials.callback }))).json()).toMatchObject({ code: 'APP_KEY_UNKNOWN' });
    const good = signRequest({ method: 'POST', path, body, ...h.credentials.gateway });
    expect((await post(good)).status).toBe(200);
    const replay = await post(good);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });
    const anti = '/sim/upstream/v1/anti_drug/cases';
    const unknown = await post(signRequest({ method: 'POST', path: anti, body, ...h.credentials.gateway }), anti);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'UNKNOWN_SYSTEM' });
  });

  it('retries a callback answered non-2xx with backoff, then delivers in order', async () => {
    h.receiver.failNext(2, 503);
    const { upstreamRef } = await h.client().submit('household', submission('X'));
    await waitFor(() => h.sim.deliveries().some((d) => d.upstreamRef === upstreamRef && d.status === 'not_accepted' && d.ok));
    expect(h.receiver.received.map((r) => r.event.status)).toEqual(['received', 'not_accepted']);
    const log = h.sim.deliveries().filter((d) => d.upstreamRef === upstreamRef);
    expect(log.map((d) => [d.status, d.attempt, d.outcome, d.ok])).toEqual([
      ['received', 1, 503, false],
      ['received', 2, 503, false],
      ['received', 3, 204, true],
      ['not_accepted', 1, 204, true],
    ]);
    expect(h.sim.pendingTimers()).toBe(0);
  });

  it('gives up on an event after the bounded attempts and goes on with the next', async () => {
    h.receiver.failNext(4, 500);
    const { upstreamRef } = await h.client().submit('traffic', submission('X'));
    await waitFor(() => h.sim.deliveries().some((d) => d.upstreamRef === upstreamRef && d.status === 'not_accepted' && d.ok));
    const log = h.sim.deliveries().filter((d) => d.upstreamRef === upstreamRef);
    expect(log.filter((d) => d.status === 'received').map((d) => d.attempt)).toEqual([1, 2, 3, 4]);
    expect(log.find((d) => d.status === 'received' && d.attempt === 4)).toMatchObject({ ok: false, gaveUp: true });
    expect(h.receiver.received.map((r) => r.event.status)).toEqual(['not_accepted']);
    // the events stay readable by polling
    expect((await h.client().queryStatus('traffic', upstreamRef)).map((e) => e.status)).toEqual(['received', 'not_accepted']);
  });

  it('decides by hand: cancels the rule, then follows only manual decisions', async () => {
    const { upstreamRef } = await h.client().submit('exit_entry', submission('SLOW'));
    expect(h.sim.pendingTimers()).toBe(1); // the 60 s step
    const asked = h.sim.decideNow(upstreamRef, 'supplement_requested', '请补充护照照片页');
    expect(asked).toMatchObject({ status: 'supplement_requested', note: '请补充护照照片页', supplementReasons: [expect.any(String)] });
    expect(h.sim.pendingTimers()).toBe(0);
    await h.client().answerSupplement('exit_entry', upstreamRef, [material('passport.jpg')]);
    expect(h.sim.pendingTimers()).toBe(0); // manual now: the rule does not resume
    expect(h.sim.cases().find((c) => c.upstreamRef === upstreamRef)).toMatchObject({ manual: true, awaitingSupplement: false, supplements: 1, status: 'supplement_requested' });

    // the dev route does the same over HTTP
    const res = await fetch(`${h.url}/sim/upstream/dev/cases/${upstreamRef}/decide`, { method: 'POST', body: JSON.stringify({ decision: 'approved' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ event: { status: 'approved', note: '审批通过' } });
    expect(h.sim.decideNow(upstreamRef, 'rejected')).toBeUndefined();
    expect((await fetch(`${h.url}/sim/upstream/dev/cases/${upstreamRef}/decide`, { method: 'POST', body: '{"decision":"rejected"}' })).status).toBe(409);
    expect((await fetch(`${h.url}/sim/upstream/dev/cases/nope/decide`, { method: 'POST', body: '{"decision":"rejected"}' })).status).toBe(404);
    expect(h.sim.decideNow('nope', 'approved')).toBeUndefined();

    await waitFor(() => h.receiver.received.filter((r) => r.event.upstreamRef === upstreamRef).length === 3);
    expect(h.receiver.received.filter((r) => r.event.upstreamRef === upstreamRef).map((r) => r.event.status)).toEqual(['received', 'supplement_requested', 'approved']);
    const cases = (await (await fetch(`${h.url}/sim/upstream/dev/cases`)).json()) as { cases: { upstreamRef: string; final: boolean }[] };
    expect(cases.cases.find((c) => c.upstreamRef === upstreamRef)).toMatchObject({ final: true });
    expect(JSON.stringify(cases)).not.toContain(HOUSEHOLD_RESIDENTS[1].idNumber);
  });

  it('withdraws a case on a signed request only: drops its pending step and its undelivered callbacks, idempotently', async () => {
    // Slow retries, so the failed `received` callback is still waiting when the case is withdrawn.
    const slow = await startUpstreamHarness({ rules: { SLOW: [{ decision: 'accepted', delayMs: 60_000 }, 'approved'] }, retry: { attempts: 4, baseDelayMs: 60_000 } });
    try {
      slow.receiver.failNext(1, 503);
      const { upstreamRef } = await slow.client().submit('household', submission('SLOW'));
      await waitFor(() => slow.sim.deliveries().some((d) => d.upstreamRef === upstreamRef));
      expect(slow.sim.pendingTimers()).toBe(2); // the 60 s step and the callback's 60 s retry

      const path = `/sim/upstream/v1/household/cases/${upstreamRef}/withdrawal`;
      const body = JSON.stringify({ reason: '不需要了' });
      const post = (headers: Record<string, string>) => fetch(`${slow.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const forged = await post(signRequest({ method: 'POST', path, body, appKey: slow.credentials.gateway.appKey, appSecret: 'wrong-secret-wrong-secret-00' }));
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
      expect(await (await post({})).json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
      expect(await (await post(signRequest({ method: 'POST', path, body, ...slow.credentials.callback }))).json()).toMatchObject({ code: 'APP_KEY_UNKNOWN' });
      expect(slow.sim.cases()[0]).toMatchObject({ withdrawn: false });
      expect(slow.sim.pendingTimers()).toBe(2);

      const good = signRequest({ method: 'POST', path, body, ...slow.credentials.gateway });
      const res = await post(good);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ outcome: 'withdrawn' });
      expect((await post(good)).status).toBe(401); // the nonce, once
      expect(slow.sim.pendingTimers()).toBe(0);
      expect(slow.sim.cases()[0]).toMatchObject({ withdrawn: true, status: 'received', events: 1 });
      expect(await slow.client().withdraw('household', upstreamRef, '不需要了')).toEqual({ outcome: 'already_withdrawn' });
      const decide = await fetch(`${slow.url}/sim/upstream/dev/cases/${upstreamRef}/decide`, { method: 'POST', body: '{"decision":"approved"}' });
      expect(decide.status).toBe(409);
      expect(await decide.json()).toMatchObject({ code: 'CASE_WITHDRAWN' });
      expect(slow.sim.deliveries().map((d) => [d.status, d.attempt, d.ok])).toEqual([['received', 1, false]]);
      expect(slow.receiver.received).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('takes rules per item code and validates them', async () => {
    h.sim.setRule('NEW', [{ decision: 'accepted', delayMs: 0 }, { decision: 'rejected', delayMs: 10, note: '证件已失效' }]);
    const { upstreamRef } = await h.client().submit('public_order', submission('NEW'));
    await waitFor(() => h.sim.events(upstreamRef)?.length === 3);
    expect(h.sim.events(upstreamRef)!.map((e) => [e.status, e.note])).toEqual([
      ['received', undefined],
      ['accepted', '已受理'],
      ['rejected', '证件已失效'],
    ]);
    expect(() => h.sim.setRule('BAD', ['approved', 'accepted'])).toThrow(/final/);
    expect(() => h.sim.setRule('BAD', [])).toThrow(/at least one/);
    expect(() => h.sim.setRule('BAD', ['done' as 'approved'])).toThrow(/unknown decision/);
    const viaDev = await fetch(`${h.url}/sim/upstream/dev/rules`, { method: 'POST', body: JSON.stringify({ itemCode: 'default', rule: ['accepted', 'approved', 'accepted'] }) });
    expect(viaDev.status).toBe(400);
    const ok = await fetch(`${h.url}/sim/upstream/dev/rules`, { method: 'POST', body: JSON.stringify({ itemCode: 'default', rule: { steps: ['accepted', 'approved'], delayMs: 0 } }) });
    expect(ok.status).toBe(200);
    const second = await h.client().submit('public_order', submission('OTHER'));
    await waitFor(() => h.sim.events(second.upstreamRef)?.length === 3);
    expect(h.sim.events(second.upstreamRef)!.map((e) => e.status)).toEqual(['received', 'accepted', 'approved']);
    h.sim.setRule('default', null); // back to the built-in default
  });

  it('stop() cancels pending timers and schedules nothing afterwards', async () => {
    await h.client().submit('household', submission('SLOW'));
    await h.client().submit('household', submission('SLOW'));
    expect(h.sim.pendingTimers()).toBe(2);
    h.sim.stop();
    expect(h.sim.pendingTimers()).toBe(0);
    await h.client().submit('household', submission('SLOW'));
    expect(h.sim.pendingTimers()).toBe(0);
  });

  it('exports credentials generation and needs no listening to construct', () => {
    expect(h.credentials.gateway.appKey).not.toBe(h.credentials.callback.appKey);
    expect(h.credentials.gateway.appSecret.length).toBeGreaterThanOrEqual(32);
    expect(typeof upstreamSimulator).toBe('function');
  });
});
