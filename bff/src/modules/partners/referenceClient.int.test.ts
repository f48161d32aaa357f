import { randomUUID } from 'node:crypto';
import type { OpenCaseEvent, OpenSubmitRequest, PartnerSecretIssued, StaffCaseDetail } from '@onevisit/shared-types';
import { OpenApiClient } from '../../../../scripts/open-api-client/client';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../scripts/open-api-client/webhookReceiver';
import { expectJson as json, newStaffClient } from '../../testing/http';
import { startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { storageModes } from '../../testing/storage';

const ADMIN = { username: 'admin.refclient', password: 'Correct-Horse-42-Battery' };
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明

/**
 * The acceptance run: the reference partner client (scripts/open-api-client, written from
 * docs/open-api.md, sharing no code with the BFF) submits for a citizen of a neighbouring province,
 * follows the case to its decision, and receives every webhook once; with its receiver down, it
 * recovers everything from the event feed.
 */
describe.each(storageModes().map((m) => [m.name, m] as const))('the reference partner client on %s', (_name, mode) => {
  let app: TestApp;
  let approver: ConsoleClient;
  let client: OpenApiClient;
  let receiver: WebhookReceiver;
  let cursor: string | undefined;

  const application = async (sub: string, idNumber: string, name: string): Promise<OpenSubmitRequest> => ({
    serialNo: `YJS-${randomUUID()}`,
    itemCode: NO_CRIME,
    applicant: { kind: 'token', token: await app.sims.idpToken('hubei', { sub, name, idNumber, acr: 'L3' }) },
    formData: { applicantName: name, idNumber, purpose: 'employment', contactPhone: '13600006666' },
    deliveryOption: 'electronic',
    materials: [{ materialName: '申请人有效身份证件', fileName: '身份证.jpg', contentType: 'image/jpeg', contentBase64: materialFixtures().jpeg.toString('base64') }],
  });
  const decide = async (caseNo: string) => {
    for (const action of ['accept', 'approve']) await json<StaffCaseDetail>(await approver.request('POST', `/cases/${caseNo}/actions`, { action, actionId: randomUUID(), note: '同意' }), 200);
  };
  const feedSince = async (from: string | undefined): Promise<{ events: OpenCaseEvent[]; cursor: string | undefined }> => {
    const events: OpenCaseEvent[] = [];
    const it = client.allEvents(from, { limit: 3 });
    for (let r = await it.next(); ; r = await it.next()) {
      if (r.done) return { events, cursor: r.value };
      events.push(r.value);
    }
  };

  beforeAll(async () => {
    app = await startTestApp(mode, {
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      OPEN_API_FEED_SETTLE_MS: '0',
      OUTBOX_MAX_ATTEMPTS: '2',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '100',
      SLA_SWEEP_SECONDS: '0',
    });
    const admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
    approver = await newStaffClient(app.url, ADMIN, { username: 'approver.ref', displayName: '审批员丙', role: 'approver', password: 'Another-Secret-77-Pass' });
    const issued = await json<PartnerSecretIssued>(await admin.request('POST', '/partners', { appId: 'hn-yjs', name: '湖南省一件事一次办平台', algorithm: 'HMAC-SM3', scopes: ['catalog:read', 'cases:write', 'cases:read'] }), 200);
    receiver = await startWebhookReceiver({ appId: 'hn-yjs', webhookSecret: issued.webhookSecret!, algorithm: 'HMAC-SM3', host: '127.0.0.1' });
    await json(await admin.request('PATCH', '/partners/hn-yjs', { webhookUrl: receiver.url }), 200);
    client = new OpenApiClient({ baseUrl: app.url, appId: 'hn-yjs', secret: issued.secret!, algorithm: 'HMAC-SM3' });
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await app?.close();
  });

  it('submits, follows the case to approval and receives every webhook once', async () => {
    const request = await application('hb-ref-1', testIdNumber('19830303', '468'), '郑十一');
    const submitted = await client.submitCase(request);
    expect(submitted).toMatchObject({ created: true, state: 'submitted' });
    // A retry of the same body (a lost answer) is recognised, not a second case.
    expect(await client.submitCase(request)).toMatchObject({ created: false, caseNo: submitted.caseNo });

    await decide(submitted.caseNo);
    const approved = await client.followCase(submitted.caseNo, { until: (s) => s.timeline.some((e) => e.action === 'approve'), intervalMs: 100, timeoutMs: 10_000 });
    const eventIds = approved.timeline.map((e) => e.eventId);
    await receiver.waitFor((r) => eventIds.every((id) => r.events.some((e) => e.eventId === id)), 20_000);
    const pushed = receiver.events.filter((e) => e.caseNo === submitted.caseNo);
    // Each event once; pushes may overtake each other, so compare them as a set keyed by event id.
    expect(pushed.map((e) => e.eventId).sort()).toEqual([...eventIds].sort());
    const stateOf = new Map(approved.timeline.map((e) => [e.eventId, e.state]));
    expect(pushed.every((e) => stateOf.get(e.eventId) === e.state)).toBe(true);
    expect(receiver.rejected).toBe(0);

    const feed = await feedSince(undefined);
    expect(feed.events.map((e) => e.eventId)).toEqual(eventIds);
    cursor = feed.cursor;
  });

  it('with its webhook receiver down, recovers everything from the event feed', async () => {
    await receiver.setMode('down');
    const before = receiver.deliveries;
    const request = await application('hb-ref-2', testIdNumber('19840404', '579'), '王十二');
    const submitted = await client.submitCase(request);
    await decide(submitted.caseNo);
    const done = await client.followCase(submitted.caseNo, { until: (s) => s.state === 'completed', intervalMs: 100, timeoutMs: 10_000 });

    const recovered = await feedSince(cursor);
    expect(recovered.events.map((e) => e.eventId)).toEqual(done.timeline.map((e) => e.eventId));
    expect(recovered.events.every((e) => e.caseNo === submitted.caseNo)).toBe(true);
    expect(receiver.deliveries).toBe(before);
    // Nothing new after the new cursor.
    expect((await feedSince(recovered.cursor)).events).toEqual([]);
  });
});
