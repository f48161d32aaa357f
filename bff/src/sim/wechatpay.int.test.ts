import { buildAuthorization, createWechatPayVerifier, signRequestPayment } from '../adapters/wechatpay/crypto';
import { startWechatPayHarness, waitFor, type WechatPayHarness } from '../adapters/wechatpay/testSupport';
import { deadOrigin } from './testServer';
import { WECHATPAY_NOTIFY_SCHEDULE_S } from './wechatpay';

let seq = 0;
const no = (tag: string) => `${tag}${Date.now()}${++seq}`;
const openid = 'oSim0000000000000000000000001';

/** A request signed as our client signs it, with the clock of our choice. */
async function signed(h: WechatPayHarness, method: 'GET' | 'POST', path: string, body?: unknown, timestamp?: number) {
  const c = h.keys.credentials;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const authorization = buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method, pathAndQuery: path, body: text, timestamp });
  const res = await fetch(`${h.baseUrl}${path}`, { method, headers: { authorization, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : text });
  const raw = await res.text();
  return { status: res.status, raw, json: raw ? JSON.parse(raw) : undefined, headers: res.headers };
}

function order(h: WechatPayHarness, outTradeNo: string, over: Record<string, unknown> = {}) {
  const c = h.keys.credentials;
  return { appid: c.appId, mchid: c.mchId, description: '居住证工本费', out_trade_no: outTradeNo, notify_url: h.receiver.url, amount: { total: 2000, currency: 'CNY' }, payer: { openid }, ...over };
}

