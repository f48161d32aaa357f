/**
 * Our pushes to the provincial platform, end to end on the real app: case status changes from
 * the case's transaction through the outbox to the province simulator (in its dialect, signed,
 * verified there), and the catalogue push job with its durable cursor.
 */
import { randomUUID } from 'node:crypto';
import { CASE_ACTION_NAMES, CASE_STATE_NAMES, OPEN_API_HEADERS, OpenCatalogItemSchema, type ApplicationDetail, type OpenCaseEvent, type OpenCatalogItem, type OpenSubmitResponse, type PartnerSecretIssued, type StaffCaseDetail, type Upload } from '@onevisit/shared-types';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber, type TestCitizen } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { expectJson as json, newStaffClient } from '../../testing/http';
import { storageModes } from '../../testing/storage';
import { toDialect } from './mapping/engine';
import { signedHeaders } from './signature';
import type { ProvinceReceived } from '../../sim';

const ADMIN = { username: 'admin.province', password: 'Correct-Horse-42-Battery' };
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明 (in-house, electronic)
const CASE_PATH = '/sim/province/api/v1/cases/events';
const CATALOG_PATH = '/sim/province/api/v1/catalog/items';

/** The dialect carries Beijing time to the second. */
const toSecond = (iso: string) => iso.replace(/\.\d{3}Z$/, '.000Z');

