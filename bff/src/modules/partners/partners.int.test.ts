import { randomUUID } from 'node:crypto';
import { OpenSubmitRequestSchema, OpenSubmitResponseSchema } from '@onevisit/shared-types';
import type { ErrorBody, OpenCaseStatus, OpenCatalogPage, OpenEventPage, OpenSubmitRequest, OpenSubmitResponse, Page, Partner, PartnerCall, PartnerSecretIssued, SignatureAlgorithm, StaffCaseDetail, WebhookDelivery } from '@onevisit/shared-types';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../scripts/open-api-client/webhookReceiver';
import { expectError as error, expectJson as json, newStaffClient } from '../../testing/http';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { storageModes } from '../../testing/storage';
import { fromDialect, toDialect, unwrapResponse } from './mapping/engine';
import { bodyHash, computeSignature, signedHeaders, stringToSign } from './signature';

const ADMIN = { username: 'admin.partners', password: 'Correct-Horse-42-Battery' };
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明 (in-house, electronic result)
const NET_CAFE = '114300000069400061015202001001'; // 网吧安全审核 (in-house, materials may come later)
const MAX_BODY = 256 * 1024;

interface TestPartner {
  appId: string;
  algorithm: SignatureAlgorithm;
  secret: string;
  webhookSecret: string;
}

