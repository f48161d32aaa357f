import type { NotificationPreferences } from '@onevisit/shared-types';
import { toDbTime } from '../../db/sql';
import { expectNoPersonalDataIn, startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber } from '../../testing/citizens';
import { storageModes } from '../../testing/storage';
import type { CaseNotice } from './service';
import { DEV_TEMPLATE_IDS } from './templates';

const ITEM_CODE = '114300000061234567010000000001';
const WECHAT_TEMPLATES = Object.values(DEV_TEMPLATE_IDS.wechat);
const ALIPAY_TEMPLATES = Object.values(DEV_TEMPLATE_IDS.alipay);

describe.each(storageModes().map((m) => [m.name, m] as const))('case notices on %s', (_name, mode) => {
  let app: TestApp;
  let seq = 0;
  beforeAll(async () => {
    app = await startTestApp(mode);
  });
  afterAll(async () => {
    await app?.close();
  });

  interface Citizen {
    userId: string;
    phone: string;
    openid?: string;
    alipayUserId?: string;
    auth: { authorization: string };
  }

  /** A citizen through the real API: SMS login, then WeChat and/or Alipay linked (and subscribed). */
  async function citizen(options: { wechat?: 'subscribed' | 'not_subscribed'; alipay?: boolean } = {}): Promise<Citizen> {
    seq += 1;
    const phone = `139${String(Date.now() % 1e4).padStart(4, '0')}${String(seq).padStart(4, '0')}`;
    const c = await app.identity.createCitizenForTest({ phone });
    const result: Citizen = { userId: c.me.userId, phone, auth: c.auth };
    if (options.wechat) {
      const openid = `oWx_${phone}_${seq}`;
      const res = await app.post('/api/v1/me/link/wechat', { code: app.sims.wechatLoginCode(openid) }, c.auth);
      expect(res.status).toBe(200);
      if (options.wechat === 'subscribed') app.sims.wechatSubscribe(openid, WECHAT_TEMPLATES, { longTerm: true });
      result.openid = openid;
    }
    if (options.alipay) {
      const { authCode, userId } = app.sims.alipayAuthCode();
      expect((await app.post('/api/v1/me/link/alipay', { authCode }, c.auth)).status).toBe(200);
      app.sims.alipaySubscribe(userId, ALIPAY_TEMPLATES, { longTerm: true });
      result.alipayUserId = userId;
    }
    return result;
  }

  function notice(c: Pick<Citizen, 'userId'>, over: Partial<CaseNotice> = {}): CaseNotice {
    seq += 1;
    return {
      userId: c.userId,
      caseNo: `${ITEM_CODE}20240105${String(seq).padStart(4, '0')}`,
      itemName: '居民身份证补领',
      action: 'accept',
      state: 'accepted',
      at: new Date('2024-01-05T00:30:00Z'),
      eventId: `ev_${seq}`,
      ...over,
    };
  }

  /** As the applications service does: inside the transition's transaction. */
  const enqueue = (n: CaseNotice) => app.container.database.db.transaction().execute((trx) => app.container.notifications.enqueueCaseNotice(trx, n));

  /** Runs the dispatcher until nothing due is left (fan-out rows create channel rows). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if ((await app.container.outboxDispatcher.runOnce()).claimed === 0) return;
    }
    throw new Error('the outbox did not drain');
  }

  const delivered = (caseNo: string) =>
    app.sims.notifications.sent().filter((m) => (m.channel === 'sms' ? m.params.caseNo === caseNo : m.page.endsWith(`caseNo=${caseNo}`)));
  const rowsOf = (caseNo: string) => app.container.database.db.selectFrom('outbox').selectAll().where('dedupe_key', 'like', `${caseNo}:%`).execute();
  const row = async (caseNo: string, topic: string) => (await rowsOf(caseNo)).find((r) => r.topic === topic);

  async function put(c: Citizen, body: unknown): Promise<Response> {
    return fetch(`${app.url}/api/v1/me/notifications`, { method: 'PUT', headers: { 'content-type': 'application/json', ...c.auth }, body: JSON.stringify(body) });
  }

  describe('preferences (GET/PUT /api/v1/me/notifications)', () => {
    it('are all on until changed; PUT sets the channels it names, and again changes nothing', async () => {
      const c = await citizen();
      const get = async () => (await app.get('/api/v1/me/notifications', c.auth)).json() as Promise<NotificationPreferences>;
      expect(await get()).toEqual({ wechat: true, alipay: true, sms: true });
      const first = await put(c, { sms: false });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ wechat: true, alipay: true, sms: false });
      const again = await put(c, { sms: false });
      expect(await again.json()).toEqual({ wechat: true, alipay: true, sms: false });
      expect(await (await put(c, { wechat: false })).json()).toEqual({ wechat: false, alipay: true, sms: false });
      expect(await (await put(c, {})).json()).toEqual({ wechat: false, alipay: true, sms: false });
      expect(await get()).toEqual({ wechat: false, alipay: true, sms: false });
    });

    it('refuses bad input with 400 and changes nothing; needs a session', async () => {
      const c = await citizen();
      for (const body of [{ sms: 'no' }, { wechat: 1 }, { email: false }, ['sms']]) {
        const res = await put(c, body);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      }
      expect(await (await app.get('/api/v1/me/notifications', c.auth)).json()).toEqual({ wechat: true, alipay: true, sms: true });
      expect((await app.get('/api/v1/me/notifications')).status).toBe(401);
      expect((await fetch(`${app.url}/api/v1/me/notifications`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"sms":false}' })).status).toBe(401);
    });
  });

  describe('delivery', () => {
    it('tells a citizen on WeChat, Alipay and SMS once per case event, with the case’s details', async () => {
      const c = await citizen({ wechat: 'subscribed', alipay: true });
      const n = notice(c, { action: 'request_supplement', state: 'supplement_requested', note: '身份证照片不清晰，请重新上传' });
      expect(await enqueue(n)).toBe('enqueued');
      await drain();
      const sent = delivered(n.caseNo);
      expect(sent.map((m) => [m.channel, m.to]).sort()).toEqual([
        ['alipay', c.alipayUserId],
        ['sms', c.phone],
        ['wechat', c.openid],
      ]);
      expect(sent.find((m) => m.channel === 'wechat')).toMatchObject({
        templateId: DEV_TEMPLATE_IDS.wechat.supplement,
        page: `packages/cases/detail/index?caseNo=${n.caseNo}`,
        data: { character_string1: n.caseNo.slice(-32), thing2: '居民身份证补领', phrase3: '待补正', time4: '2024年1月5日 08:30', thing5: '身份证照片不清晰，请重新上传' },
      });
      expect(sent.find((m) => m.channel === 'alipay')).toMatchObject({ data: { keyword1: n.caseNo, keyword3: '待补正' } });
      expect(sent.find((m) => m.channel === 'sms')).toMatchObject({ template: 'case_supplement', text: expect.stringContaining(`办件编号${n.caseNo}`) });

      // A retried transition (same event) and a rolled-back one tell nobody again.
      expect(await enqueue(n)).toBe('duplicate');
      const rolledBack = notice(c);
      await expect(
        app.container.database.db.transaction().execute(async (trx) => {
          await app.container.notifications.enqueueCaseNotice(trx, rolledBack);
          throw new Error('the transition failed');
        }),
      ).rejects.toThrow('the transition failed');
      await drain();
      expect(delivered(n.caseNo)).toHaveLength(3);
      expect(await rowsOf(rolledBack.caseNo)).toHaveLength(0);
      expect((await rowsOf(n.caseNo)).map((r) => [r.topic, r.status]).sort()).toEqual([
        ['notify.case', 'delivered'],
        ['notify.case.alipay', 'delivered'],
        ['notify.case.sms', 'delivered'],
        ['notify.case.wechat', 'delivered'],
      ]);
    });

    it('skips the channels the citizen turned off, and internal steps altogether', async () => {
      const c = await citizen({ wechat: 'subscribed', alipay: true });
      expect((await put(c, { wechat: false, sms: false })).status).toBe(200);
      const n = notice(c, { action: 'approve', state: 'approved' });
      await enqueue(n);
      expect(await enqueue(notice(c, { action: 'start_review', state: 'in_review' }))).toBe('not_notified');
      await drain();
      expect(delivered(n.caseNo).map((m) => m.channel)).toEqual(['alipay']);
      expect((await rowsOf(n.caseNo)).map((r) => r.topic).sort()).toEqual(['notify.case', 'notify.case.alipay']);

      expect((await put(c, { alipay: false })).status).toBe(200);
      const silent = notice(c, { action: 'complete', state: 'completed' });
      await enqueue(silent);
      await drain();
      expect(delivered(silent.caseNo)).toHaveLength(0);
      expect(await row(silent.caseNo, 'notify.case')).toMatchObject({ status: 'delivered' });
    });

    it('fetches a new WeChat access token when the old one is refused (40001) and still delivers', async () => {
      const c = await citizen({ wechat: 'subscribed' });
      await enqueue(notice(c));
      await drain();
      const issued = app.sims.wechatTokensIssued();
      app.sims.wechatExpireAccessTokens();
      const n = notice(c, { action: 'ship', state: 'shipped' });
      await enqueue(n);
      await drain();
      expect(delivered(n.caseNo).filter((m) => m.channel === 'wechat')).toHaveLength(1);
      expect(app.sims.wechatTokensIssued()).toBe(issued + 1);
      expect(await row(n.caseNo, 'notify.case.wechat')).toMatchObject({ status: 'delivered', attempts: 1 });
    });

    it('skips a WeChat message the citizen never subscribed to (43101): no retry, no dead letter; the other channels deliver', async () => {
      const c = await citizen({ wechat: 'not_subscribed' });
      const n = notice(c, { action: 'reject', state: 'rejected' });
      await enqueue(n);
      await drain();
      expect(await row(n.caseNo, 'notify.case.wechat')).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(delivered(n.caseNo).map((m) => m.channel)).toEqual(['sms']);
    });

    it('retries a failing SMS gateway on its own, without sending WeChat again', async () => {
      const c = await citizen({ wechat: 'subscribed' });
      const n = notice(c, { action: 'ready_for_pickup', state: 'ready_for_pickup' });
      app.sims.setFault('sms', { status: 503 });
      try {
        await enqueue(n);
        await drain();
        expect(await row(n.caseNo, 'notify.case.sms')).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('HTTP 503') });
        expect(delivered(n.caseNo).map((m) => m.channel)).toEqual(['wechat']);
      } finally {
        app.sims.setFault('sms', null);
      }
      // Due now rather than after its backoff.
      const sms = await row(n.caseNo, 'notify.case.sms');
      await app.container.database.db.updateTable('outbox').set({ next_attempt_at: toDbTime(new Date(Date.now() - 1000)) }).where('id', '=', sms!.id).execute();
      await drain();
      expect(await row(n.caseNo, 'notify.case.sms')).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(await row(n.caseNo, 'notify.case.wechat')).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(delivered(n.caseNo).map((m) => m.channel).sort()).toEqual(['sms', 'wechat']);
      expect(delivered(n.caseNo).find((m) => m.channel === 'sms')).toMatchObject({ template: 'case_pickup', to: c.phone });
    });

    it('ends a notice for a citizen with no channel at all (mutual-recognition login only), without a dead letter', async () => {
      const res = await app.post('/sim/dev/idp/token', { issuer: 'hubei', sub: `hb-${Date.now()}`, name: '李四', idNumber: testIdNumber('19900307', '412'), acr: 'L2' });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      const exchanged = await app.post('/api/v1/auth/token/exchange', { token });
      expect(exchanged.status).toBe(200);
      const session = (await exchanged.json()) as { me: { userId: string } };
      const n = notice({ userId: session.me.userId });
      await enqueue(n);
      await drain();
      expect(await row(n.caseNo, 'notify.case')).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(app.logs.find((l) => l.caseNo === n.caseNo && l.msg === 'case notice not sent: the citizen has no reachable channel')).toBeDefined();
      expect(delivered(n.caseNo)).toHaveLength(0);
    });

    it('logs deliveries and refusals with masked recipients and no personal data', async () => {
      const c = await citizen({ wechat: 'not_subscribed' });
      const n = notice(c, { note: `已电话联系${c.phone}` });
      await enqueue(n);
      await drain();
      const about = app.logs.filter((l) => l.caseNo === n.caseNo);
      expect(about.find((l) => l.msg === 'case notice delivered')).toMatchObject({ channel: 'sms', to: `${c.phone.slice(0, 3)}****${c.phone.slice(-4)}` });
      expect(about.find((l) => l.msg === 'case notice not sent: the citizen has not subscribed to it')).toMatchObject({ channel: 'wechat', upstreamCode: '43101' });
      // The note's phone number reached the citizen masked too.
      expect(delivered(n.caseNo).find((m) => m.channel === 'sms')).toMatchObject({ params: { note: expect.stringContaining('****') } });
      expectNoPersonalDataIn(app.logs);
    });
  });
});
