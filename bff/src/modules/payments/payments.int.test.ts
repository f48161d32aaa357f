import { randomUUID } from 'node:crypto';
import type { ApplicationDetail, CreatePaymentResponse, PaymentOrder, Upload } from '@onevisit/shared-types';
import { beijingRfc3339 } from '../../adapters/wechatpay';
import { encryptResource } from '../../adapters/wechatpay/crypto';
import { expectError as error, expectJson as json } from '../../testing/http';
import { startTestApp, type TestApp } from '../../testing/app';
import { testIdNumber, type TestCitizen } from '../../testing/citizens';
import { ConsoleClient } from '../../testing/console';
import { materialFixtures } from '../../testing/files';
import { storageModes } from '../../testing/storage';
import { shanghaiDate } from '../calendar/dates';

const ID_RENEWAL = '11430000006940002L070001002001'; // 居民身份证换领: 20 元 due on submission, 户政 system
const ADMIN = { username: 'admin.pay', password: 'Correct-Horse-42-Battery' };
const key = () => randomUUID();

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(storageModes().map((m) => [m.name, m] as const))('payments on %s', (_name, mode) => {
  let app: TestApp;
  let citizen: TestCitizen;
  const sim = () => app.container.simulators!.wechatPay;

  /** A TRANSACTION.SUCCESS notification as WeChat Pay sends it, changed as a test needs. */
  function notification(order: { orderNo: string; amountFen: number }, over: { mchid?: string; amount?: number; tamper?: boolean } = {}) {
    const c = sim().credentials;
    const transaction = {
      appid: c.appId,
      mchid: over.mchid ?? c.mchId,
      out_trade_no: order.orderNo,
      transaction_id: `42000${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      trade_type: 'MWEB',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      success_time: beijingRfc3339(Date.now()),
      payer: { openid: 'oSimPayer' },
      amount: { total: over.amount ?? order.amountFen, payer_total: over.amount ?? order.amountFen, currency: 'CNY', payer_currency: 'CNY' },
    };
    const resource = { original_type: 'transaction', ...encryptResource(JSON.stringify(transaction), c.apiV3Key, 'transaction') };
    if (over.tamper) resource.ciphertext = Buffer.from(resource.ciphertext, 'base64').reverse().toString('base64');
    const body = JSON.stringify({ id: randomUUID(), create_time: beijingRfc3339(Date.now()), resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功', resource });
    return { body, headers: sim().signHeaders(body) };
  }
  const deliver = (n: { body: string; headers: Record<string, string> }) =>
    fetch(`${app.url}/open/v1/payments/wechat/notify`, { method: 'POST', headers: { 'content-type': 'application/json', ...n.headers }, body: n.body });

  async function awaitingPayment(delivery: 'postal' | 'window_pickup' = 'postal'): Promise<ApplicationDetail> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id.jpg');
    const upload = await json<Upload>(await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: citizen.auth, body: form }), 201);
    const item = await app.container.catalog.requireItem(ID_RENEWAL);
    const required = item.materials.filter((m) => m.required).map((m) => ({ materialName: m.name, uploadId: upload.uploadId }));
    const res = await app.post(
      '/api/v1/applications',
      {
        itemCode: ID_RENEWAL,
        idempotencyKey: key(),
        formData: { idNumber: testIdNumber('19900101', '123'), reason: item.formSchema.find((f) => f.key === 'reason')!.options![0].value, acceptanceOffice: '430102 芙蓉区受理点', contactPhone: '13800001111' },
        materials: required,
        deliveryOption: delivery,
      },
      citizen.auth,
    );
    const created = await json<ApplicationDetail>(res, 201);
    expect(created.state).toBe('awaiting_payment');
    return created;
  }
  const pay = (caseNo: string, channel = 'wechat_h5', k = key()) => app.post('/api/v1/payments', { caseNo, channel, idempotencyKey: k }, citizen.auth);

  beforeAll(async () => {
    app = await startTestApp(mode, { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, SIM_UPSTREAM_STEP_MS: '20', PAYMENT_SWEEP_SECONDS: '0', SLA_SWEEP_SECONDS: '0' });
    citizen = await app.identity.createCitizenForTest({ phone: '13800001111', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('charges the catalogue fee plus postage, whatever the client would like, and hands out the same order again', async () => {
    const c = await awaitingPayment('postal');
    const first = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    expect(first.order).toMatchObject({ caseNo: c.caseNo, channel: 'wechat_h5', state: 'paying', amountFen: 2000 + 1000 });
    expect(first.order.lines.map((l) => l.kind)).toEqual(['item_fee', 'postage']);
    expect(first.pay).toMatchObject({ kind: 'wechat_h5', h5Url: expect.stringContaining('/sim/wechatpay/cashier') });
    const again = await json<CreatePaymentResponse>(await app.post('/api/v1/payments', { caseNo: c.caseNo, channel: 'wechat_h5', idempotencyKey: key(), amountFen: 1 }, citizen.auth), 200);
    expect(again.order.orderNo).toBe(first.order.orderNo);
    expect(again.order.amountFen).toBe(3000);
  });

  it('moves the order to paid once, the case to submitted and on to its department, when the payer pays', async () => {
    const c = await awaitingPayment('window_pickup');
    const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    expect(order.amountFen).toBe(2000);
    sim().pay(order.orderNo);
    await until(() => app.container.payments.order(citizen.me.userId, order.orderNo), (o) => o.state === 'paid', 'the notification');
    await app.container.outboxDispatcher.runOnce();
    const detail = await until(
      async () => json<ApplicationDetail>(await app.get(`/api/v1/applications/${c.caseNo}`, citizen.auth), 200),
      (d) => d.timeline.some((e) => e.action === 'pre_review'),
      'the case moving on',
    );
    expect(detail.timeline.slice(0, 4).map((e) => e.action)).toEqual(['submit', 'payment_confirmed', 'resume_after_payment', 'pre_review']);
    expect(detail.timeline[1].note).toContain('¥20.00');
  });

  it('answers a retryable 503 while WeChat Pay is down, leaves no half-made order, and pays after', async () => {
    const c = await awaitingPayment('window_pickup');
    sim().setFault({ down: true });
    try {
      const refused = await pay(c.caseNo);
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe('UPSTREAM_UNAVAILABLE');
      const live = await app.container.database.db.selectFrom('payment_orders').select(['state', 'live_key']).where('case_no', '=', c.caseNo).execute();
      expect(live.every((o) => o.state === 'closed' && o.live_key === null)).toBe(true);
    } finally {
      sim().setFault(null);
    }
    const ok = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    expect(ok.order.state).toBe('paying');
    expect(ok.pay?.kind).toBe('wechat_h5');
  });

  it('applies 1,000 concurrent duplicate notifications as one state change', async () => {
    const c = await awaitingPayment('window_pickup');
    const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    const n = notification(order);
    const answers = await Promise.all(Array.from({ length: 1000 }, () => deliver(n)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([204]));
    const paidRows = await app.container.database.db.selectFrom('outbox').select('id').where('topic', '=', 'payments.paid').where('dedupe_key', '=', order.orderNo).execute();
    expect(paidRows).toHaveLength(1);
    expect((await app.container.payments.order(citizen.me.userId, order.orderNo)).state).toBe('paid');
  }, 60_000);

  it('refuses a bad signature, a tampered ciphertext, a wrong amount, a wrong mchid and an unknown order — nothing changes', async () => {
    const c = await awaitingPayment('window_pickup');
    const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    const good = notification(order);
    const forged = { body: good.body, headers: { ...good.headers, 'Wechatpay-Signature': Buffer.from('forged').toString('base64') } };
    expect((await deliver(forged)).status).toBe(401);
    expect((await deliver(notification(order, { tamper: true }))).status).not.toBe(204);
    expect((await deliver(notification(order, { amount: 1 }))).status).not.toBe(204);
    expect((await deliver(notification(order, { mchid: '1900000000' }))).status).not.toBe(204);
    expect((await deliver(notification({ orderNo: 'P20990101000000DEADBEEF', amountFen: 2000 }))).status).not.toBe(204);
    expect((await app.container.payments.order(citizen.me.userId, order.orderNo)).state).toBe('paying');
    const refused = app.logs.filter((l) => l.msg === 'payment notification refused' || l.msg === 'payment fact refused; nothing changed');
    expect(refused.length).toBeGreaterThanOrEqual(4);
  });

  it('asks the channel when the client reports an unknown result, and closes an expired order (a late payment is flagged and refunded)', async () => {
    const c = await awaitingPayment('window_pickup');
    const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    // The payment sheet closed without a clear answer: the BFF asks WeChat, which says not paid yet.
    const reported = await json<PaymentOrder>(await app.post(`/api/v1/payments/${order.orderNo}/result`, { outcome: 'unknown' }, citizen.auth), 200);
    expect(reported.state).toBe('paying'); // not paid at the channel yet: the query says so

    // Expiry: the sweep closes the order at WeChat and here.
    await app.container.database.db.updateTable('payment_orders').set({ expires_at: '2000-01-01 00:00:00.000' }).where('order_no', '=', order.orderNo).execute();
    await app.container.payments.sweep();
    expect((await app.container.payments.order(citizen.me.userId, order.orderNo)).state).toBe('closed');
    // A payment notification that still arrives is not lost: flagged, and refunded.
    expect((await deliver(notification(order))).status).toBe(204);
    const flagged = await app.container.payments.order(citizen.me.userId, order.orderNo);
    expect(flagged.state).toBe('flagged');
    expect(flagged.refunds).toHaveLength(1);
  });

  it('refunds a paid case the department rejects, and the citizen sees the refund', async () => {
    const c = await awaitingPayment('window_pickup');
    app.container.simulators!.upstream.setRule(ID_RENEWAL, ['accepted', 'rejected']);
    try {
      const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
      sim().pay(order.orderNo);
      await until(() => app.container.payments.order(citizen.me.userId, order.orderNo), (o) => o.state === 'paid', 'payment');
      const rejected = await until(
        async () => {
          await app.container.outboxDispatcher.runOnce();
          return json<ApplicationDetail>(await app.get(`/api/v1/applications/${c.caseNo}`, citizen.auth), 200);
        },
        (d) => d.state === 'rejected',
        'the rejection',
      );
      expect(rejected.state).toBe('rejected');
      const refunded = await until(
        async () => {
          await app.container.outboxDispatcher.runOnce();
          return json<{ orders: PaymentOrder[] }>(await app.get(`/api/v1/applications/${c.caseNo}/payments`, citizen.auth), 200);
        },
        (r) => r.orders[0]?.state === 'refunded',
        'the refund',
      );
      expect(refunded.orders[0].refunds[0]).toMatchObject({ amountFen: 2000, state: 'success' });
    } finally {
      app.container.simulators!.upstream.setRule(ID_RENEWAL, null);
    }
  });

  it('pays and refunds through Alipay: trade.create for my.tradePay, the RSA2-signed notification, the refund', async () => {
    const { authCode } = app.sims.alipayAuthCode();
    await json(await app.post('/api/v1/me/link/alipay', { authCode }, citizen.auth), 200);
    const c = await awaitingPayment('window_pickup');
    const started = await json<CreatePaymentResponse>(await pay(c.caseNo, 'alipay'), 200);
    expect(started.pay).toMatchObject({ kind: 'alipay_trade', tradeNo: expect.any(String) });
    expect(started.order).toMatchObject({ channel: 'alipay', amountFen: 2000 });
    app.container.simulators!.alipay.pay(started.order.orderNo);
    const paid = await until(() => app.container.payments.order(citizen.me.userId, started.order.orderNo), (o) => o.state === 'paid', 'the Alipay notification');
    expect(paid.transactionId).toBeTruthy();
    // A forged notification is answered "fail" and changes nothing.
    const forged = await fetch(`${app.url}/open/v1/payments/alipay/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `out_trade_no=${started.order.orderNo}&trade_status=TRADE_SUCCESS&total_amount=0.01&sign=AAAA&sign_type=RSA2` });
    expect(await forged.text()).not.toBe('success');
    // Withdrawn before review is impossible once paid and submitted; a refund comes with a refusal instead.
    await app.container.payments.refundClosedCase(c.caseNo);
    const refunded = await until(
      async () => {
        await app.container.outboxDispatcher.runOnce();
        return app.container.payments.order(citizen.me.userId, started.order.orderNo);
      },
      (o) => o.state === 'refunded',
      'the Alipay refund',
    );
    expect(refunded.refunds[0]).toMatchObject({ amountFen: 2000, state: 'success' });
  });

  it('finds a mismatch planted in the day’s bill', async () => {
    const c = await awaitingPayment('window_pickup');
    const { order } = await json<CreatePaymentResponse>(await pay(c.caseNo), 200);
    const yesterday = new Date(Date.now() - 86_400_000);
    sim().pay(order.orderNo, { at: yesterday.getTime() });
    await until(() => app.container.payments.order(citizen.me.userId, order.orderNo), (o) => o.state === 'paid', 'payment');
    // Our record of the payment time is the channel's success_time: yesterday, the bill's day.
    const billDate = shanghaiDate(yesterday);
    sim().plantBillMismatch(billDate, { kind: 'extra', outTradeNo: 'P20000101000000FFFFFFFF', amountFen: 4000 });
    const admin = new ConsoleClient(app.url);
    await json(await admin.login(ADMIN.username, ADMIN.password), 200);
    const run = await json<{ mismatches: { kind: string; orderNo: string | null }[] }>(await admin.request('POST', '/payments/reconciliation/run', { channel: 'wechat', billDate }), 200);
    expect(run.mismatches).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'missing_in_orders', orderNo: 'P20000101000000FFFFFFFF' })]));
    expect(run.mismatches.find((m) => m.orderNo === order.orderNo)).toBeUndefined();
    const listed = await json<{ total: number }>(await admin.request('GET', `/payments/reconciliation?billDate=${billDate}`), 200);
    expect(listed.total).toBe(run.mismatches.length);
  });
});
