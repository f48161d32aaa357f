import { createHash } from 'node:crypto';
import { HOUSEHOLD_RESIDENTS } from '../../sim/household';
import { deadOrigin } from '../../sim/testServer';
import { signRequest } from '../signing';
import { verifyUpstreamCallback } from './callback';
import { createUpstreamClient } from './client';
import type { UpstreamCaseSubmission, UpstreamSystem } from './port';
import { startUpstreamHarness, waitFor, type UpstreamHarness } from './testSupport';

let seq = 0;
const material = (name: string) => ({ name, sha256: createHash('sha256').update(name).digest('hex'), mime: 'image/jpeg', bytes: 1024 });
function submission(itemCode: string, over: Partial<UpstreamCaseSubmission> = {}): UpstreamCaseSubmission {
  seq += 1;
  return {
    caseNo: `430000-${Date.now()}-${seq}`,
    itemCode,
    applicant: { name: HOUSEHOLD_RESIDENTS[0].name, idNumber: HOUSEHOLD_RESIDENTS[0].idNumber, phone: '13800138000' },
    form: { reason: '遗失补领', address: '长沙市岳麓区' },
    materials: [material('photo.jpg')],
    submittedAt: new Date().toISOString(),
    ...over,
  };
}

describe('upstream adapter (police business systems) against the simulator', () => {
  let h: UpstreamHarness;
  let deadUrl = '';
  beforeAll(async () => {
    deadUrl = await deadOrigin();
    h = await startUpstreamHarness({
      rules: {
        default: ['accepted', 'approved'],
        'ITEM-SUPP': ['supplement_requested', 'accepted', 'approved'],
        'ITEM-NA': ['not_accepted'],
        'ITEM-REJ': [{ decision: 'accepted', delayMs: 5 }, { decision: 'rejected', delayMs: 5, note: '不符合条件' }],
        'ITEM-SLOW': [{ decision: 'accepted', delayMs: 60_000 }],
      },
    });
  });
  afterEach(() => h.faults.clear());
  afterAll(() => h.close());

  const statuses = async (system: UpstreamSystem, ref: string) => (await h.client().queryStatus(system, ref)).map((e) => e.status);
  const settled = (ref: string, n: number) => waitFor(() => (h.sim.events(ref)?.length ?? 0) >= n && h.receiver.received.filter((r) => r.event.upstreamRef === ref).length >= n);

  it('submits idempotently by caseNo, per system', async () => {
    const c = submission('ITEM-SLOW');
    const first = await h.client().submit('household', c);
    expect(first.upstreamRef).toMatch(/^HZ\d{16}$/);
    expect(await h.client().submit('household', c)).toEqual(first);
    expect(await h.client().submit('household', { ...c, form: { changed: true } })).toEqual(first);
    expect(h.sim.cases().filter((s) => s.caseNo === c.caseNo)).toHaveLength(1);
    expect(h.sim.submission(first.upstreamRef)?.form).toEqual(c.form);
    // the same caseNo in another department's system is another case there
    const other = await h.client().submit('exit_entry', c);
    expect(other.upstreamRef).toMatch(/^CRJ/);
    expect(other.upstreamRef).not.toBe(first.upstreamRef);
    // and a ref is not found under the wrong system
    await expect(h.client().queryStatus('traffic', first.upstreamRef)).rejects.toMatchObject({ system: 'upstream:traffic', kind: 'rejected', upstreamCode: 'CASE_NOT_FOUND' });
  });

  it.each([
    ['default', 'traffic', ['received', 'accepted', 'approved']],
    ['ITEM-NA', 'public_order', ['received', 'not_accepted']],
    ['ITEM-REJ', 'exit_entry', ['received', 'accepted', 'rejected']],
  ] as const)('reports the events of rule %s in order (%s)', async (itemCode, system, expected) => {
    const { upstreamRef } = await h.client().submit(system, submission(itemCode));
    await settled(upstreamRef, expected.length);
    const events = await h.client().queryStatus(system, upstreamRef);
    expect(events.map((e) => e.status)).toEqual(expected);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(expected.length);
    expect(events.every((e) => e.upstreamRef === upstreamRef)).toBe(true);
    if (itemCode === 'ITEM-REJ') expect(events[2].note).toBe('不符合条件');
    // pushed too, in the same order, signed with the upstream's callback key
    const pushed = h.receiver.received.filter((r) => r.event.upstreamRef === upstreamRef);
    expect(pushed.map((r) => r.event)).toEqual(events);
    expect(pushed.every((r) => r.system === system && r.appKey === h.credentials.callback.appKey)).toBe(true);
  });

  it('runs the supplement flow: request, answer, then the rest of the rule', async () => {
    const { upstreamRef } = await h.client().submit('household', submission('ITEM-SUPP'));
    await settled(upstreamRef, 2);
    const asked = await h.client().queryStatus('household', upstreamRef);
    expect(asked.map((e) => e.status)).toEqual(['received', 'supplement_requested']);
    expect(asked[1].supplementReasons?.length).toBeGreaterThan(0);
    expect(h.sim.cases().find((c) => c.upstreamRef === upstreamRef)).toMatchObject({ awaitingSupplement: true, final: false });

    const more = [material('household-register.jpg')];
    await h.client().answerSupplement('household', upstreamRef, more, '已补充户口簿');
    await h.client().answerSupplement('household', upstreamRef, more); // a retry of the same answer is fine
    await settled(upstreamRef, 4);
    expect(await statuses('household', upstreamRef)).toEqual(['received', 'supplement_requested', 'accepted', 'approved']);
    await expect(h.client().answerSupplement('household', upstreamRef, [material('other.jpg')])).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'NO_SUPPLEMENT_PENDING' });
    await expect(h.client().answerSupplement('household', upstreamRef, [])).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
  });

  it('withdraws a case idempotently; the system then sends nothing more for it and takes no supplement', async () => {
    const { upstreamRef } = await h.client().submit('exit_entry', submission('ITEM-SLOW'));
    expect(await h.client().withdraw('exit_entry', upstreamRef, '已在窗口办理')).toEqual({ outcome: 'withdrawn' });
    expect(await h.client().withdraw('exit_entry', upstreamRef, '已在窗口办理')).toEqual({ outcome: 'already_withdrawn' });
    expect(h.sim.withdrawal(upstreamRef)?.reason).toBe('已在窗口办理');
    expect(h.sim.cases().find((c) => c.upstreamRef === upstreamRef)).toMatchObject({ withdrawn: true, final: false, status: 'received' });
    expect(h.sim.decideNow(upstreamRef, 'approved')).toBeUndefined();
    expect(await statuses('exit_entry', upstreamRef)).toEqual(['received']);
    await expect(h.client().answerSupplement('exit_entry', upstreamRef, [material('late.jpg')])).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'CASE_WITHDRAWN' });
  });

  it('refuses to withdraw a decided case (conflict), an unknown one and an empty reason; a bad signature is unavailable', async () => {
    const { upstreamRef } = await h.client().submit('traffic', submission('ITEM-NA'));
    await settled(upstreamRef, 2);
    await expect(h.client().withdraw('traffic', upstreamRef, '不需要了')).rejects.toMatchObject({ system: 'upstream:traffic', kind: 'rejected', upstreamCode: 'CASE_ALREADY_DECIDED' });
    expect(await statuses('traffic', upstreamRef)).toEqual(['received', 'not_accepted']);
    await expect(h.client().withdraw('household', upstreamRef, '不需要了')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'CASE_NOT_FOUND' });
    const open = await h.client().submit('traffic', submission('ITEM-SLOW'));
    await expect(h.client().withdraw('traffic', open.upstreamRef, '')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
    await expect(h.client({ appSecret: 'not-the-secret-at-all-000000' }).withdraw('traffic', open.upstreamRef, '不需要了')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SIGNATURE_INVALID' });
    expect(h.sim.cases().find((c) => c.upstreamRef === open.upstreamRef)?.withdrawn).toBe(false);
    h.faults.set('upstream', { status: 503 });
    await expect(h.client().withdraw('traffic', open.upstreamRef, '不需要了')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
  });

  it('gets refusals of the content as rejected', async () => {
    await expect(h.client().submit('household', submission('X', { applicant: { name: '张三', idNumber: '430102199001011230' } }))).rejects.toMatchObject({
      kind: 'rejected',
      upstreamCode: 'INVALID_ID_NUMBER',
    });
    await expect(h.client().submit('household', submission('X', { submittedAt: 'yesterday' }))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
    await expect(h.client().queryStatus('household', 'HZ-nope')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'CASE_NOT_FOUND' });
    await expect(h.client().submit('nope' as UpstreamSystem, submission('X'))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'UNKNOWN_SYSTEM' });
  });

  it('maps a refused signature (ours) to unavailable, keeping the upstream code', async () => {
    await expect(h.client({ appSecret: 'not-the-secret-at-all-000000' }).submit('household', submission('X'))).rejects.toMatchObject({
      system: 'upstream:household',
      kind: 'unavailable',
      upstreamCode: 'SIGNATURE_INVALID',
    });
    await expect(h.client({ appKey: 'someone-else' }).submit('household', submission('X'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'APP_KEY_UNKNOWN' });
  });

  it('is unavailable when the system is down, failing, throttling or slow', async () => {
    const down = createUpstreamClient({ baseUrl: () => `${deadUrl}/sim/upstream`, ...h.credentials.gateway });
    await expect(down.submit('traffic', submission('X'))).rejects.toMatchObject({ system: 'upstream:traffic', kind: 'unavailable' });
    h.faults.set('upstream', { status: 503 });
    await expect(h.client().submit('traffic', submission('X'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_503' });
    h.faults.set('upstream', { status: 500, body: '{"code":"BOOM"}', contentType: 'application/json' });
    await expect(h.client().queryStatus('traffic', 'JG1')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_500' });
    h.faults.set('upstream', { status: 429, body: '{"code":"THROTTLED","message":"slow down"}', contentType: 'application/json' });
    await expect(h.client().submit('traffic', submission('X'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'THROTTLED' });
    h.faults.set('upstream', { status: 200, body: '{"events":[{"status":"approved"}]}', contentType: 'application/json' });
    await expect(h.client().queryStatus('traffic', 'JG1')).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'bad_response' });
    h.faults.set('upstream', { delayMs: 500 });
    await expect(h.client({ timeoutMs: 50 }).submit('traffic', submission('X'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
  });

  describe('status callbacks, verified as the callback route will', () => {
    it('accepts the pushed events and refuses a tampered body, a wrong secret, a replayed nonce and an old timestamp', async () => {
      const { upstreamRef } = await h.client().submit('public_order', submission('default'));
      await settled(upstreamRef, 3);
      const raw = h.receiver.raw.find((r) => r.body.includes(upstreamRef) && r.body.includes('"approved"'))!;
      expect(raw).toBeDefined();
      const creds = h.credentials.callback;
      const fresh = () => {
        const seen = new Set<string>();
        return (k: string, n: string) => (seen.has(`${k}:${n}`) ? true : (seen.add(`${k}:${n}`), false));
      };
      const req = { path: raw.path };

      // as delivered: valid once (with a fresh nonce memory), replay refused
      const nonces = fresh();
      expect(await verifyUpstreamCallback(raw.body, raw.headers, creds, nonces, req)).toEqual({ ok: true, appKey: creds.appKey });
      expect(await verifyUpstreamCallback(raw.body, raw.headers, creds, nonces, req)).toEqual({ ok: false, reason: 'nonce_reused' });
      // the receiver's own memory already holds it: replaying the delivered request is refused
      const replay = await fetch(h.receiver.url, { method: 'POST', headers: raw.headers, body: raw.body });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual({ code: 'NONCE_REUSED' });

      const tampered = raw.body.replace('"approved"', '"rejected"');
      expect(await verifyUpstreamCallback(tampered, raw.headers, creds, fresh(), req)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(await verifyUpstreamCallback(raw.body, raw.headers, { ...creds, appSecret: 'wrong-secret-wrong-secret-000' }, fresh(), req)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(await verifyUpstreamCallback(raw.body, raw.headers, { appKey: 'other', appSecret: creds.appSecret }, fresh(), req)).toEqual({ ok: false, reason: 'unknown_key' });
      expect(await verifyUpstreamCallback(raw.body, raw.headers, creds, fresh(), { path: '/other/path' })).toEqual({ ok: false, reason: 'bad_signature' });

      const old = signRequest({ method: 'POST', path: raw.path, body: raw.body, ...creds, timestamp: Math.floor(Date.now() / 1000) - 301 });
      expect(await verifyUpstreamCallback(raw.body, old, creds, fresh(), req)).toEqual({ ok: false, reason: 'clock_skew' });
      const oldRes = await fetch(h.receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...old }, body: raw.body });
      expect(await oldRes.json()).toEqual({ code: 'TIMESTAMP_EXPIRED' });
      // someone with our gateway key (not the upstream's callback key) cannot push events
      const forged = signRequest({ method: 'POST', path: raw.path, body: raw.body, ...h.credentials.gateway });
      expect((await fetch(h.receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...forged }, body: raw.body })).status).toBe(401);
    });
  });
});
