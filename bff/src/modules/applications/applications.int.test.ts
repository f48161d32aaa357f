import { randomUUID } from 'node:crypto';
import type { ApplicationDetail, ErrorBody, Page, StaffCaseDetail, StaffCaseSummary, Upload, ApplicationSummary, BundleApplication } from '@onevisit/shared-types';
import { signRequest } from '../../adapters/signing';
import { createUpstreamClient, type UpstreamPort } from '../../adapters/upstream';
import { expectError as error, expectJson as json, newStaffClient } from '../../testing/http';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber, type TestCitizen } from '../../testing/citizens';
import type { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { storageModes } from '../../testing/storage';
import { ApplicationRepo } from './repo';
import { SlaSweep } from './sweep';
import { UpstreamBridge } from './upstreamBridge';

const ADMIN = { username: 'admin.cases', password: 'Correct-Horse-42-Battery' };
const ID_REISSUE = '11430000006940002L070001003001'; // 居民身份证补领 (户政, upstream)
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明 (in-house, electronic)
const NET_CAFE = '114300000069400061015202001001'; // 网吧安全审核 (in-house, two departments sign)
const CASE_LOOKUP = '114300000069400087205403001001'; // 执法办案信息查询 (in-house, 立即办)

const key = () => randomUUID();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(storageModes().map((m) => [m.name, m] as const))('applications on %s', (_name, mode) => {
  let app: TestApp;
  let approver: ConsoleClient;
  let alice: TestCitizen;
  let bob: TestCitizen;
  const files = materialFixtures();


  async function upload(citizen: TestCitizen, data: Buffer, name: string, type = 'application/octet-stream'): Promise<Response> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type }), name);
    return fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: citizen.auth, body: form });
  }
  const uploaded = async (citizen: TestCitizen, data = materialFixtures().jpeg, name = 'photo.jpg') => json<Upload>(await upload(citizen, data, name), 201);

  const reissueRequest = (uploadId: string, over: Record<string, unknown> = {}) => ({
    itemCode: ID_REISSUE,
    idempotencyKey: key(),
    formData: { idNumber: testIdNumber('19900101', '123'), reason: 'lost', acceptanceOffice: '430102 长沙市芙蓉区五一大道受理点', contactPhone: '13800001111' },
    materials: [{ materialName: '数码相片回执', uploadId }],
    deliveryOption: 'postal',
    ...over,
  });
  const noCrimeRequest = (uploadId: string, over: Record<string, unknown> = {}) => ({
    itemCode: NO_CRIME,
    idempotencyKey: key(),
    formData: { applicantName: '张三', idNumber: testIdNumber('19900101', '123'), purpose: 'employment', contactPhone: '13800001111' },
    materials: [{ materialName: '申请人有效身份证件', uploadId }],
    deliveryOption: 'electronic',
    ...over,
  });
  const apply = (citizen: TestCitizen, body: unknown) => app.post('/api/v1/applications', body, citizen.auth);
  const detail = async (citizen: TestCitizen, caseNo: string) => json<ApplicationDetail>(await app.get(`/api/v1/applications/${caseNo}`, citizen.auth), 200);
  const act = (caseNo: string, body: Record<string, unknown>) => approver.request('POST', `/cases/${caseNo}/actions`, { actionId: key(), ...body });
  const withdraw = (citizen: TestCitizen, caseNo: string, reason?: string) => app.post(`/api/v1/applications/${caseNo}/withdraw`, reason ? { reason } : {}, citizen.auth);
  const outboxEntry = (topic: string, dedupeKey: string) => app.container.database.db.selectFrom('outbox').selectAll().where('topic', '=', topic).where('dedupe_key', '=', dedupeKey).executeTakeFirst();
  const simCase = (caseNo: string) => app.container.simulators!.upstream.cases().find((c) => c.caseNo === caseNo);
  /** Makes an outbox row due now and nudges the dispatcher (the app's own loop may get there first). */
  async function deliverNow(topic: string, dedupeKey: string): Promise<void> {
    await app.container.database.db.updateTable('outbox').set({ next_attempt_at: '2000-01-01 00:00:00.000' }).where('topic', '=', topic).where('dedupe_key', '=', dedupeKey).where('status', '=', 'pending').execute();
    await app.container.outboxDispatcher.runOnce();
  }
  /** Creates an ID reissue while the household system is down, so it stays undelivered; the submit row is parked (not due). */
  async function undeliveredReissue(): Promise<ApplicationDetail> {
    const sim = app.container.simulators!;
    sim.dev.setFault('upstream', { status: 503 });
    try {
      const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
      await app.container.outboxDispatcher.runOnce();
      await until(() => outboxEntry('upstream.submit', `${created.caseNo}:submit`), (r) => !!r && r.attempts >= 1 && r.status === 'pending' && r.lease_owner === null, 'a failed submission');
      await app.container.database.db.updateTable('outbox').set({ next_attempt_at: '2999-01-01 00:00:00.000' }).where('dedupe_key', '=', `${created.caseNo}:submit`).execute();
      return created;
    } finally {
      sim.dev.setFault('upstream', null);
    }
  }

  beforeAll(async () => {
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, SIM_UPSTREAM_STEP_MS: '30', SLA_SWEEP_SECONDS: '0' });
    approver = await newStaffClient(app.url, ADMIN, { username: 'approver.one', displayName: '审批员甲', role: 'approver', password: 'Another-Secret-77-Pass' });
    alice = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
    bob = await app.identity.createCitizenForTest({ phone: '13900002222', name: '李四', idNumber: testIdNumber('19851212', '002'), face: true });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('follows an ID reissue through the household system to approval, every step on the timeline', async () => {
    const photo = await uploaded(alice);
    expect(photo).toMatchObject({ contentType: 'image/jpeg', fileName: 'photo.jpg', bytes: expect.any(Number) });
    const created = await json<ApplicationDetail>(await apply(alice, reissueRequest(photo.uploadId)), 201);
    expect(created.caseNo).toMatch(new RegExp(`^${ID_REISSUE}\\d{8}\\d{4}$`));
    expect(created).toMatchObject({ state: 'submitted', upstream: 'waiting', formData: { idNumber: expect.stringMatching(/^430\*+\d{3}[\dX]$/), contactPhone: '138****1111' } });
    await app.container.outboxDispatcher.runOnce();
    const approved = await until(() => detail(alice, created.caseNo), (d) => d.state === 'awaiting_payment', 'approval');
    expect(approved.upstream).toBe('delivered');
    expect(approved.timeline.map((e) => [e.action, e.state])).toEqual([
      ['submit', 'submitted'],
      ['pre_review', 'pre_reviewed'],
      ['accept', 'accepted'],
      ['approve', 'approved'],
      ['request_payment', 'awaiting_payment'],
    ]);
    expect(approved.timeline[1].actorName).toBe('户政业务系统');
    const sim = app.container.simulators!.upstream;
    const ref = sim.cases().find((c) => c.caseNo === created.caseNo)!.upstreamRef;
    expect(sim.submission(ref)?.materials).toEqual([{ name: '数码相片回执', sha256: photo.sha256, mime: 'image/jpeg', bytes: photo.bytes }]);
    expect(sim.submission(ref)?.applicant.name).toBe('张三');
    expectNoPersonalDataIn(app.logs);
  });

  it('returns the same case for a repeated idempotency key, and refuses the key with another request', async () => {
    const photo = await uploaded(alice);
    const body = reissueRequest(photo.uploadId);
    const first = await json<ApplicationDetail>(await apply(alice, body), 201);
    const again = await json<ApplicationDetail>(await apply(alice, body), 200);
    expect(again.caseNo).toBe(first.caseNo);
    await error(await apply(alice, { ...body, deliveryOption: 'window_pickup' }), 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a form that fails its schema, naming each field, and writes nothing', async () => {
    const before = await json<Page<ApplicationSummary>>(await app.get('/api/v1/applications?pageSize=50', alice.auth), 200);
    const photo = await uploaded(alice);
    const bad = reissueRequest(photo.uploadId, { formData: { idNumber: '430102199001011230', reason: 'sold', acceptanceOffice: '', contactPhone: '12345' } });
    const body = await error(await apply(alice, bad), 422, 'FORM_INVALID');
    const fields = (body.details as { issues: { field: string }[] }).issues.map((i) => i.field).sort();
    expect(fields).toEqual(['acceptanceOffice', 'contactPhone', 'idNumber', 'reason']);
    await error(await apply(alice, reissueRequest(photo.uploadId, { materials: [{ materialName: '不存在的材料', uploadId: photo.uploadId }] })), 422, 'MATERIAL_UNKNOWN');
    await error(await apply(alice, reissueRequest(photo.uploadId, { deliveryOption: 'electronic' })), 422, 'DELIVERY_OPTION_UNAVAILABLE');
    await error(await apply(alice, reissueRequest('upl_nope')), 404, 'UPLOAD_NOT_FOUND');
    await error(await apply(alice, noCrimeRequest(photo.uploadId, { materials: [] })), 422, 'MATERIAL_MISSING');
    await error(await apply(alice, reissueRequest(photo.uploadId, { pendingMaterials: [{ materialName: '准考证或考试报名证明', promisedBy: '2099-01-01' }] })), 422, 'MATERIAL_NOT_LATE_ALLOWED');
    await error(await app.post('/api/v1/applications', { ...reissueRequest(photo.uploadId), idempotencyKey: 'short' }, alice.auth), 400, 'VALIDATION_FAILED');
    const after = await json<Page<ApplicationSummary>>(await app.get('/api/v1/applications?pageSize=50', alice.auth), 200);
    expect(after.total).toBe(before.total);
  });

  it('sniffs uploads: oversized, mistyped and disguised files are refused; path names never reach storage', async () => {
    await error(await upload(alice, files.html, 'page.html', 'text/html'), 415, 'FILE_TYPE_NOT_ALLOWED');
    // A script disguised as a photo by its name and type: the bytes decide.
    await error(await upload(alice, files.html, 'photo.jpg', 'image/jpeg'), 415, 'FILE_TYPE_MISMATCH');
    await error(await upload(alice, files.gif, 'anim.gif', 'image/gif'), 415, 'FILE_TYPE_NOT_ALLOWED');
    await error(await upload(alice, files.png, 'scan.pdf', 'application/pdf'), 415, 'FILE_TYPE_MISMATCH');
    await error(await upload(alice, Buffer.alloc(0), 'empty.jpg', 'image/jpeg'), 400, 'FILE_EMPTY');
    const big = Buffer.concat([files.jpeg.subarray(0, 12), Buffer.alloc(10 * 1024 * 1024)]);
    await error(await upload(alice, big, 'big.jpg', 'image/jpeg'), 413, 'FILE_TOO_LARGE');
    const evil = await json<Upload>(await upload(alice, materialFixtures().pdf, '../../../etc/cron.d/evil.pdf'), 201);
    expect(evil.fileName).toBe('evil.pdf');
    await error(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: { ...alice.auth, 'content-type': 'application/json' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await error(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: alice.auth, body: new FormData() }), 400, 'MULTIPART_INVALID');
  });

  it("answers 404 for another citizen's case and never lists it", async () => {
    const photo = await uploaded(alice);
    const mine = await json<ApplicationDetail>(await apply(alice, reissueRequest(photo.uploadId)), 201);
    await error(await app.get(`/api/v1/applications/${mine.caseNo}`, bob.auth), 404, 'APPLICATION_NOT_FOUND');
    await error(await app.post(`/api/v1/applications/${mine.caseNo}/withdraw`, {}, bob.auth), 404, 'APPLICATION_NOT_FOUND');
    const bobs = await json<Page<ApplicationSummary>>(await app.get('/api/v1/applications', bob.auth), 200);
    expect(bobs.items.map((c) => c.caseNo)).not.toContain(mine.caseNo);
    // Bob cannot attach Alice's upload either.
    await error(await apply(bob, noCrimeRequest(photo.uploadId, { formData: { applicantName: '李四', idNumber: testIdNumber('19851212', '002'), purpose: 'employment', contactPhone: '13900002222' } })), 404, 'UPLOAD_NOT_FOUND');
  });

  it('withdraws an unaccepted in-house case once, and an approver cannot approve it afterwards', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId)), 201);
    expect(created.actions).toContain('withdraw');
    const withdrawn = await json<ApplicationDetail>(await app.post(`/api/v1/applications/${created.caseNo}/withdraw`, { reason: '不需要了' }, alice.auth), 200);
    expect(withdrawn.state).toBe('withdrawn');
    await json<ApplicationDetail>(await app.post(`/api/v1/applications/${created.caseNo}/withdraw`, {}, alice.auth), 200);
    expect((await detail(alice, created.caseNo)).timeline.filter((e) => e.action === 'withdraw')).toHaveLength(1);
    await error(await act(created.caseNo, { action: 'approve', note: '同意' }), 409, 'CASE_TRANSITION_ILLEGAL');
  });

  it('lets an approver accept and approve an in-house case from the queue, once per click', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId)), 201);
    const queue = await json<Page<StaffCaseSummary>>(await approver.request('GET', '/cases?view=todo&pageSize=50'), 200);
    const row = queue.items.find((c) => c.caseNo === created.caseNo)!;
    expect(row).toMatchObject({ state: 'submitted', applicantName: '张*', upstreamSystem: null });
    const view = await json<StaffCaseDetail>(await approver.request('GET', `/cases/${created.caseNo}`), 200);
    expect(view.applicant).toMatchObject({ name: '张*', idNumber: expect.stringMatching(/^430\*+/), phone: '138****1111' });
    expect(view.actions).toEqual(expect.arrayContaining(['accept', 'request_supplement', 'not_accept']));
    const acceptId = key();
    await json<StaffCaseDetail>(await approver.request('POST', `/cases/${created.caseNo}/actions`, { action: 'accept', actionId: acceptId }), 200);
    const twice = await json<StaffCaseDetail>(await approver.request('POST', `/cases/${created.caseNo}/actions`, { action: 'accept', actionId: acceptId }), 200);
    expect(twice.timeline.filter((e) => e.action === 'accept')).toHaveLength(1);
    expect(twice.deadline).toMatchObject({ clock: expect.stringMatching(/green|yellow/), limitWorkingDays: 1 });
    const done = await json<StaffCaseDetail>(await act(created.caseNo, { action: 'approve', note: '核查无犯罪记录' }), 200);
    expect(done.state).toBe('completed');
    expect(done.timeline.map((e) => e.action)).toEqual(['submit', 'accept', 'approve', 'start_production', 'complete']);
    expect(done.timeline[2]).toMatchObject({ actor: 'staff', actorName: '审批员甲', note: '核查无犯罪记录' });
    // An agent may read the desk but not decide.
    const mine = await detail(alice, created.caseNo);
    expect(mine.state).toBe('completed');
  });

  it('pauses the clock while a supplement is outstanding and resumes it when answered', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId)), 201);
    await json(await act(created.caseNo, { action: 'accept' }), 200);
    await error(await act(created.caseNo, { action: 'request_supplement' }), 400, 'VALIDATION_FAILED');
    const asked = await json<StaffCaseDetail>(await act(created.caseNo, { action: 'request_supplement', reasons: ['身份证件照片不清晰'] }), 200);
    expect(asked.state).toBe('supplement_requested');
    expect(asked.deadline?.clock).toBe('paused');
    const mine = await detail(alice, created.caseNo);
    expect(mine.supplement).toMatchObject({ reasons: ['身份证件照片不清晰'], answeredAt: null });
    expect(mine.actions).toEqual(['answer_supplement']);
    const clearer = await uploaded(alice, materialFixtures().png, 'clear.png');
    const body = { supplementId: mine.supplement!.supplementId, note: '已重新拍照', materials: [{ materialName: '申请人有效身份证件', uploadId: clearer.uploadId }] };
    const answered = await json<ApplicationDetail>(await app.post(`/api/v1/applications/${created.caseNo}/supplement`, body, alice.auth), 200);
    expect(answered.state).toBe('accepted');
    expect(answered.deadline?.clock).not.toBe('paused');
    expect(answered.materials.map((m) => m.source)).toEqual(['submission', 'supplement']);
    await json(await app.post(`/api/v1/applications/${created.caseNo}/supplement`, body, alice.auth), 200);
    expect((await detail(alice, created.caseNo)).timeline.filter((e) => e.action === 'answer_supplement')).toHaveLength(1);
  });

  it('gives a green-channel case a deadline in hours', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId, { greenChannel: true })), 201);
    const accepted = await json<StaffCaseDetail>(await act(created.caseNo, { action: 'accept' }), 200);
    expect(accepted.deadline).toMatchObject({ limitHours: 24, limitWorkingDays: null });
    const due = Date.parse(accepted.deadline!.dueAt) - Date.parse(accepted.acceptedAt!);
    expect(due).toBe(24 * 3_600_000);
  });

  it('accepts with a pending material (容缺) and tracks it until the citizen supplies it', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId)), 201);
    await error(await act(created.caseNo, { action: 'accept', pendingMaterials: [{ materialName: '申请人有效身份证件', promisedBy: '2099-01-01' }] }), 422, 'MATERIAL_NOT_LATE_ALLOWED');
    const photo = await uploaded(alice);
    const req = reissueRequest(photo.uploadId);
    const reissue = await json<ApplicationDetail>(await apply(alice, { ...req, itemCode: NET_CAFE, formData: { businessName: '星空网咖', approvalNo: '湘文旅网〔2026〕12号', region: '430102', address: '五一大道1号', terminalCount: 80, contactPhone: '13800001111' }, materials: ['文化和旅游主管部门同意筹建的批准文件', '营业执照', '法定代表人、主要负责人有效身份证件', '上网服务场所信息安全管理系统安装使用证明'].map((materialName) => ({ materialName, uploadId: photo.uploadId })), pendingMaterials: [{ materialName: '营业场所平面布局图及上网终端分布图', promisedBy: '2099-01-01' }, { materialName: '信息网络安全管理制度及安全管理人员名单', promisedBy: '2099-01-01' }], deliveryOption: 'window_pickup' }), 201);
    expect(reissue.pendingMaterials.map((p) => p.suppliedAt)).toEqual([null, null]);
    const plan = await uploaded(alice, materialFixtures().pdf, 'plan.pdf');
    const supplied = await json<ApplicationDetail>(await app.post(`/api/v1/applications/${reissue.caseNo}/pending-materials`, { materialName: '营业场所平面布局图及上网终端分布图', uploadId: plan.uploadId }, alice.auth), 200);
    expect(supplied.pendingMaterials.find((p) => p.materialName.startsWith('营业场所'))?.suppliedAt).toEqual(expect.any(String));
    await error(await app.post(`/api/v1/applications/${reissue.caseNo}/pending-materials`, { materialName: '营业执照', uploadId: plan.uploadId }, alice.auth), 404, 'PENDING_MATERIAL_NOT_FOUND');
  });

  it('needs every department of a parallel approval; one refusal refuses the case', async () => {
    const photo = await uploaded(alice);
    const body = (k = key()) => ({
      itemCode: NET_CAFE,
      idempotencyKey: k,
      formData: { businessName: '星空网咖', approvalNo: '湘文旅网〔2026〕12号', region: '430102', address: '五一大道1号', terminalCount: 80, contactPhone: '13800001111' },
      materials: ['文化和旅游主管部门同意筹建的批准文件', '营业执照', '法定代表人、主要负责人有效身份证件', '营业场所平面布局图及上网终端分布图', '信息网络安全管理制度及安全管理人员名单', '上网服务场所信息安全管理系统安装使用证明'].map((materialName) => ({ materialName, uploadId: photo.uploadId })),
      deliveryOption: 'window_pickup',
    });
    const one = await json<ApplicationDetail>(await apply(alice, body()), 201);
    const reviewing = await json<StaffCaseDetail>(await act(one.caseNo, { action: 'accept' }), 200);
    expect(reviewing.state).toBe('in_review');
    expect(reviewing.pendingDepartments).toEqual(['属地公安分局网安大队', '市公安局网络安全保卫支队']);
    await error(await act(one.caseNo, { action: 'approve', department: '交警支队', note: '同意' }), 422, 'APPROVAL_DEPARTMENT_INVALID');
    const half = await json<StaffCaseDetail>(await act(one.caseNo, { action: 'approve', department: '属地公安分局网安大队', note: '同意' }), 200);
    expect(half).toMatchObject({ state: 'in_review', pendingDepartments: ['市公安局网络安全保卫支队'] });
    const full = await json<StaffCaseDetail>(await act(one.caseNo, { action: 'approve', department: '市公安局网络安全保卫支队', note: '同意' }), 200);
    expect(full.state).toBe('producing');

    const two = await json<ApplicationDetail>(await apply(alice, body()), 201);
    await json(await act(two.caseNo, { action: 'accept' }), 200);
    const refused = await json<StaffCaseDetail>(await act(two.caseNo, { action: 'reject', department: '市公安局网络安全保卫支队', note: '安全管理系统未安装' }), 200);
    expect(refused.state).toBe('rejected');
    expect(refused.approvals.find((a) => a.department === '市公安局网络安全保卫支队')?.decision).toBe('rejected');
  });

  it('keeps the case "waiting for the department\'s system" while the upstream fails, and delivers after', async () => {
    const sim = app.container.simulators!;
    sim.dev.setFault('upstream', { status: 503 });
    try {
      const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
      // The dispatcher (running in the app, or this nudge) tries, fails on the 503, and schedules a retry.
      await app.container.outboxDispatcher.runOnce();
      const failed = await until(() => outboxEntry('upstream.submit', `${created.caseNo}:submit`), (r) => !!r && r.attempts >= 1 && r.status === 'pending' && r.last_error !== null, 'a failed attempt');
      expect(failed!.last_error).toMatch(/503|unavailable/i);
      const waiting = await detail(alice, created.caseNo);
      expect(waiting).toMatchObject({ state: 'submitted', upstream: 'waiting' });
      sim.dev.setFault('upstream', null);
      await deliverNow('upstream.submit', `${created.caseNo}:submit`);
      const delivered = await until(() => detail(alice, created.caseNo), (d) => d.upstream === 'delivered', 'delivery');
      expect(delivered.timeline[1]).toMatchObject({ action: 'pre_review', actor: 'upstream' });
    } finally {
      sim.dev.setFault('upstream', null);
    }
  });

  it("withdraws a case in its department's system too, which then sends nothing more for it", async () => {
    const sim = app.container.simulators!.upstream;
    const decisionMs = 3000; // long enough to withdraw first on a busy machine, short enough to outwait
    sim.setRule(ID_REISSUE, [{ decision: 'accepted', delayMs: decisionMs }, 'approved']);
    try {
      const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
      await app.container.outboxDispatcher.runOnce();
      await until(() => detail(alice, created.caseNo), (d) => d.state === 'pre_reviewed', 'delivery upstream');
      const decisionDue = Date.now() + decisionMs; // the step's timer started earlier: this is later than due
      const { upstreamRef } = simCase(created.caseNo)!;

      expect((await json<ApplicationDetail>(await withdraw(alice, created.caseNo, '已在窗口办理'), 200)).state).toBe('withdrawn');
      await app.container.outboxDispatcher.runOnce();
      await until(async () => simCase(created.caseNo), (c) => c?.withdrawn === true, 'the withdrawal upstream');
      expect(sim.withdrawal(upstreamRef)?.reason).toBe('已在窗口办理');
      await until(() => outboxEntry('upstream.withdraw', `${created.caseNo}:withdraw`), (r) => r?.status === 'delivered', 'the outbox row delivered');
      await until(async () => app.logs.some((l) => l.caseNo === created.caseNo && l.outcome === 'withdrawn' && l.upstreamRef === upstreamRef), Boolean, 'the log line', 2000);

      // The accept the rule had scheduled never comes: no event, no callback, the case stays withdrawn.
      await sleep(decisionDue + 300 - Date.now());
      expect(sim.events(upstreamRef)!.map((e) => e.status)).toEqual(['received']);
      expect(sim.deliveries().filter((d) => d.upstreamRef === upstreamRef).every((d) => d.status === 'received')).toBe(true);
      const after = await detail(alice, created.caseNo);
      expect(after.state).toBe('withdrawn');
      expect(after.timeline.map((e) => e.action)).toEqual(['submit', 'pre_review', 'withdraw']);
      expectNoPersonalDataIn(app.logs);
    } finally {
      sim.setRule(ID_REISSUE, null);
    }
  });

  it('makes no upstream call for a case withdrawn before it reached its system', async () => {
    const created = await undeliveredReissue();
    expect((await json<ApplicationDetail>(await withdraw(alice, created.caseNo), 200)).state).toBe('withdrawn');
    await deliverNow('upstream.submit', `${created.caseNo}:submit`);
    await until(() => outboxEntry('upstream.submit', `${created.caseNo}:submit`), (r) => r?.status === 'delivered', 'the submit handler to skip it');
    expect(simCase(created.caseNo)).toBeUndefined();
    expect(await outboxEntry('upstream.withdraw', `${created.caseNo}:withdraw`)).toBeUndefined();
    expect(await detail(alice, created.caseNo)).toMatchObject({ state: 'withdrawn', upstream: 'waiting' });
  });

  it('withdraws upstream a case whose submission was in flight when the citizen withdrew', async () => {
    const sim = app.container.simulators!.upstream;
    sim.setRule(ID_REISSUE, [{ decision: 'accepted', delayMs: 60_000 }]); // undecided until withdrawn
    try {
      const created = await undeliveredReissue();
      const real = createUpstreamClient(app.container.simulators!.adapterOptions(() => app.url).upstream);
      // The citizen withdraws while the submission is on its way: the withdraw move knows no reference yet.
      const racing: UpstreamPort = {
        ...real,
        submit: async (system, c) => {
          await json(await withdraw(alice, created.caseNo), 200);
          return real.submit(system, c);
        },
      };
      const repo = new ApplicationRepo(app.container.database.db, app.container.database.dialect);
      const bridge = new UpstreamBridge(app.container.applications.cases, repo, app.container.identity, racing, app.container.logger);
      await bridge.submit(created.caseNo);
      expect(await detail(alice, created.caseNo)).toMatchObject({ state: 'withdrawn', upstream: 'delivered' });
      expect(await outboxEntry('upstream.withdraw', `${created.caseNo}:withdraw`)).toBeDefined(); // written by the bridge, on learning the reference
      await deliverNow('upstream.withdraw', `${created.caseNo}:withdraw`);
      await until(async () => simCase(created.caseNo), (c) => c?.withdrawn === true, 'the late withdrawal upstream');
      expect((await detail(alice, created.caseNo)).timeline.map((e) => e.action)).toEqual(['submit', 'withdraw']);
      await deliverNow('upstream.submit', `${created.caseNo}:submit`); // the parked row: already delivered, nothing to do
    } finally {
      sim.setRule(ID_REISSUE, null);
    }
  });

  it("dead-letters a withdrawal that crossed the department's decision, after retrying through an outage", async () => {
    const sims = app.container.simulators!;
    sims.upstream.setRule(ID_REISSUE, [{ decision: 'accepted', delayMs: 60_000 }]);
    try {
      const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
      await app.container.outboxDispatcher.runOnce();
      await until(() => detail(alice, created.caseNo), (d) => d.state === 'pre_reviewed', 'delivery upstream');
      const dedupeKey = `${created.caseNo}:withdraw`;
      sims.dev.setFault('upstream', { status: 503 });
      try {
        await json(await withdraw(alice, created.caseNo), 200);
        await app.container.outboxDispatcher.runOnce();
        const retrying = await until(() => outboxEntry('upstream.withdraw', dedupeKey), (r) => !!r && r.attempts >= 1 && r.status === 'pending' && r.last_error !== null, 'a failed attempt');
        expect(retrying!.last_error).toMatch(/503|unavailable/i);
        // Meanwhile the department decides, before it hears of the withdrawal.
        expect(sims.upstream.decideNow(simCase(created.caseNo)!.upstreamRef, 'not_accepted')).toBeDefined();
      } finally {
        sims.dev.setFault('upstream', null);
      }
      await deliverNow('upstream.withdraw', dedupeKey);
      const dead = await until(() => outboxEntry('upstream.withdraw', dedupeKey), (r) => r?.status === 'dead', 'the dead letter');
      expect(dead!.last_error).toMatch(/^PermanentFailure: the department's system had already decided the case \(CASE_ALREADY_DECIDED\)/);
      await until(async () => app.logs.some((l) => l.level === 40 && l.caseNo === created.caseNo && /NOT in its department's system/.test(String(l.msg))), Boolean, 'the warning', 2000);
      expect((await detail(alice, created.caseNo)).state).toBe('withdrawn');
    } finally {
      sims.upstream.setRule(ID_REISSUE, null);
    }
  });

  it('decides a 立即办 in-house item on submission: accepted, approved and issued by the platform', async () => {
    const photo = await uploaded(alice);
    const body = {
      itemCode: CASE_LOOKUP,
      idempotencyKey: key(),
      formData: { caseNumber: 'A4301020000002026110001', role: 'reporter' },
      materials: ['查询人有效身份证件', '受案回执或案件编号'].map((materialName) => ({ materialName, uploadId: photo.uploadId })),
      deliveryOption: 'electronic',
    };
    const done = await json<ApplicationDetail>(await apply(alice, body), 201);
    expect(done.state).toBe('completed');
    expect(done.timeline.map((e) => [e.action, e.actor])).toEqual([
      ['submit', 'citizen'],
      ['accept', 'system'],
      ['approve', 'system'],
      ['start_production', 'system'],
      ['complete', 'system'],
    ]);
  });

  it('carries a supplement request from the household system to the citizen and the answer back', async () => {
    const sim = app.container.simulators!.upstream;
    sim.setRule(ID_REISSUE, { steps: [{ decision: 'supplement_requested', supplementReasons: ['相片背景不是白色'] }, 'accepted', 'approved'], delayMs: 20 });
    try {
      const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
      await app.container.outboxDispatcher.runOnce();
      const asked = await until(() => detail(alice, created.caseNo), (d) => d.state === 'supplement_requested', 'the supplement request');
      expect(asked.supplement?.reasons).toEqual(['相片背景不是白色']);
      expect(asked.timeline.at(-1)).toMatchObject({ action: 'request_supplement', actorName: '户政业务系统' });
      const retaken = await uploaded(alice, materialFixtures().jpeg, 'white.jpg');
      await json(await app.post(`/api/v1/applications/${created.caseNo}/supplement`, { supplementId: asked.supplement!.supplementId, materials: [{ materialName: '数码相片回执', uploadId: retaken.uploadId }] }, alice.auth), 200);
      await app.container.outboxDispatcher.runOnce();
      const approved = await until(() => detail(alice, created.caseNo), (d) => d.state === 'awaiting_payment', 'approval after the supplement');
      expect(approved.timeline.map((e) => e.action)).toEqual(['submit', 'pre_review', 'request_supplement', 'answer_supplement', 'accept', 'approve', 'request_payment']);
      const ref = sim.cases().find((c) => c.caseNo === created.caseNo)!;
      expect(ref.supplements).toBe(1);
    } finally {
      sim.setRule(ID_REISSUE, null);
    }
  });

  it('refuses a status callback with a bad signature and changes nothing', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, reissueRequest((await uploaded(alice)).uploadId)), 201);
    const event = { system: 'household', upstreamRef: 'HZ-FORGED', caseNo: created.caseNo, status: 'approved', at: new Date().toISOString(), eventId: `evt-${key()}` };
    const raw = JSON.stringify(event);
    const path = '/open/v1/upstream/callback';
    const forged = signRequest({ method: 'POST', path, body: raw, appKey: app.container.simulators!.credentials.upstream.callback.appKey, appSecret: 'not-the-secret-at-all-000000000000' });
    const refused = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...forged }, body: raw });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const unsigned = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(unsigned.status).toBe(401);
    expect((await detail(alice, created.caseNo)).state).toBe('submitted');
  });

  it('gives 200 concurrent submissions 200 distinct case numbers, and duplicates by key none', async () => {
    const photo = await uploaded(alice);
    const keys = Array.from({ length: 100 }, key);
    // 100 distinct applications, each sent twice at the same time: 200 requests in flight.
    const bodies = keys.flatMap((k) => [noCrimeRequest(photo.uploadId, { idempotencyKey: k }), noCrimeRequest(photo.uploadId, { idempotencyKey: k })]);
    const distinct = Array.from({ length: 200 }, () => noCrimeRequest(photo.uploadId));
    const responses = await Promise.all([...bodies, ...distinct].map((b) => apply(alice, b)));
    const results = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as ApplicationDetail })));
    expect(results.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([]);
    const byKey = new Map<string, Set<string>>();
    results.slice(0, 200).forEach((r, i) => byKey.set(keys[Math.floor(i / 2)], (byKey.get(keys[Math.floor(i / 2)]) ?? new Set()).add(r.body.caseNo)));
    expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
    const distinctNumbers = new Set(results.slice(200).map((r) => r.body.caseNo));
    expect(distinctNumbers.size).toBe(200);
    const all = new Set(results.map((r) => r.body.caseNo));
    expect(all.size).toBe(300);
  }, 120_000);

  it('creates one linked case per item of a life-event bundle', async () => {
    const bundle = await app.container.catalog.requireBundle('TRAVEL_DOCS');
    const items = await Promise.all(bundle.items.map((i) => app.container.catalog.requireItem(i.itemCode)));
    const photo = await uploaded(alice);
    const required = [...new Set(items.flatMap((i) => i.materials.filter((m) => m.required).map((m) => m.name)))];
    const body = {
      bundleCode: 'TRAVEL_DOCS',
      idempotencyKey: key(),
      formData: { applicantIdNumber: testIdNumber('19900101', '123'), phone: '13800001111', postalAddress: '430102 长沙市芙蓉区五一大道1号' },
      materials: required.map((materialName) => ({ materialName, uploadId: photo.uploadId })),
      deliveryOption: items.every((i) => i.deliveryOptions.includes('postal')) ? 'postal' : 'window_pickup',
    };
    const created = await json<BundleApplication>(await app.post('/api/v1/bundle-applications', body, alice.auth), 201);
    expect(created.total).toBe(bundle.items.length);
    expect(created.cases.every((c) => c.bundleCaseNo === created.bundleCaseNo)).toBe(true);
    expect(created.bundleCaseNo).toMatch(/^TRAVEL_DOCS\d{12}$/);
    const again = await json<BundleApplication>(await app.post('/api/v1/bundle-applications', body, alice.auth), 200);
    expect(again.cases.map((c) => c.caseNo)).toEqual(created.cases.map((c) => c.caseNo));
    await error(await app.get(`/api/v1/bundle-applications/${created.bundleCaseNo}`, bob.auth), 404, 'BUNDLE_APPLICATION_NOT_FOUND');
  });

  it('turns lights yellow and red in a sweep that several processes can run at once', async () => {
    const created = await json<ApplicationDetail>(await apply(alice, noCrimeRequest((await uploaded(alice)).uploadId)), 201);
    const accepted = await json<StaffCaseDetail>(await act(created.caseNo, { action: 'accept' }), 200);
    const repo = new ApplicationRepo(app.container.database.db, app.container.database.dialect);
    const late = new Date(Date.parse(accepted.deadline!.dueAt) + 1000);
    const sweeps = [1, 2, 3].map(() => new SlaSweep(repo, app.container.calendar, app.container.logger, () => late));
    const results = await Promise.all(sweeps.map((s) => s.run()));
    expect(results.reduce((n, r) => n + r.red, 0)).toBeGreaterThanOrEqual(1);
    const view = await json<StaffCaseDetail>(await approver.request('GET', `/cases/${created.caseNo}`), 200);
    expect(view.deadline?.clock).toBe('red');
    // The same case is counted red by exactly one of the three.
    const again = await Promise.all(sweeps.map((s) => s.run()));
    expect(again.reduce((n, r) => n + r.red, 0)).toBe(0);
  });
});
