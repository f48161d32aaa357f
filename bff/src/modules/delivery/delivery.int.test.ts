import { randomUUID } from 'node:crypto';
import type { Address, AddressList, ApplicationDetail, ErrorBody, Shipment, StaffCaseDetail, Upload } from '@onevisit/shared-types';
import { signRequest } from '../../adapters/signing';
import { expectError as error, expectJson as json, newStaffClient } from '../../testing/http';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber, type TestCitizen } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { storageModes } from '../../testing/storage';

const ADMIN = { username: 'admin.delivery', password: 'Correct-Horse-42-Battery' };
const KINSHIP = '11430000006940001H205603001001'; // 户籍类亲属关系证明 (in-house, free, postal allowed)
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明 (in-house, electronic only)
const PUSH_PATH = '/open/v1/courier/push';

const key = () => randomUUID();

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A postal address in Changsha (codes from the region table). */
const changsha = (over: Record<string, unknown> = {}) => ({
  recipientName: '张三',
  phone: '13800001111',
  province: '430000',
  city: '430100',
  district: '430102',
  detail: '五一大道100号3栋201室',
  postcode: '410011',
  ...over,
});

describe.each(storageModes().map((m) => [m.name, m] as const))('delivery on %s', (_name, mode) => {
  let app: TestApp;
  let approver: ConsoleClient;
  let alice: TestCitizen;
  let bob: TestCitizen;

  const send = (method: string, path: string, citizen: TestCitizen, body?: unknown) =>
    fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json', ...citizen.auth }, body: body === undefined ? undefined : JSON.stringify(body) });
  const book = async (citizen: TestCitizen) => (await json<AddressList>(await app.get('/api/v1/me/addresses', citizen.auth), 200)).items;
  const saveAddress = async (citizen: TestCitizen, over: Record<string, unknown> = {}) => json<Address>(await app.post('/api/v1/me/addresses', { ...changsha(over), idempotencyKey: key() }, citizen.auth), 201);
  const fieldsOf = (body: ErrorBody) => (body.details as { issues: { field: string }[] }).issues.map((i) => i.field).sort();

  async function upload(citizen: TestCitizen): Promise<Upload> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id.jpg');
    return json<Upload>(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: citizen.auth, body: form }), 201);
  }

  /** A free in-house case with postal delivery, submitted (waiting for an approver). */
  async function postalCase(citizen: TestCitizen): Promise<ApplicationDetail> {
    const [a, b] = [await upload(citizen), await upload(citizen)];
    const body = {
      itemCode: KINSHIP,
      idempotencyKey: key(),
      formData: { relatedName: '张父', relatedIdNumber: testIdNumber('19650505', '011'), relationship: 'parentChild', purpose: '办理继承公证', contactPhone: '13800001111' },
      materials: [
        { materialName: '申请人有效身份证件', uploadId: a.uploadId },
        { materialName: '被证明人身份信息', uploadId: b.uploadId },
      ],
      deliveryOption: 'postal',
    };
    const created = await json<ApplicationDetail>(await app.post('/api/v1/applications', body, citizen.auth), 201);
    expect(created.state).toBe('submitted');
    return created;
  }

  /** The approver accepts and approves: a free item goes straight into production. */
  async function approve(caseNo: string): Promise<void> {
    await json(await approver.request('POST', `/cases/${caseNo}/actions`, { action: 'accept', actionId: key() }), 200);
    const done = await json<StaffCaseDetail>(await approver.request('POST', `/cases/${caseNo}/actions`, { action: 'approve', actionId: key(), note: '核实亲属关系' }), 200);
    expect(done.state).toBe('producing');
  }

  const detail = async (citizen: TestCitizen, caseNo: string) => json<ApplicationDetail>(await app.get(`/api/v1/applications/${caseNo}`, citizen.auth), 200);
  const shipment = async (citizen: TestCitizen, caseNo: string) => json<Shipment>(await app.get(`/api/v1/applications/${caseNo}/shipment`, citizen.auth), 200);

  beforeAll(async () => {
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, SIM_COURIER_STEP_MS: '80', SLA_SWEEP_SECONDS: '0', PAYMENT_SWEEP_SECONDS: '0' });
    approver = await newStaffClient(app.url, ADMIN, { username: 'approver.post', displayName: '审批员乙', role: 'approver', password: 'Another-Secret-77-Pass' });
    alice = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
    bob = await app.identity.createCitizenForTest({ phone: '13900002222', name: '李四', idNumber: testIdNumber('19851212', '002'), face: true });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('keeps an address book: masked, one default, idempotent by key, at most 20', async () => {
    const carol = await app.identity.createCitizenForTest({ phone: '13700003333' });
    expect(await book(carol)).toEqual([]);
    const body = { ...changsha({ recipientName: '王小明', phone: '13700003333' }), idempotencyKey: key() };
    const first = await json<Address>(await app.post('/api/v1/me/addresses', body, carol.auth), 201);
    expect(first).toMatchObject({ recipientName: '王*明', phone: '137****3333', region: '湖南省长沙市芙蓉区', detail: '五一大道100号3栋201室', postcode: '410011', isDefault: true });
    expect(JSON.stringify(first)).not.toContain('13700003333');
    // the same key again: the same address; with another address: refused
    expect(await json<Address>(await app.post('/api/v1/me/addresses', body, carol.auth), 200)).toEqual(first);
    await error(await app.post('/api/v1/me/addresses', { ...body, detail: '另一个地址 88 号' }, carol.auth), 409, 'IDEMPOTENCY_KEY_REUSED');

    // outside Hunan the city and district are written as text
    const second = await saveAddress(carol, { province: '440000', city: '深圳市', district: '南山区', detail: '科技园南区 8 栋', postcode: undefined, isDefault: true });
    expect(second).toMatchObject({ region: '广东省深圳市南山区', isDefault: true, postcode: null });
    expect((await book(carol)).map((a) => [a.addressId, a.isDefault])).toEqual([
      [second.addressId, true],
      [first.addressId, false],
    ]);

    const edited = await json<Address>(await send('PUT', `/api/v1/me/addresses/${first.addressId}`, carol, changsha({ recipientName: '王大明', detail: '芙蓉中路一段 1 号', isDefault: true })), 200);
    expect(edited).toMatchObject({ addressId: first.addressId, recipientName: '王*明', detail: '芙蓉中路一段 1 号', isDefault: true });
    expect((await book(carol)).filter((a) => a.isDefault).map((a) => a.addressId)).toEqual([first.addressId]);

    // deleting the default makes the newest remaining one the default
    const left = await json<AddressList>(await send('DELETE', `/api/v1/me/addresses/${first.addressId}`, carol), 200);
    expect(left.items.map((a) => [a.addressId, a.isDefault])).toEqual([[second.addressId, true]]);
    await error(await send('DELETE', `/api/v1/me/addresses/${first.addressId}`, carol), 404, 'ADDRESS_NOT_FOUND');

    for (let i = (await book(carol)).length; i < 20; i++) await saveAddress(carol, { detail: `测试路${i + 1}号院` });
    await error(await app.post('/api/v1/me/addresses', { ...changsha(), idempotencyKey: key() }, carol.auth), 409, 'ADDRESS_LIMIT_REACHED');
    expect(await book(carol)).toHaveLength(20);
    expect((await book(carol)).filter((a) => a.isDefault)).toHaveLength(1);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await (await app.get('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me/addresses', '/api/v1/me/addresses/{addressId}', '/api/v1/applications/{caseNo}/address', '/api/v1/applications/{caseNo}/shipment', '/console/api/cases/{caseNo}/shipment']),
    );
    expect(Object.keys(doc.paths['/api/v1/me/addresses/{addressId}'])).toEqual(expect.arrayContaining(['put', 'delete']));
    expect(JSON.stringify(doc.paths['/api/v1/me/addresses'].post.requestBody)).toContain('recipientName');
  });

  it('refuses a bad address naming each field, and writes nothing', async () => {
    const before = await book(bob);
    const post = (over: Record<string, unknown>) => app.post('/api/v1/me/addresses', { ...changsha(over), idempotencyKey: key() }, bob.auth);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ phone: '12345' }, ['body.phone']],
      [{ recipientName: '' }, ['body.recipientName']],
      [{ recipientName: '李' }, ['body.recipientName']],
      [{ province: '990000' }, ['body.province']],
      [{ city: '440300' }, ['body.city']],
      [{ district: '430211' }, ['body.district']], // 天元区 is in Zhuzhou, not Changsha
      [{ detail: '一号' }, ['body.detail']],
      [{ detail: '<script>alert(1)</script>' }, ['body.detail']],
      [{ postcode: '4100' }, ['body.postcode']],
      [{ phone: undefined, detail: undefined }, ['body.detail', 'body.phone']],
    ];
    for (const [over, fields] of cases) {
      const body = await error(await post(over), 400, 'VALIDATION_FAILED');
      expect({ over, fields: fieldsOf(body) }).toEqual({ over, fields });
    }
    await error(await app.post('/api/v1/me/addresses', changsha(), bob.auth), 400, 'VALIDATION_FAILED'); // no idempotencyKey
    expect(await book(bob)).toEqual(before);
    const mine = await saveAddress(bob, { recipientName: '李四', phone: '13900002222' });
    await error(await send('PUT', `/api/v1/me/addresses/${mine.addressId}`, bob, changsha({ city: '430200' })), 400, 'VALIDATION_FAILED');
    expect((await book(bob)).find((a) => a.addressId === mine.addressId)).toEqual(mine);
  });

  it("answers 404 for another citizen's address and case", async () => {
    const alices = await saveAddress(alice);
    const bobs = await saveAddress(bob, { recipientName: '李四', phone: '13900002222' });
    await error(await send('PUT', `/api/v1/me/addresses/${alices.addressId}`, bob, changsha()), 404, 'ADDRESS_NOT_FOUND');
    await error(await send('DELETE', `/api/v1/me/addresses/${alices.addressId}`, bob), 404, 'ADDRESS_NOT_FOUND');
    expect((await book(bob)).map((a) => a.addressId)).not.toContain(alices.addressId);
    expect((await book(alice)).map((a) => a.addressId)).toContain(alices.addressId);

    const c = await postalCase(alice);
    await error(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, bob, { addressId: bobs.addressId }), 404, 'APPLICATION_NOT_FOUND');
    await error(await app.get(`/api/v1/applications/${c.caseNo}/shipment`, bob.auth), 404, 'APPLICATION_NOT_FOUND');
    await error(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: bobs.addressId }), 404, 'ADDRESS_NOT_FOUND');
    await error(await app.get(`/api/v1/applications/${c.caseNo}/shipment`, alice.auth), 404, 'SHIPMENT_NOT_FOUND');

    // an electronic result is not posted
    const [u] = [await upload(alice)];
    const electronic = await json<ApplicationDetail>(
      await app.post(
        '/api/v1/applications',
        {
          itemCode: NO_CRIME,
          idempotencyKey: key(),
          formData: { applicantName: '张三', idNumber: testIdNumber('19900101', '123'), purpose: 'employment', contactPhone: '13800001111' },
          materials: [{ materialName: '申请人有效身份证件', uploadId: u.uploadId }],
          deliveryOption: 'electronic',
        },
        alice.auth,
      ),
      201,
    );
    await error(await send('PUT', `/api/v1/applications/${electronic.caseNo}/address`, alice, { addressId: alices.addressId }), 409, 'DELIVERY_NOT_POSTAL');
  });

  it('posts a case end to end: waits for an address, books at once, ships and completes on the pushes', async () => {
    const c = await postalCase(alice);
    await approve(c.caseNo);
    // In production without an address: the booking waits (the outbox retries it).
    await app.container.outboxDispatcher.runOnce();
    expect((await detail(alice, c.caseNo)).state).toBe('producing');
    await error(await app.get(`/api/v1/applications/${c.caseNo}/shipment`, alice.auth), 404, 'SHIPMENT_NOT_FOUND');

    const address = await saveAddress(alice, { detail: '韶山北路 139 号 5 栋 502' });
    const booked = await json<Shipment>(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: address.addressId }), 200);
    expect(booked).toMatchObject({ caseNo: c.caseNo, state: 'created', waybillNo: expect.stringMatching(/^EA\d{9}CN$/), recipient: { name: '张*', phone: '138****1111', region: '湖南省长沙市芙蓉区', detail: '韶山北路 139 号 5 栋 502' } });
    // The courier got the order: the department posts it, to the address as chosen.
    const courier = app.container.simulators!.courier;
    const order = courier.order(booked.waybillNo!)!;
    expect(order.orderNo).toBe(`${c.caseNo}-1`);
    expect(order.sender.name).toBe('湖南省公安厅');
    expect(order.recipient).toMatchObject({ name: '张三', phone: '13800001111', province: '湖南省', city: '长沙市', district: '芙蓉区', address: '韶山北路 139 号 5 栋 502' });
    // Booked once, whatever runs again.
    await app.container.outboxDispatcher.runOnce();
    expect(courier.waybills().filter((w) => w.orderNo.startsWith(c.caseNo))).toHaveLength(1);

    const done = await until(() => detail(alice, c.caseNo), (d) => d.state === 'completed', 'the parcel to be signed');
    const tail = done.timeline.slice(done.timeline.findIndex((e) => e.action === 'start_production'));
    expect(tail.map((e) => [e.action, e.state])).toEqual([
      ['start_production', 'producing'],
      ['ship', 'shipped'],
      ['delivery_update', 'shipped'],
      ['delivery_update', 'shipped'],
      ['complete', 'completed'],
    ]);
    expect(tail[1].note).toContain(booked.waybillNo);
    expect(tail[2].note).toMatch(/^运输中：/);
    expect(tail[4].note).toMatch(/^已签收：/);

    const tracked = await shipment(alice, c.caseNo);
    expect(tracked).toMatchObject({ state: 'signed', waybillNo: booked.waybillNo });
    expect(tracked.events.map((e) => e.state)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'signed']);
    const staffView = await json<Shipment>(await approver.request('GET', `/cases/${c.caseNo}/shipment`), 200);
    expect(staffView).toMatchObject({ state: 'signed', waybillNo: booked.waybillNo, recipient: { name: '张*', phone: '138****1111', region: '湖南省长沙市芙蓉区' } });
    expect(staffView.recipient.detail).toMatch(/\*{4}$/);
    expect(staffView.recipient.detail).not.toContain('502');

    // Too late to change the address now.
    await error(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: address.addressId }), 409, 'SHIPMENT_ALREADY_BOOKED');
    expectNoPersonalDataIn(app.logs);
  });

  it('books through the outbox when the address came first; a refused parcel leaves the case shipped with a returned entry', async () => {
    const c = await postalCase(alice);
    const first = await saveAddress(alice, { detail: '人民中路 1 号' });
    const refused = await saveAddress(alice, { detail: '拒收路 8 号 101' });
    const chosen = await json<Shipment>(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: first.addressId }), 200);
    expect(chosen).toMatchObject({ state: 'created', waybillNo: null, events: [] });
    // Changed before booking; the same choice twice changes nothing.
    await json<Shipment>(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: refused.addressId }), 200);
    const again = await json<Shipment>(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: refused.addressId }), 200);
    expect(again.recipient.detail).toBe('拒收路 8 号 101');
    // Editing the book afterwards does not touch the case's copy.
    await json(await send('PUT', `/api/v1/me/addresses/${refused.addressId}`, alice, changsha({ detail: '别的地方 9 号' })), 200);

    await approve(c.caseNo);
    await app.container.outboxDispatcher.runOnce();
    const booked = await until(() => shipment(alice, c.caseNo), (s) => s.waybillNo !== null, 'the outbox to book the parcel');
    const courier = app.container.simulators!.courier;
    expect(courier.order(booked.waybillNo!)!).toMatchObject({ orderNo: `${c.caseNo}-2`, recipient: { address: '拒收路 8 号 101' } });

    const returned = await until(() => shipment(alice, c.caseNo), (s) => s.state === 'returned', 'the parcel to come back');
    expect(returned.events.map((e) => e.state)).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'returned']);
    const d = await until(() => detail(alice, c.caseNo), (x) => x.timeline.length > 0 && x.timeline.at(-1)!.note?.startsWith('已退回') === true, 'the returned entry');
    expect(d.state).toBe('shipped');
    expect(d.timeline.at(-1)).toMatchObject({ action: 'delivery_update', state: 'shipped', note: expect.stringContaining('拒收') });
    expectNoPersonalDataIn(app.logs);
  });

  it('refuses a push with a bad signature and changes nothing; a re-delivered event applies once', async () => {
    const c = await postalCase(alice);
    const address = await saveAddress(alice);
    await json(await send('PUT', `/api/v1/applications/${c.caseNo}/address`, alice, { addressId: address.addressId }), 200);
    await approve(c.caseNo);
    await app.container.outboxDispatcher.runOnce();
    const booked = await until(() => shipment(alice, c.caseNo), (s) => s.state === 'signed', 'the parcel to be signed');
    // the case completes after the signed push is stored, so wait for it before taking the baseline
    const before = await until(() => detail(alice, c.caseNo), (x) => x.state === 'completed', 'the case to complete on signing');

    const courier = app.container.simulators!.courier;
    const credentials = app.container.simulators!.credentials.courier;
    const genuine = courier.events(booked.waybillNo!)!;
    const forgedEvent = JSON.stringify({ ...genuine[0], eventId: 'evt-forged-000001', status: 'returned', description: '伪造的退回' });
    const push = (body: string, headers: Record<string, string>) => fetch(`${app.url}${PUSH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const wrongSecret = await push(forgedEvent, signRequest({ method: 'POST', path: PUSH_PATH, body: forgedEvent, appKey: credentials.push.appKey, appSecret: 'not-the-courier-secret-000000' }));
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const ourKey = await push(forgedEvent, signRequest({ method: 'POST', path: PUSH_PATH, body: forgedEvent, ...credentials.gateway }));
    expect(ourKey.status).toBe(401);
    const unsigned = await push(forgedEvent, {});
    expect(unsigned.status).toBe(401);
    // a genuine signature over other bytes
    const signed = signRequest({ method: 'POST', path: PUSH_PATH, body: JSON.stringify(genuine[0]), ...credentials.push });
    expect((await push(forgedEvent, signed)).status).toBe(401);

    // the genuine signed event again (a courier retry with a new nonce): applied once
    const replay = JSON.stringify(genuine[1]);
    const res = await push(replay, signRequest({ method: 'POST', path: PUSH_PATH, body: replay, ...credentials.push }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ code: 'OK', message: 'duplicate' });
    // the same nonce twice: refused
    const headers = signRequest({ method: 'POST', path: PUSH_PATH, body: replay, ...credentials.push });
    expect((await push(replay, headers)).status).toBe(200);
    expect((await push(replay, headers)).status).toBe(401);
    // a signed push about a waybill we never booked: not found, so a courier would retry
    const stranger = JSON.stringify({ ...genuine[0], eventId: 'evt-stranger-0001', waybillNo: 'EA123456785CN' });
    expect((await push(stranger, signRequest({ method: 'POST', path: PUSH_PATH, body: stranger, ...credentials.push }))).status).toBe(404);
    const junk = JSON.stringify({ waybillNo: booked.waybillNo });
    expect((await push(junk, signRequest({ method: 'POST', path: PUSH_PATH, body: junk, ...credentials.push }))).status).toBe(400);

    expect(await shipment(alice, c.caseNo)).toEqual(booked);
    const after = await detail(alice, c.caseNo);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.state).toBe('completed');
    expectNoPersonalDataIn(app.logs);
  });
});

describe.each(storageModes().map((m) => [m.name, m] as const))('delivery with pushes driven by hand on %s', (_name, mode) => {
  let app: TestApp;
  let approver: ConsoleClient;
  let alice: TestCitizen;

  const ok = async <T>(res: Response): Promise<T> => {
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const detail = async (caseNo: string) => ok<ApplicationDetail>(await app.get(`/api/v1/applications/${caseNo}`, alice.auth));
  const shipment = async (caseNo: string) => ok<Shipment>(await app.get(`/api/v1/applications/${caseNo}/shipment`, alice.auth));

  beforeAll(async () => {
    // The parcel moves only when the test says so.
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, SIM_COURIER_STEP_MS: '600000', SLA_SWEEP_SECONDS: '0', PAYMENT_SWEEP_SECONDS: '0' });
    approver = new ConsoleClient(app.url);
    await ok(await approver.login(ADMIN.username, ADMIN.password));
    alice = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('ships a case whose pickup push never arrived when a later event does, and takes the late pickup without moving back', async () => {
    const uploads = [];
    for (let i = 0; i < 2; i++) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id.jpg');
      uploads.push(await ok<Upload>(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: alice.auth, body: form })));
    }
    const c = await ok<ApplicationDetail>(
      await app.post(
        '/api/v1/applications',
        {
          itemCode: KINSHIP,
          idempotencyKey: key(),
          formData: { relatedName: '张父', relatedIdNumber: testIdNumber('19650505', '011'), relationship: 'parentChild', purpose: '办理继承公证', contactPhone: '13800001111' },
          materials: [
            { materialName: '申请人有效身份证件', uploadId: uploads[0].uploadId },
            { materialName: '被证明人身份信息', uploadId: uploads[1].uploadId },
          ],
          deliveryOption: 'postal',
        },
        alice.auth,
      ),
    );
    const address = await ok<Address>(await app.post('/api/v1/me/addresses', { ...changsha(), idempotencyKey: key() }, alice.auth));
    await ok(await fetch(`${app.url}/api/v1/applications/${c.caseNo}/address`, { method: 'PUT', headers: { 'content-type': 'application/json', ...alice.auth }, body: JSON.stringify({ addressId: address.addressId }) }));
    await ok(await approver.request('POST', `/cases/${c.caseNo}/actions`, { action: 'accept', actionId: key() }));
    await ok(await approver.request('POST', `/cases/${c.caseNo}/actions`, { action: 'approve', actionId: key() }));
    await app.container.outboxDispatcher.runOnce();
    const { waybillNo } = await until(() => shipment(c.caseNo), (s) => s.waybillNo !== null, 'the booking');
    expect((await detail(c.caseNo)).state).toBe('producing');

    // The courier's in-transit event, its pickup push lost on the way.
    const credentials = app.container.simulators!.credentials.courier.push;
    const push = async (event: Record<string, unknown>) => {
      const body = JSON.stringify(event);
      return fetch(`${app.url}${PUSH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest({ method: 'POST', path: PUSH_PATH, body, ...credentials }) }, body });
    };
    const inTransit = { eventId: 'evt-by-hand-transit', waybillNo, orderNo: `${c.caseNo}-1`, status: 'in_transit', at: new Date().toISOString(), location: '长沙邮区中心局', description: '离开【长沙邮区中心局】' };
    expect((await push(inTransit)).status).toBe(200);
    expect((await push(inTransit)).status).toBe(200); // re-delivered
    const shipped = await detail(c.caseNo);
    expect(shipped.state).toBe('shipped');
    expect(shipped.timeline.slice(-2).map((e) => [e.action, e.state])).toEqual([
      ['ship', 'shipped'],
      ['delivery_update', 'shipped'],
    ]);
    expect((await shipment(c.caseNo)).state).toBe('in_transit');

    // The pickup arrives late (the simulator's own first step): kept, the shipment does not move back.
    const pickup = app.container.simulators!.courier.advance(waybillNo!)!;
    expect(pickup.status).toBe('picked_up');
    await until(() => shipment(c.caseNo), (s) => s.events.length === 2, 'the late pickup');
    expect((await shipment(c.caseNo)).state).toBe('in_transit');
    const after = await detail(c.caseNo);
    expect(after.state).toBe('shipped');
    expect(after.timeline.filter((e) => e.action === 'ship')).toHaveLength(1);

    // The rest by hand (the simulator's own in-transit, out for delivery), then signed completes the case.
    for (let i = 0; i < 3; i++) app.container.simulators!.courier.advance(waybillNo!);
    const done = await until(() => detail(c.caseNo), (d) => d.state === 'completed', 'completion');
    expect(done.timeline.filter((e) => e.action === 'delivery_update')).toHaveLength(3);
    const final = await shipment(c.caseNo);
    expect(final.state).toBe('signed');
    // in the courier's own time order (the hand-made in-transit event is stamped before the late pickup)
    expect(final.events.map((e) => e.state)).toEqual(['in_transit', 'picked_up', 'in_transit', 'out_for_delivery', 'signed']);

    // A push lost for good: forget the signature event as if it had never arrived, and let the
    // shipment fall quiet; the tracking sweep asks the courier and applies what was missing, once.
    const db = app.container.database.db;
    await db.deleteFrom('shipment_events').where('case_no', '=', c.caseNo).where('status', '=', 'signed').execute();
    await db.updateTable('shipments').set({ state: 'out_for_delivery', updated_at: '2000-01-01 00:00:00.000' }).where('case_no', '=', c.caseNo).execute();
    const swept = await app.container.delivery.shipments.trackingSweep();
    expect(swept.applied).toBeGreaterThanOrEqual(1);
    expect((await shipment(c.caseNo)).state).toBe('signed');
    expect((await detail(c.caseNo)).timeline.filter((e) => e.action === 'complete')).toHaveLength(1);
    expect((await app.container.delivery.shipments.trackingSweep()).asked).toBe(0);
    expectNoPersonalDataIn(app.logs);
  });
});