interface CallOptions {
  secret?: string;
  algorithm?: SignatureAlgorithm;
  timestamp?: number;
  nonce?: string;
  /** Sent instead of the signed body (a body changed after signing). */
  sentBody?: string;
  headers?: Record<string, string>;
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(storageModes().map((m) => [m.name, m] as const))('open API on %s', (_name, mode) => {
  let app: TestApp;
  let admin: ConsoleClient;
  let approver: ConsoleClient;
  let province: TestPartner;
  let city: TestPartner;
  let receiver: WebhookReceiver;
  let serial = 0;
  const nextSerial = () => `HN${Date.now()}${String(++serial).padStart(4, '0')}`;

  /** A signed open-API request, as docs/open-api.md specifies it; options forge one part. */
  function call(p: TestPartner, method: string, url: string, body?: unknown, o: CallOptions = {}): Promise<Response> {
    const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const headers = signedHeaders({ algorithm: o.algorithm ?? p.algorithm, appId: p.appId, secret: o.secret ?? p.secret, method, url, body: raw, timestamp: o.timestamp, nonce: o.nonce });
    return fetch(`${app.url}${url}`, { method, headers: { ...headers, 'content-type': 'application/json', ...o.headers }, body: method === 'GET' ? undefined : (o.sentBody ?? raw) });
  }

  async function register(body: Record<string, unknown>): Promise<TestPartner> {
    const issued = await json<PartnerSecretIssued>(await admin.request('POST', '/partners', body), 200);
    return { appId: issued.partner.appId, algorithm: issued.partner.algorithm, secret: issued.secret!, webhookSecret: issued.webhookSecret! };
  }

  const jpeg = () => materialFixtures().jpeg.toString('base64');
  const submission = (over: Partial<OpenSubmitRequest> & { idNumber?: string } = {}): OpenSubmitRequest => {
    const idNumber = over.idNumber ?? testIdNumber('19880808', '777');
    return {
      serialNo: nextSerial(),
      itemCode: NO_CRIME,
      applicant: { kind: 'attested', name: '周九', idNumber, level: 'L3', verifiedAt: new Date().toISOString() },
      formData: { applicantName: '周九', idNumber, purpose: 'employment', contactPhone: '13700007777' },
      deliveryOption: 'electronic',
      materials: [{ materialName: '申请人有效身份证件', fileName: 'id.jpg', contentType: 'image/jpeg', contentBase64: jpeg() }],
      ...over,
    };
  };
  const act = (caseNo: string, body: Record<string, unknown>) => approver.request('POST', `/cases/${caseNo}/actions`, { actionId: randomUUID(), ...body });
  const feed = async (p: TestPartner, cursor?: string) => json<OpenEventPage>(await call(p, 'GET', `/open/v1/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`), 200);

  beforeAll(async () => {
    app = await startTestApp(mode, {
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      OPEN_API_MAX_BODY_BYTES: String(MAX_BODY),
      OPEN_API_FEED_SETTLE_MS: '0',
      OPEN_API_WEBHOOK_TIMEOUT_MS: '800',
      OUTBOX_MAX_ATTEMPTS: '3',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '200',
      SIM_UPSTREAM_STEP_MS: '30',
      SLA_SWEEP_SECONDS: '0',
    });
    admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
    approver = await newStaffClient(app.url, ADMIN, { username: 'approver.open', displayName: '审批员乙', role: 'approver', password: 'Another-Secret-77-Pass' });
    province = await register({ appId: 'hn-yjs', name: '湖南省一件事一次办平台', algorithm: 'HMAC-SM3', scopes: ['catalog:read', 'cases:write', 'cases:read', 'identity:attest'] });
    city = await register({ appId: 'cs-city', name: '长沙市政务服务平台', algorithm: 'HMAC-SHA256', scopes: ['catalog:read', 'cases:write', 'cases:read'] });
    receiver = await startWebhookReceiver({ appId: province.appId, webhookSecret: province.webhookSecret, algorithm: province.algorithm, host: '127.0.0.1' });
    await json<Partner>(await admin.request('PATCH', `/partners/${province.appId}`, { webhookUrl: receiver.url }), 200);
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await app?.close();
  });

  it('syncs the catalogue incrementally by cursor, disabled and changed items included', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await json<OpenCatalogPage>(await call(city, 'GET', `/open/v1/catalog/items?limit=40${cursor ? `&cursor=${cursor}` : ''}`), 200);
      seen.push(...page.items.map((i) => i.itemCode));
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(NO_CRIME);
    const caught = await json<OpenCatalogPage>(await call(city, 'GET', `/open/v1/catalog/items?cursor=${cursor}`), 200);
    expect(caught.items).toEqual([]);

    const item = await app.container.catalog.requireItem(NO_CRIME);
    const { updatedAt: _, ...input } = item;
    await app.container.catalog.saveItem({ ...input, consultPhone: '0731-12345678' });
    const changed = await json<OpenCatalogPage>(await call(city, 'GET', `/open/v1/catalog/items?cursor=${cursor}`), 200);
    expect(changed.items.map((i) => i.itemCode)).toEqual([NO_CRIME]);
    expect(changed.items[0]).toMatchObject({ itemCode: NO_CRIME, department: { creditCode: expect.any(String) }, formSchema: expect.any(Array) });
    await error(await call(city, 'GET', '/open/v1/catalog/items?cursor=cNOTACURSOR'), 400, 'CURSOR_INVALID');
  });

  it('refuses each bad signature with its own code and changes nothing', async () => {
    const body = submission();
    const url = '/open/v1/cases';
    const refuse = async (res: Promise<Response>, status: number, code: string) => error(await res, status, code);
    await refuse(fetch(`${app.url}${url}`, { method: 'POST', body: JSON.stringify(body) }), 401, 'SIGNATURE_HEADERS_MISSING');
    await refuse(call({ ...city, appId: 'no-such-app' }, 'POST', url, body), 401, 'PARTNER_UNKNOWN');
    await refuse(call(city, 'POST', url, body, { secret: 'not-the-secret' }), 401, 'SIGNATURE_INVALID');
    await refuse(call(city, 'POST', url, body, { timestamp: Math.floor(Date.now() / 1000) - 301 }), 401, 'SIGNATURE_TIMESTAMP_SKEWED');
    await refuse(call(city, 'POST', url, body, { timestamp: Math.floor(Date.now() / 1000) + 400 }), 401, 'SIGNATURE_TIMESTAMP_SKEWED');
    // Signed completely with SHA-256 by a partner registered for SM3.
    await refuse(call(province, 'POST', url, body, { algorithm: 'HMAC-SHA256' }), 401, 'SIGNATURE_ALGORITHM_MISMATCH');
    // Declared SM3 (with an SM3 body hash) but the HMAC computed with SHA-256: the other algorithm's signature.
    const raw = JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomUUID().replaceAll('-', '');
    const sm3Hash = bodyHash('HMAC-SM3', raw);
    const wrongMac = computeSignature('HMAC-SHA256', province.secret, stringToSign({ algorithm: 'HMAC-SM3', method: 'POST', path: url, rawQuery: '', timestamp: ts, nonce, bodyHash: sm3Hash }));
    await refuse(
      fetch(`${app.url}${url}`, { method: 'POST', body: raw, headers: { 'X-OV-AppId': province.appId, 'X-OV-Timestamp': ts, 'X-OV-Nonce': nonce, 'X-OV-Algorithm': 'HMAC-SM3', 'X-OV-Body-Hash': sm3Hash, 'X-OV-Signature': wrongMac } }),
      401,
      'SIGNATURE_INVALID',
    );
    // The body changed after signing (a field edited in transit).
    await refuse(call(city, 'POST', url, body, { sentBody: JSON.stringify({ ...body, itemCode: '11430000006940001H205603001001' }) }), 400, 'BODY_HASH_MISMATCH');
    // Scope: the city may not attest identities.
    await refuse(call(city, 'POST', url, body), 403, 'SCOPE_MISSING');
    // Malformed JSON and a body over the limit.
    await refuse(call(province, 'POST', url, '{"serialNo": "HN1", '), 400, 'MALFORMED_JSON');
    await refuse(call(province, 'POST', url, JSON.stringify({ ...body, padding: 'x'.repeat(MAX_BODY) })), 413, 'PAYLOAD_TOO_LARGE');
    // Nothing was created by any of them.
    await error(await call(province, 'GET', `/open/v1/cases/by-serial/${body.serialNo}`), 404, 'APPLICATION_NOT_FOUND');
    await error(await call(city, 'GET', `/open/v1/cases/by-serial/${body.serialNo}`), 404, 'APPLICATION_NOT_FOUND');
  });

  it('refuses a replay inside the window (nonce) and after it (timestamp)', async () => {
    const nonce = `replay${randomUUID().replaceAll('-', '')}`;
    const captured = { timestamp: Math.floor(Date.now() / 1000), nonce };
    await json(await call(city, 'GET', '/open/v1/events', undefined, captured), 200);
    await error(await call(city, 'GET', '/open/v1/events', undefined, captured), 401, 'SIGNATURE_NONCE_REPLAYED');
    await error(await call(city, 'GET', '/open/v1/events', undefined, { ...captured, timestamp: captured.timestamp - 600 }), 401, 'SIGNATURE_TIMESTAMP_SKEWED');
  });

  it('refuses disabled partners, callers outside the allow-list and partners over their rate', async () => {
    const limited = await register({ appId: 'yy-city', name: '岳阳市政务服务平台', algorithm: 'HMAC-SHA256', scopes: ['catalog:read'], rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) await json(await call(limited, 'GET', '/open/v1/catalog/items?limit=1'), 200);
    const over = await error(await call(limited, 'GET', '/open/v1/catalog/items?limit=1'), 429, 'PARTNER_RATE_LIMITED');
    expect(over.details).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    await error(await call(limited, 'GET', '/open/v1/events'), 429, 'PARTNER_RATE_LIMITED');

    const fenced = await register({ appId: 'cd-city', name: '常德市政务服务平台', algorithm: 'HMAC-SHA256', scopes: ['catalog:read'], ipAllowList: ['10.0.0.0/8'] });
    await error(await call(fenced, 'GET', '/open/v1/catalog/items?limit=1'), 403, 'IP_NOT_ALLOWED');
    await json(await admin.request('PATCH', '/partners/cd-city', { ipAllowList: ['10.0.0.0/8', '127.0.0.1'] }), 200);
    await json(await call(fenced, 'GET', '/open/v1/catalog/items?limit=1'), 200);
    // Scope: catalog only.
    await error(await call(fenced, 'GET', '/open/v1/events'), 403, 'SCOPE_MISSING');
    const disabled = await json<Partner>(await admin.request('PATCH', '/partners/cd-city', { enabled: false }), 200);
    // An update changes only what it carries.
    expect(disabled).toMatchObject({ enabled: false, ipAllowList: ['10.0.0.0/8', '127.0.0.1'], scopes: ['catalog:read'], profileId: 'canonical', rateLimitPerMinute: 600 });
    await error(await call(fenced, 'GET', '/open/v1/catalog/items?limit=1'), 403, 'PARTNER_DISABLED');
  });

  it('rotates a secret without downtime: both valid until the old one is retired', async () => {
    const p = await register({ appId: 'zz-city', name: '株洲市政务服务平台', algorithm: 'HMAC-SM3', scopes: ['catalog:read'] });
    const rotated = await json<PartnerSecretIssued>(await admin.request('POST', '/partners/zz-city/secret/rotate'), 200);
    expect(rotated.partner.secrets.map((s) => s.slot)).toEqual(['current', 'previous']);
    await json(await call(p, 'GET', '/open/v1/catalog/items?limit=1'), 200);
    await json(await call({ ...p, secret: rotated.secret! }, 'GET', '/open/v1/catalog/items?limit=1'), 200);
    await json(await admin.request('DELETE', '/partners/zz-city/secret/previous'), 200);
    await error(await call(p, 'GET', '/open/v1/catalog/items?limit=1'), 401, 'SIGNATURE_INVALID');
    await json(await call({ ...p, secret: rotated.secret! }, 'GET', '/open/v1/catalog/items?limit=1'), 200);
    await error(await admin.request('DELETE', '/partners/zz-city/secret/previous'), 409, 'PARTNER_NO_PREVIOUS_SECRET');
  });

  it("submits for a neighbouring province's citizen, idempotent by serial number, and follows the case to approval with every webhook once", async () => {
    const idNumber = testIdNumber('19790303', '135');
    const token = await app.sims.idpToken('hubei', { sub: 'hb-open-1', name: '吴十', idNumber, acr: 'L3' });
    const body = submission({ idNumber, applicant: { kind: 'token', token }, formData: { applicantName: '吴十', idNumber, purpose: 'employment', contactPhone: '13700007777' } });
    const first = await json<OpenSubmitResponse>(await call(province, 'POST', '/open/v1/cases', body), 200);
    expect(first).toMatchObject({ created: true, serialNo: body.serialNo, itemCode: NO_CRIME, state: 'submitted', stateName: expect.any(String) });
    // A retry of the same body: the same case, the token not spent again.
    const again = await json<OpenSubmitResponse>(await call(province, 'POST', '/open/v1/cases', body), 200);
    expect(again).toMatchObject({ created: false, caseNo: first.caseNo });
    // The same serial with another body is a conflict; a new serial with the used token is a replay.
    await error(await call(province, 'POST', '/open/v1/cases', { ...body, deliveryOption: 'window_pickup' }), 409, 'PARTNER_SERIAL_CONFLICT');
    await error(await call(province, 'POST', '/open/v1/cases', { ...body, serialNo: nextSerial() }), 401, 'TOKEN_REPLAYED');
    // The first answer lost and its token spent, a retry carries a freshly minted one: the same case for the same citizen …
    const reminted = await app.sims.idpToken('hubei', { sub: 'hb-open-1', name: '吴十', idNumber, acr: 'L3' });
    const retried = await json<OpenSubmitResponse>(await call(province, 'POST', '/open/v1/cases', { ...body, applicant: { kind: 'token', token: reminted } }), 200);
    expect(retried).toMatchObject({ created: false, caseNo: first.caseNo });
    // … a conflict for another citizen, who is not created or linked by it; and a new token does not excuse another change.
    const stranger = testIdNumber('19800404', '246');
    const linkedAs = (sub: string) => app.container.database.db.selectFrom('user_identities').select('user_id').where('subject', 'like', `%:${sub}`).execute();
    expect(await linkedAs('hb-open-1')).toHaveLength(1);
    const other = await app.sims.idpToken('hubei', { sub: 'hb-open-2', name: '郑十一', idNumber: stranger, acr: 'L3' });
    await error(await call(province, 'POST', '/open/v1/cases', { ...body, applicant: { kind: 'token', token: other } }), 409, 'PARTNER_SERIAL_CONFLICT');
    expect(await linkedAs('hb-open-2')).toEqual([]);
    const again2 = await app.sims.idpToken('hubei', { sub: 'hb-open-1', name: '吴十', idNumber, acr: 'L3' });
    await error(await call(province, 'POST', '/open/v1/cases', { ...body, deliveryOption: 'window_pickup', applicant: { kind: 'token', token: again2 } }), 409, 'PARTNER_SERIAL_CONFLICT');
    // Another partner cannot see it.
    await error(await call(city, 'GET', `/open/v1/cases/${first.caseNo}`), 404, 'APPLICATION_NOT_FOUND');
    await error(await call(city, 'GET', `/open/v1/cases/by-serial/${body.serialNo}`), 404, 'APPLICATION_NOT_FOUND');

    await json<StaffCaseDetail>(await act(first.caseNo, { action: 'accept' }), 200);
    const done = await json<StaffCaseDetail>(await act(first.caseNo, { action: 'approve', note: '核查无犯罪记录' }), 200);
    expect(done.state).toBe('completed');
    const status = await json<OpenCaseStatus>(await call(province, 'GET', `/open/v1/cases/by-serial/${body.serialNo}`), 200);
    expect(status.timeline.map((e) => e.action)).toEqual(['submit', 'accept', 'approve', 'start_production', 'complete']);
    expect(status).toMatchObject({ caseNo: first.caseNo, state: 'completed', decidedAt: expect.any(String) });

    // Every event pushed once, signed (the receiver verifies), in the feed in the same order.
    const ids = status.timeline.map((e) => e.eventId);
    await receiver.waitFor((r) => ids.every((id) => r.events.some((e) => e.eventId === id)), 20_000);
    // Each once (pushes may overtake each other; the feed below is the ordered record).
    expect(receiver.events.filter((e) => e.caseNo === first.caseNo).map((e) => e.eventId).sort()).toEqual([...ids].sort());
    expect(receiver.rejected).toBe(0);
    const events = (await feed(province)).events.filter((e) => e.caseNo === first.caseNo);
    expect(events.map((e) => e.eventId)).toEqual(ids);
    expect(events[2]).toMatchObject({ type: 'case.status_changed', serialNo: body.serialNo, action: 'approve', state: 'approved', note: '核查无犯罪记录' });
    const pushes = await json<Page<WebhookDelivery>>(await admin.request('GET', `/partner-webhooks?caseNo=${first.caseNo}`), 200);
    expect(pushes.items.map((d) => d.status)).toEqual(ids.map(() => 'delivered'));
    expectNoPersonalDataIn(app.logs);
  });

  it('retries a failing webhook, dead-letters it, delivers it on manual retry, and the feed has it all along', async () => {
    const { cursor } = { cursor: (await feed(province)).nextCursor };
    await receiver.setMode('error500');
    const submitted = await json<OpenSubmitResponse>(await call(province, 'POST', '/open/v1/cases', submission()), 200);
    const deadOnes = await until(
      async () => (await json<Page<WebhookDelivery>>(await admin.request('GET', `/partner-webhooks?caseNo=${submitted.caseNo}`), 200)).items,
      (items) => items.length > 0 && items.every((d) => d.status === 'dead'),
      'the pushes to be dead-lettered',
    );
    expect(deadOnes[0]).toMatchObject({ attempts: 3, lastStatusCode: 500 });
    // Pulled from the feed meanwhile: nothing is lost.
    const caughtUp = await feed(province, cursor);
    expect(caughtUp.events.map((e) => e.caseNo)).toContain(submitted.caseNo);

    await receiver.setMode('timeout');
    await json<StaffCaseDetail>(await act(submitted.caseNo, { action: 'accept' }), 200);
    await until(
      async () => (await json<Page<WebhookDelivery>>(await admin.request('GET', `/partner-webhooks?caseNo=${submitted.caseNo}&status=dead`), 200)).items,
      (items) => items.length === 2 && items.some((d) => d.lastError?.includes('no answer')),
      'the timed-out push to be dead-lettered',
    );

    await receiver.setMode('up');
    await error(await admin.request('POST', `/partner-webhooks/no-such-delivery/retry`), 404, 'WEBHOOK_DELIVERY_NOT_FOUND');
    for (const d of (await json<Page<WebhookDelivery>>(await admin.request('GET', `/partner-webhooks?caseNo=${submitted.caseNo}`), 200)).items) {
      await json(await admin.request('POST', `/partner-webhooks/${d.deliveryId}/retry`), 200);
    }
    await receiver.waitFor((r) => r.events.filter((e) => e.caseNo === submitted.caseNo).length === 2, 20_000);
    const after = await json<Page<WebhookDelivery>>(await admin.request('GET', `/partner-webhooks?caseNo=${submitted.caseNo}`), 200);
    expect(after.items.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    await error(await admin.request('POST', `/partner-webhooks/${after.items[0].deliveryId}/retry`), 409, 'WEBHOOK_DELIVERY_NOT_DEAD');
  }, 60_000);

  it('supplies a promised material (容缺) after submission, once, through the case materials endpoint', async () => {
    const idNumber = testIdNumber('19810101', '246');
    const file = (materialName: string, content = jpeg()) => ({ materialName, fileName: 'm.jpg', contentType: 'image/jpeg', contentBase64: content });
    const body = submission({
      idNumber,
      itemCode: NET_CAFE,
      formData: { businessName: '星空网咖', approvalNo: '湘文旅网〔2026〕12号', region: '430102', address: '五一大道1号', terminalCount: 80, contactPhone: '13800001111' },
      materials: ['文化和旅游主管部门同意筹建的批准文件', '营业执照', '法定代表人、主要负责人有效身份证件', '信息网络安全管理制度及安全管理人员名单', '上网服务场所信息安全管理系统安装使用证明'].map((m) => file(m)),
      pendingMaterials: [{ materialName: '营业场所平面布局图及上网终端分布图', promisedBy: '2099-01-01' }],
      deliveryOption: 'window_pickup',
    });
    const created = await json<OpenSubmitResponse>(await call(province, 'POST', '/open/v1/cases', body), 200);
    expect(created.pendingMaterials).toEqual([{ materialName: '营业场所平面布局图及上网终端分布图', promisedBy: '2099-01-01', suppliedAt: null }]);
    const url = `/open/v1/cases/${created.caseNo}/materials`;
    await error(await call(province, 'POST', url, file('营业场所平面布局图及上网终端分布图', 'not*base64')), 400, 'VALIDATION_FAILED');
    await error(await call(province, 'POST', url, file('营业场所平面布局图及上网终端分布图', 'QUJDR')), 400, 'MATERIAL_CONTENT_INVALID');
    await error(await call(province, 'POST', url, file('营业场所平面布局图及上网终端分布图', Buffer.from('plain text, not a picture').toString('base64'))), 415, 'FILE_TYPE_MISMATCH');
    await error(await call(province, 'POST', url, file('营业执照')), 404, 'PENDING_MATERIAL_NOT_FOUND');
    await error(await call(city, 'POST', url, file('营业场所平面布局图及上网终端分布图')), 404, 'APPLICATION_NOT_FOUND');
    const supplied = await json<OpenCaseStatus>(await call(province, 'POST', url, file('营业场所平面布局图及上网终端分布图')), 200);
    const at = supplied.pendingMaterials[0].suppliedAt;
    expect(at).toEqual(expect.any(String));
    const twice = await json<OpenCaseStatus>(await call(province, 'POST', url, file('营业场所平面布局图及上网终端分布图')), 200);
    expect(twice.pendingMaterials[0].suppliedAt).toBe(at);
  });

  it("speaks a platform's dialect both ways: Zhuzhou's field names, codes, dates and envelope", async () => {
    const zhuzhou = await register({ appId: 'zz-yjs', name: '株洲市一件事平台', algorithm: 'HMAC-SHA256', scopes: ['cases:write', 'cases:read', 'identity:attest'], profileId: 'zhuzhou' });
    const profile = app.container.partners.profiles.require('zhuzhou');
    const canonical = OpenSubmitRequestSchema.parse(submission({ idNumber: testIdNumber('19920202', '357') }));
    const dialect = toDialect(profile, 'submitRequest', canonical) as Record<string, unknown>;
    expect(dialect).not.toHaveProperty('serialNo');
    const res = await call(zhuzhou, 'POST', '/open/v1/cases', dialect);
    expect(res.status).toBe(200);
    const raw = await res.json();
    const answer = unwrapResponse(profile, res.status, raw);
    if (!answer.ok) throw new Error(`refused: ${answer.code} ${answer.message}`);
    const status = OpenSubmitResponseSchema.parse(fromDialect(profile, 'submitResponse', answer.data));
    expect(status).toMatchObject({ created: true, serialNo: canonical.serialNo, state: 'submitted', itemCode: NO_CRIME });
    // Their error envelope, their error code mapped back to ours.
    const bad = await call(zhuzhou, 'GET', '/open/v1/cases/by-serial/NO-SUCH-SERIAL');
    const refused = unwrapResponse(profile, bad.status, await bad.json());
    expect(refused).toMatchObject({ ok: false, code: 'APPLICATION_NOT_FOUND' });
    // A dialect code we do not know is refused naming the field, and nothing is created.
    const withCertificate = toDialect(profile, 'submitRequest', { ...canonical, serialNo: nextSerial(), deliveryOption: 'electronic' }) as Record<string, unknown>;
    const broken = JSON.parse(JSON.stringify(withCertificate).replace(/"01\|/, '"99|')) as unknown;
    expect(JSON.stringify(broken)).toContain('"99|');
    const brokenRes = await call(zhuzhou, 'POST', '/open/v1/cases', broken);
    const refusedBody = unwrapResponse(profile, brokenRes.status, await brokenRes.json());
    expect(refusedBody).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('records evidence of every call, searchable in the console', async () => {
    const calls = await json<Page<PartnerCall>>(await admin.request('GET', '/partner-calls?result=refused&pageSize=50'), 200);
    const results = new Set(calls.items.map((c) => c.signatureResult));
    for (const code of ['SIGNATURE_HEADERS_MISSING', 'PARTNER_UNKNOWN', 'SIGNATURE_INVALID', 'SIGNATURE_TIMESTAMP_SKEWED', 'SIGNATURE_ALGORITHM_MISMATCH', 'BODY_HASH_MISMATCH', 'SIGNATURE_NONCE_REPLAYED', 'PARTNER_RATE_LIMITED', 'IP_NOT_ALLOWED', 'PARTNER_DISABLED', 'PAYLOAD_TOO_LARGE']) {
      expect(results).toContain(code);
    }
    const ok = await json<Page<PartnerCall>>(await admin.request('GET', '/partner-calls?appId=hn-yjs&path=/open/v1/cases&result=ok&pageSize=5'), 200);
    expect(ok.items[0]).toMatchObject({ appId: 'hn-yjs', signatureResult: 'ok', bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/), latencyMs: expect.any(Number), ip: expect.any(String) });
    const one = await json<Page<PartnerCall>>(await admin.request('GET', `/partner-calls?requestId=${ok.items[0].requestId}`), 200);
    expect(one.items).toHaveLength(1);
    // Purged after the retention period.
    const evidence = app.container.partners.evidence as unknown as { now: () => Date; purge(): Promise<number> };
    const realNow = evidence.now;
    evidence.now = () => new Date(Date.now() + 181 * 86_400_000);
    try {
      expect(await evidence.purge()).toBeGreaterThan(10);
    } finally {
      evidence.now = realNow;
    }
    expect((await json<Page<PartnerCall>>(await admin.request('GET', '/partner-calls?pageSize=5'), 200)).total).toBeLessThan(3);
    // Staff without the permission see nothing.
    await error(await approver.request('GET', '/partner-calls'), 403, 'PERMISSION_DENIED');
    await error(await approver.request('GET', '/partners'), 403, 'PERMISSION_DENIED');
  });

  it('lists the open routes in the OpenAPI document with the partner signature scheme', async () => {
    const doc = await json<{ paths: Record<string, Record<string, { security: unknown[] }>> }>(await app.get('/openapi.json'), 200);
    for (const path of ['/open/v1/catalog/items', '/open/v1/cases', '/open/v1/cases/{caseNo}', '/open/v1/cases/by-serial/{serialNo}', '/open/v1/events']) {
      expect(doc.paths[path]).toBeDefined();
    }
    expect(doc.paths['/open/v1/cases'].post.security).toEqual([{ partnerSignature: [] }]);
  });

  it('answers an unknown open route with 404 and leaves the other signed doors alone', async () => {
    await error(await call(city, 'GET', '/open/v1/no-such-thing'), 404, 'ROUTE_NOT_FOUND');
    const body = (await (await fetch(`${app.url}/open/v1/courier/push`, { method: 'POST', body: '{}' })).json()) as ErrorBody;
    expect(body.code).not.toBe('SIGNATURE_HEADERS_MISSING');
  });
});