describe.each(storageModes().map((m) => [m.name, m] as const))('pushes to the provincial platform on %s', (_name, mode) => {
  let app: TestApp;
  let approver: ConsoleClient;
  let alice: TestCitizen;

  const received = (): ProvinceReceived => app.sims.provinceReceived();
  const profile = () => app.container.simulators!.province.profile;

  /** Delivers due outbox rows until `done` holds (bounded). */
  async function until(done: (r: ProvinceReceived) => boolean, what: string, timeoutMs = 15_000): Promise<ProvinceReceived> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await app.container.outboxDispatcher.runOnce();
      const r = received();
      if (done(r)) return r;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function applyNoCrime(): Promise<ApplicationDetail> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id.jpg');
    const upload = await json<Upload>(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: alice.auth, body: form }), 201);
    const body = {
      itemCode: NO_CRIME,
      idempotencyKey: randomUUID(),
      formData: { applicantName: '张三', idNumber: testIdNumber('19900101', '123'), purpose: 'employment', contactPhone: '13800001111' },
      materials: [{ materialName: '申请人有效身份证件', uploadId: upload.uploadId }],
      deliveryOption: 'electronic',
    };
    return json<ApplicationDetail>(await app.post('/api/v1/applications', body, alice.auth), 201);
  }

  /** The canonical events the province must have for the case: every visible event, our serial = the case number. */
  async function expectedEvents(caseNo: string): Promise<OpenCaseEvent[]> {
    const { timeline } = await app.container.applications.cases.progress(caseNo);
    return timeline.map((e) => ({
      eventId: e.eventId,
      type: 'case.status_changed',
      occurredAt: e.at,
      caseNo,
      serialNo: caseNo,
      itemCode: NO_CRIME,
      action: e.action,
      actionName: CASE_ACTION_NAMES[e.action],
      state: e.state,
      stateName: CASE_STATE_NAMES[e.state],
      note: e.note,
    }));
  }

  beforeAll(async () => {
    app = await startTestApp(mode, {
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      SIM_UPSTREAM_STEP_MS: '30',
      SLA_SWEEP_SECONDS: '0',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '200',
      PROVINCE_CATALOG_PUSH_SECONDS: '0',
    });
    approver = await newStaffClient(app.url, ADMIN, { username: 'approver.prov', displayName: '审批员乙', role: 'approver', password: 'Another-Secret-77-Pass' });
    alice = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('pushes every visible status change of a case once, in the dialect, signed', async () => {
    const created = await applyNoCrime();
    const act = (body: Record<string, unknown>) => approver.request('POST', `/cases/${created.caseNo}/actions`, { actionId: randomUUID(), ...body });
    await json<StaffCaseDetail>(await act({ action: 'accept' }), 200);
    const done = await json<StaffCaseDetail>(await act({ action: 'approve', note: '核查无犯罪记录' }), 200);
    expect(done.state).toBe('completed');

    const expected = await expectedEvents(created.caseNo);
    expect(expected.map((e) => e.action)).toEqual(['submit', 'accept', 'approve', 'start_production', 'complete']);
    const ofCase = (r: ProvinceReceived) => r.events.filter((e) => e.caseNo === created.caseNo);
    const r = await until((x) => ofCase(x).length >= expected.length, 'the case events at the province');

    const byId = (a: { eventId: string }, b: { eventId: string }) => a.eventId.localeCompare(b.eventId);
    expect([...ofCase(r)].sort(byId)).toEqual(expected.map((e) => ({ ...e, occurredAt: toSecond(e.occurredAt) })).sort(byId));
    expect(ofCase(r).find((e) => e.action === 'approve')).toMatchObject({ state: 'approved', note: '核查无犯罪记录' });

    // Each arrived once, as the province's dialect, signed with the credentials it issued us.
    const sim = app.container.simulators!.province;
    for (const e of expected) expect(sim.eventCount(e.eventId)).toBe(1);
    const requests = r.requests.filter((q) => q.path === CASE_PATH && expected.some((e) => (q.body as { sjbh?: string })?.sjbh === e.eventId));
    expect(requests).toHaveLength(expected.length);
    for (const q of requests) {
      expect(q.outcome).toBe('ok');
      expect(q.headers[OPEN_API_HEADERS.appId.toLowerCase()]).toBe(sim.credentials.appId);
      expect(q.headers[OPEN_API_HEADERS.algorithm.toLowerCase()]).toBe('HMAC-SM3');
      const canonical = ofCase(r).find((e) => e.eventId === (q.body as { sjbh: string }).sjbh)!;
      expect(q.body).toEqual(toDialect(profile(), 'event', canonical));
      expect(q.body).not.toHaveProperty('caseNo');
    }

    // Nothing more comes: another delivery round adds no request for the case.
    await app.container.outboxDispatcher.runOnce();
    expect(received().requests.filter((q) => q.path === CASE_PATH && (q.body as { bjbh?: string })?.bjbh === created.caseNo)).toHaveLength(expected.length);
    expect(received().duplicateEvents).toBe(0);
    expectNoPersonalDataIn(app.logs);
  });

  it('pushes every catalogue item once, then only an item that changed', async () => {
    const job = app.container.partners.province.job;
    const all: OpenCatalogItem[] = [];
    for (let cursor: string | undefined, more = true; more; ) {
      const page = await app.container.catalog.changesSince(cursor, 200);
      all.push(...page.items);
      cursor = page.nextCursor;
      more = page.hasMore;
    }
    expect(all.length).toBeGreaterThan(10);

    const first = await job.runOnce();
    expect(first.queued).toBe(all.length);
    let r = await until((x) => x.catalog.length >= all.length && x.requests.filter((q) => q.path === CATALOG_PATH && q.outcome === 'ok').length >= all.length, 'the catalogue at the province', 30_000);
    expect(r.catalog).toHaveLength(all.length);
    for (const item of all) {
      const entry = r.catalog.find((c) => c.itemCode === item.itemCode);
      expect(entry).toEqual({ itemCode: item.itemCode, versions: [{ ...item, updatedAt: toSecond(item.updatedAt) }], pushes: 1 });
    }
    const sample = r.requests.find((q) => q.path === CATALOG_PATH)!;
    expect(sample.body).toMatchObject({ sxlb: [{ sxbm: expect.any(String), sxmc: expect.any(String) }], sfyxyy: '0' });

    // Nothing changed: nothing is queued.
    expect(await job.runOnce()).toEqual({ queued: 0, pages: 0 });

    // One item changes: the next run pushes it, and only it.
    const current = await app.container.catalog.requireItem(NO_CRIME);
    const { updatedAt: _old, ...input } = current;
    void _old;
    await app.container.catalog.saveItem({ ...input, promisedLimitDays: Math.max(1, current.promisedLimitDays - 1) });
    const changed = OpenCatalogItemSchema.parse(await app.container.catalog.requireItem(NO_CRIME));
    expect(changed.updatedAt > current.updatedAt).toBe(true);
    expect(await job.runOnce()).toMatchObject({ queued: 1 });
    r = await until((x) => (x.catalog.find((c) => c.itemCode === NO_CRIME)?.pushes ?? 0) >= 2, 'the changed item at the province');
    expect(r.catalog.find((c) => c.itemCode === NO_CRIME)!.versions).toEqual([
      { ...all.find((i) => i.itemCode === NO_CRIME)!, updatedAt: toSecond(current.updatedAt) },
      { ...changed, updatedAt: toSecond(changed.updatedAt) },
    ]);
    await app.container.outboxDispatcher.runOnce();
    expect(received().catalog.filter((c) => c.pushes !== 1).map((c) => c.itemCode)).toEqual([NO_CRIME]);
    expect(received().requests.filter((q) => q.path === CATALOG_PATH)).toHaveLength(all.length + 1);
    expect(await job.runOnce()).toEqual({ queued: 0, pages: 0 });
  });

  it('carries the partner serial number of a case submitted through the open API', async () => {
    const admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
    const issued = await json<PartnerSecretIssued>(await admin.request('POST', '/partners', { appId: 'cs-city', name: '长沙市政务服务平台', algorithm: 'HMAC-SHA256', scopes: ['cases:write', 'identity:attest'] }), 200);
    const idNumber = testIdNumber('19880808', '777');
    const serialNo = `CS${Date.now()}0001`;
    const body = JSON.stringify({
      serialNo,
      itemCode: NO_CRIME,
      applicant: { kind: 'attested', name: '周九', idNumber, level: 'L3', verifiedAt: new Date().toISOString() },
      formData: { applicantName: '周九', idNumber, purpose: 'employment', contactPhone: '13700007777' },
      deliveryOption: 'electronic',
      materials: [{ materialName: '申请人有效身份证件', fileName: 'id.jpg', contentType: 'image/jpeg', contentBase64: materialFixtures().jpeg.toString('base64') }],
    });
    const headers = signedHeaders({ algorithm: 'HMAC-SHA256', appId: 'cs-city', secret: issued.secret!, method: 'POST', url: '/open/v1/cases', body });
    const res = await fetch(`${app.url}/open/v1/cases`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    const created = (await res.json()) as OpenSubmitResponse;
    expect({ ok: res.ok, serialNo: created.serialNo }).toEqual({ ok: true, serialNo });
    const r = await until((x) => x.events.some((e) => e.caseNo === created.caseNo), 'the submitted case at the province');
    expect(r.events.filter((e) => e.caseNo === created.caseNo)).toEqual([expect.objectContaining({ serialNo, action: 'submit', state: 'submitted' })]);
  });

  it('delivers after the province failed three times', async () => {
    const before = received().requests.length;
    app.sims.provinceFail(3);
    const created = await applyNoCrime();
    const [submit] = await expectedEvents(created.caseNo);
    expect(submit.action).toBe('submit');
    const r = await until((x) => x.events.some((e) => e.eventId === submit.eventId), 'the event after the outage');
    expect(r.requests.slice(before).map((q) => q.outcome)).toEqual(['fault:error', 'fault:error', 'fault:error', 'ok']);
    expect(app.container.simulators!.province.eventCount(submit.eventId)).toBe(1);
  });
});