describe('WeChat Pay simulator', () => {
  describe('API behaviour', () => {
    let h: WechatPayHarness;
    let offsetMs = 0;
    beforeAll(async () => {
      h = await startWechatPayHarness({ now: () => Date.now() + offsetMs, refundDelayMs: null, refundNotifyUrl: () => h.receiver.url });
    });
    afterAll(() => h.close());

    it('signs every answer, refusals included, with the current platform key', async () => {
      const c = h.keys.credentials;
      const verifier = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey }, platformCertificates: [c.platformCertificate] });
      const check = (r: Awaited<ReturnType<typeof signed>>) =>
        verifier.verify({ timestamp: r.headers.get('wechatpay-timestamp')!, nonce: r.headers.get('wechatpay-nonce')!, signature: r.headers.get('wechatpay-signature')!, serial: r.headers.get('wechatpay-serial')!, body: r.raw });
      const created = await signed(h, 'POST', '/v3/pay/transactions/jsapi', order(h, no('SIM')));
      expect(created.status).toBe(200);
      expect(check(created)).toMatchObject({ ok: true, mode: 'public_key' });
      expect(created.headers.get('request-id')).toBeTruthy();
      const missing = await signed(h, 'GET', `/v3/pay/transactions/out-trade-no/${no('NONE')}?mchid=${c.mchId}`);
      expect(missing).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_EXIST' } });
      expect(check(missing).ok).toBe(true);
      h.sim.setSigningMode('certificate');
      const closed = await signed(h, 'POST', `/v3/pay/transactions/out-trade-no/${no('NONE')}/close`, { mchid: c.mchId });
      expect(closed.status).toBe(404);
      expect(check(closed)).toMatchObject({ ok: true, mode: 'certificate', serial: c.platformSerialNo });
      h.sim.setSigningMode('public_key');
    });

    it('validates orders as WeChat does', async () => {
      const c = h.keys.credentials;
      const post = (body: unknown) => signed(h, 'POST', '/v3/pay/transactions/jsapi', body);
      expect(await post(order(h, no('SIM'), { appid: 'wx0000000000000000' }))).toMatchObject({ status: 400, json: { code: 'APPID_MCHID_NOT_MATCH' } });
      expect(await post(order(h, no('SIM'), { mchid: '1900000001' }))).toMatchObject({ status: 400, json: { code: 'MCH_NOT_EXISTS' } });
      expect(await post(order(h, 'abc'))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post(order(h, no('SIM'), { notify_url: `${h.receiver.url}?x=1` }))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post(order(h, no('SIM'), { amount: { total: 0 } }))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post(order(h, no('SIM'), { amount: { total: 100, currency: 'USD' } }))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post(order(h, no('SIM'), { payer: {} }))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post(order(h, no('SIM'), { time_expire: 'tomorrow' }))).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await post('{not json')).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await signed(h, 'GET', `/v3/pay/transactions/out-trade-no/${no('NONE')}?mchid=1900000001`)).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      const h5 = (body: unknown) => signed(h, 'POST', '/v3/pay/transactions/h5', body);
      const { payer: _payer, ...h5Order } = order(h, no('SIM'));
      expect(await h5(h5Order)).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR', message: expect.stringContaining('payer_client_ip') } });
      expect(await h5({ ...h5Order, scene_info: { payer_client_ip: '198.51.100.1', h5_info: { type: 'PC' } } })).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
      expect(await h5({ ...h5Order, scene_info: { payer_client_ip: '198.51.100.1', h5_info: { type: 'Wap' } } })).toMatchObject({ status: 200, json: { h5_url: expect.stringContaining('/cashier?prepay_id=') } });
      // WeChat's wider order-number alphabet is accepted by the simulator
      expect((await post(order(h, `A|B*C@${Date.now()}`))).status).toBe(200);
      expect(c.mchId).toMatch(/^\d{10}$/);
    });

    it('renews an expired prepay_id for the same order, and an expired one can no longer pay', async () => {
      const outTradeNo = no('SIM');
      const first = (await signed(h, 'POST', '/v3/pay/transactions/jsapi', order(h, outTradeNo))).json.prepay_id as string;
      offsetMs = 2 * 3600_000 + 1000;
      try {
      const ts = Math.floor((Date.now() + offsetMs) / 1000);
      const second = (await signed(h, 'POST', '/v3/pay/transactions/jsapi', order(h, outTradeNo), ts)).json.prepay_id as string;
      expect(second).not.toBe(first);
      expect(h.sim.payPrepay(first)).toEqual({ ok: false, code: 'PREPAY_EXPIRED' });
      // our own clock is now 2 h behind the simulator's: it refuses our timestamp
      expect(await signed(h, 'POST', '/v3/pay/transactions/jsapi', order(h, outTradeNo))).toMatchObject({ status: 401, json: { code: 'SIGN_ERROR' } });
      expect(h.sim.payPrepay(second)).toMatchObject({ ok: true, outTradeNo });
      } finally {
        offsetMs = 0;
      }
    });

    it('refuses to take payment after time_expire', async () => {
      const outTradeNo = no('SIM');
      const soon = new Date(Date.now() + 8 * 3600_000 + 1000).toISOString().slice(0, 19) + '+08:00';
      expect((await signed(h, 'POST', '/v3/pay/transactions/jsapi', order(h, outTradeNo, { time_expire: soon }))).status).toBe(200);
      offsetMs = 2000;
      try {
        expect(h.sim.pay(outTradeNo)).toEqual({ ok: false, code: 'ORDER_EXPIRED' });
      } finally {
        offsetMs = 0;
      }
      expect(h.sim.pay(no('NONE'))).toEqual({ ok: false, code: 'ORDER_NOT_EXIST' });
    });

    it('settles refunds by hook when refundDelayMs is null, notifying the platform-configured URL', async () => {
      const client = h.client();
      const outTradeNo = no('SIM');
      await client.jsapiPrepay({ outTradeNo, description: '驾驶证补领', amountFen: 1000, payerOpenid: openid, notifyUrl: h.receiver.url });
      h.sim.pay(outTradeNo);
      // The payment's own notification is a timer until delivered: wait for it, so only the refund could schedule one.
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo));
      await waitFor(() => h.sim.pendingTimers() === 0);
      const rf = no('RF');
      await client.refund({ outTradeNo, outRefundNo: rf, refundFen: 1000, totalFen: 1000 });
      expect(h.sim.pendingTimers()).toBe(0);
      expect((await client.queryRefund(rf)).status).toBe('PROCESSING');
      expect(h.sim.completeRefund(rf, 'ABNORMAL')).toBe(true);
      expect(h.sim.completeRefund(rf)).toBe(false);
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'refund' && n.refund.outRefundNo === rf));
      expect(h.receiver.accepted.find((n) => n.kind === 'refund' && n.refund.outRefundNo === rf)).toMatchObject({ eventType: 'REFUND.ABNORMAL', summary: '退款异常', refund: { status: 'ABNORMAL' } });
      expect((await client.queryByOutTradeNo(outTradeNo)).tradeState).toBe('SUCCESS');
      // an abnormal refund frees the amount again
      const again = no('RF');
      await client.refund({ outTradeNo, outRefundNo: again, refundFen: 1000, totalFen: 1000 });
      expect(h.sim.refund(again)).toMatchObject({ status: 'PROCESSING', refundFen: 1000 });
    });

    it('serves same-day bills only when told to', async () => {
      const local = await startWechatPayHarness({ sameDayBills: true });
      try {
        const outTradeNo = no('SIM');
        await local.client().jsapiPrepay({ outTradeNo, description: '临时身份证明', amountFen: 1, payerOpenid: openid, notifyUrl: local.receiver.url });
        local.sim.pay(outTradeNo);
        const bill = await local.client().tradeBill(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
        expect(bill.rows.map((r) => [r.outTradeNo, r.settlementTotalFen, r.fee])).toEqual([[outTradeNo, 1, '0.00']]);
      } finally {
        await local.close();
      }
    });
  });

  describe('notification delivery', () => {
    it("retries on WeChat's whole schedule (scaled), re-signing the same body, then gives up", async () => {
      const scale = 0.00001; // the whole 24 h 4 min in ~0.9 s
      const h = await startWechatPayHarness({ notifyRetryScale: scale });
      try {
        h.receiver.failNext(100, 503);
        const outTradeNo = no('SIM');
        await h.client().jsapiPrepay({ outTradeNo, description: '护照', amountFen: 12000, payerOpenid: openid, notifyUrl: h.receiver.url });
        h.sim.pay(outTradeNo);
        await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === outTradeNo && d.gaveUp), 5000);
        const log = h.sim.deliveries().filter((d) => d.outTradeNo === outTradeNo);
        expect(log).toHaveLength(16);
        expect(log.map((d) => d.nextDelayMs)).toEqual([...WECHATPAY_NOTIFY_SCHEDULE_S.map((s) => Math.round(s * 1000 * scale)), undefined]);
        expect(log[15]).toMatchObject({ attempt: 16, outcome: 503, ok: false, gaveUp: true });
        expect(WECHATPAY_NOTIFY_SCHEDULE_S.reduce((a, b) => a + b, 0)).toBe(24 * 3600 + 4 * 60);
        expect(new Set(h.receiver.raw.map((r) => r.body)).size).toBe(1);
        expect(new Set(h.receiver.raw.map((r) => r.headers['wechatpay-nonce'])).size).toBe(16);
        expect(h.sim.pendingTimers()).toBe(0);
      } finally {
        await h.close();
      }
    });

    it('counts only 200 and 204 as received; a dead receiver is a network outcome', async () => {
      const h = await startWechatPayHarness({ notifyRetryScale: 0.0001 });
      try {
        h.receiver.failNext(1, 202);
        const a = no('SIM');
        await h.client().jsapiPrepay({ outTradeNo: a, description: '护照', amountFen: 1, payerOpenid: openid, notifyUrl: h.receiver.url });
        h.sim.pay(a);
        await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === a && d.ok));
        expect(h.sim.deliveries().filter((d) => d.outTradeNo === a).map((d) => d.outcome)).toEqual([202, 204]);

        const b = no('SIM');
        await h.client().jsapiPrepay({ outTradeNo: b, description: '护照', amountFen: 1, payerOpenid: openid, notifyUrl: `${await deadOrigin()}/notify` });
        h.sim.pay(b);
        await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === b));
        expect(h.sim.deliveries().find((d) => d.outTradeNo === b)).toMatchObject({ attempt: 1, outcome: 'ECONNREFUSED', ok: false });
      } finally {
        await h.close();
      }
    });

    it('stop() cancels pending retries and refund timers; nothing is scheduled afterwards', async () => {
      const h = await startWechatPayHarness({ notifyRetryScale: 1, refundDelayMs: 60_000 });
      try {
        h.receiver.failNext(100, 500);
        const outTradeNo = no('SIM');
        await h.client().jsapiPrepay({ outTradeNo, description: '护照', amountFen: 100, payerOpenid: openid, notifyUrl: h.receiver.url });
        h.sim.pay(outTradeNo);
        await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === outTradeNo));
        await h.client().refund({ outTradeNo, outRefundNo: no('RF'), refundFen: 100, totalFen: 100 });
        expect(h.sim.pendingTimers()).toBe(2); // the 15 s retry and the 60 s refund
        h.sim.stop();
        expect(h.sim.pendingTimers()).toBe(0);
        await h.client().refund({ outTradeNo, outRefundNo: no('RF'), refundFen: 1, totalFen: 100 }).catch(() => undefined);
        expect(h.sim.pendingTimers()).toBe(0);
      } finally {
        await h.close();
      }
    });
  });

  describe('cashier page and dev routes', () => {
    let h: WechatPayHarness;
    beforeAll(async () => {
      h = await startWechatPayHarness();
    });
    afterAll(() => h.close());

    const prepay = async (amountFen = 8000) => {
      const outTradeNo = no('SIM');
      const { prepayId } = await h.client().jsapiPrepay({ outTradeNo, description: '港澳通行证<签注>', amountFen, payerOpenid: openid, notifyUrl: h.receiver.url });
      return { outTradeNo, prepayId };
    };
    const confirm = (form: Record<string, string>) =>
      fetch(`${h.url}/sim/wechatpay/cashier/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form), redirect: 'manual' });

    it('shows the order and pays it with 确认支付, returning to the H5 app', async () => {
      const { outTradeNo, prepayId } = await prepay(8050);
      const page = await fetch(`${h.url}/sim/wechatpay/cashier?prepay_id=${prepayId}&redirect=${encodeURIComponent('/h5/#/pay/result')}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('¥80.50');
      expect(html).toContain('港澳通行证&lt;签注&gt;');
      expect(html).toContain('确认支付');
      expect(html).toContain('取消');
      const res = await confirm({ prepay_id: prepayId, action: 'pay', redirect: '/h5/#/pay/result' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/h5/?wechatpay=ok#/pay/result');
      expect(h.sim.order(outTradeNo)?.state).toBe('SUCCESS');
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo));
      expect((await fetch(`${h.url}/sim/wechatpay/cashier?prepay_id=${prepayId}`)).status).toBe(409);
      expect((await confirm({ prepay_id: prepayId, action: 'pay' })).status).toBe(409);
    });

    it('取消 leaves the order unpaid; unknown prepay ids and unsafe redirects are refused', async () => {
      const { outTradeNo, prepayId } = await prepay();
      const res = await confirm({ prepay_id: prepayId, action: 'cancel', redirect: 'https://h5.example/#/pay' });
      expect(res.headers.get('location')).toBe('https://h5.example/?wechatpay=cancel#/pay');
      expect(h.sim.order(outTradeNo)?.state).toBe('NOTPAY');
      const unsafe = await confirm({ prepay_id: prepayId, action: 'cancel', redirect: 'javascript:alert(1)' });
      expect(unsafe.status).toBe(200);
      expect(await unsafe.text()).toContain('已取消支付');
      expect((await fetch(`${h.url}/sim/wechatpay/cashier?prepay_id=wx000`)).status).toBe(404);
      expect((await confirm({ prepay_id: prepayId, action: 'steal' })).status).toBe(400);
    });

    it('dev routes: pay, order, deliveries, faults, bill mismatches, signing mode', async () => {
      const { outTradeNo, prepayId } = await prepay();
      const post = (path: string, body: unknown) => fetch(`${h.url}/sim/wechatpay/dev/${path}`, { method: 'POST', body: JSON.stringify(body) });
      const paid = await post('pay', { prepayId });
      expect(paid.status).toBe(200);
      expect(await paid.json()).toMatchObject({ ok: true, outTradeNo });
      expect((await post('pay', { outTradeNo })).status).toBe(409);
      expect((await post('pay', {})).status).toBe(400);
      expect(await (await fetch(`${h.url}/sim/wechatpay/dev/orders/${outTradeNo}`)).json()).toMatchObject({ state: 'SUCCESS', amountFen: 8000 });
      await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === outTradeNo && d.ok));
      expect(((await (await fetch(`${h.url}/sim/wechatpay/dev/deliveries`)).json()) as { deliveries: unknown[] }).deliveries.length).toBeGreaterThan(0);

      expect((await post('faults', { fault: { status: 503, times: 1 } })).status).toBe(200);
      await expect(h.client().queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable' });
      expect((await h.client().queryByOutTradeNo(outTradeNo)).tradeState).toBe('SUCCESS'); // times: 1
      expect((await post('faults', { fault: { status: 99 } })).status).toBe(400);
      expect((await post('faults', { fault: null })).status).toBe(200);

      expect((await post('bill-mismatches', { billDate: '2025-01-01', mismatch: { kind: 'alter', outTradeNo } })).status).toBe(400);
      expect((await post('bill-mismatches', { billDate: '2025-01-01', mismatch: { kind: 'extra', amountFen: 5 } })).status).toBe(200);
      expect((await post('bill-mismatches', { mismatch: null })).status).toBe(200);

      expect((await post('signing-mode', { mode: 'certificate' })).status).toBe(200);
      expect(h.sim.signingMode()).toBe('certificate');
      expect((await post('signing-mode', { mode: 'rsa' })).status).toBe(400);
      h.sim.setSigningMode('public_key');
    });

    it('hands out client options for either verification mode', () => {
      const c = h.keys.credentials;
      expect(h.sim.clientOptions(() => h.baseUrl, { verifier: 'certificate' }).verifier).toEqual({ platformCertificates: [c.platformCertificate] });
      expect(h.sim.clientOptions(() => h.baseUrl, { verifier: 'public_key' }).verifier).toEqual({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
      // paySign made with the credentials handed out verifies as WeChat's client would check it
      expect(signRequestPayment({ appId: c.appId, prepayId: 'wx1', privateKey: c.merchantPrivateKey }).paySign).toBeTruthy();
    });
  });
});
