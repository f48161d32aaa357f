import { createHash } from 'node:crypto';
import type Koa from 'koa';
import { deadOrigin } from '../../sim/testServer';
import { buildAuthorization, createWechatPayVerifier, encryptResource, verifyRequestPayment } from './crypto';
import { parsePaymentNotification } from './notification';
import { startWechatPayHarness, waitFor, type WechatPayHarness } from './testSupport';

let seq = 0;
const no = (tag: string) => `${tag}${Date.now()}${++seq}`;
const openid = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
/** Beijing date of a moment, `yyyy-MM-dd`. */
const beijingDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

/** A man in the middle: requests under /mitm/<mode>/… reach the simulator; its answer is altered on the way back. */
function mitm(app: Koa) {
  app.use(async (ctx, next) => {
    const m = /^\/mitm\/(\w+)(\/.*)$/.exec(ctx.path);
    if (!m) return next();
    ctx.path = m[2];
    await next();
    const body = typeof ctx.body === 'string' ? ctx.body : '';
    if (m[1] === 'state') ctx.body = body.replace('"trade_state":"NOTPAY"', '"trade_state":"SUCCESS"');
    if (m[1] === 'unsigned') ctx.remove('Wechatpay-Signature');
    if (m[1] === 'code') ctx.body = body.replace('ORDER_NOT_EXIST', 'ORDERPAID');
  });
}

describe('WeChat Pay client (wechatpay-node-v3 + our HTTP, signatures both ways) against the simulator', () => {
  let h: WechatPayHarness;
  beforeAll(async () => {
    h = await startWechatPayHarness({ before: mitm });
  });
  afterEach(() => h.sim.setFault(null));
  afterAll(() => h.close());

  const prepay = (outTradeNo: string, over: Partial<{ amountFen: number; description: string }> = {}) =>
    h.client().jsapiPrepay({ outTradeNo, description: '出入境证件工本费', amountFen: 8000, payerOpenid: openid, notifyUrl: h.receiver.url, attach: 'case:430000-2025-000001', ...over });

  describe('JSAPI prepay', () => {
    it('returns a prepay_id and wx.requestPayment parameters that verify with the merchant public key', async () => {
      const outTradeNo = no('OV');
      const { prepayId, requestPayment } = await prepay(outTradeNo);
      expect(prepayId).toMatch(/^wx\w{20,}$/);
      const c = h.keys.credentials;
      expect(requestPayment).toMatchObject({ appId: c.appId, package: `prepay_id=${prepayId}`, signType: 'RSA', nonceStr: expect.stringMatching(/^[0-9A-F]{32}$/) });
      expect(Math.abs(Number(requestPayment.timeStamp) - Date.now() / 1000)).toBeLessThan(5);
      expect(verifyRequestPayment(requestPayment, c.merchantPublicKey)).toBe(true);
      expect(h.sim.order(outTradeNo)).toMatchObject({ state: 'NOTPAY', amountFen: 8000, prepayId, openid });
    });

    it('is idempotent per out_trade_no: same parameters → same prepay_id; another amount → INVALID_REQUEST', async () => {
      const outTradeNo = no('OV');
      const first = await prepay(outTradeNo);
      const again = await prepay(outTradeNo);
      expect(again.prepayId).toBe(first.prepayId);
      expect(again.requestPayment.paySign).not.toBe(first.requestPayment.paySign); // fresh nonce each time
      await expect(prepay(outTradeNo, { amountFen: 1 })).rejects.toMatchObject({ system: 'wechatpay', kind: 'rejected', upstreamCode: 'INVALID_REQUEST', message: expect.stringContaining('201 商户订单号重复') });
    });

    it('checks arguments before sending', async () => {
      await expect(prepay('short')).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'PARAM_ERROR' });
      await expect(prepay(no('OV'), { amountFen: 0.5 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'PARAM_ERROR' });
      await expect(h.client().jsapiPrepay({ outTradeNo: no('OV'), description: 'x', amountFen: 1, payerOpenid: openid, notifyUrl: `${h.receiver.url}?a=1` })).rejects.toMatchObject({ upstreamCode: 'PARAM_ERROR' });
    });
  });

  describe('H5 prepay', () => {
    it('returns an h5_url (the cashier) that pays the order and returns to redirect_url; the order is MWEB', async () => {
      const outTradeNo = no('H5');
      const { h5Url } = await h.client().h5Prepay({ outTradeNo, description: '户籍证明', amountFen: 500, clientIp: '203.0.113.7', notifyUrl: h.receiver.url, appName: '一网通办', appUrl: 'https://ov.example.gov.cn' });
      expect(h5Url).toMatch(/\/sim\/wechatpay\/cashier\?prepay_id=wx/);
      expect((await h.client().h5Prepay({ outTradeNo, description: '户籍证明', amountFen: 500, clientIp: '203.0.113.7', notifyUrl: h.receiver.url, appName: '一网通办', appUrl: 'https://ov.example.gov.cn' })).h5Url).toBe(h5Url);
      const back = 'https://ov.example.gov.cn/h5/#/pay/result?order=1';
      const page = await fetch(`${h5Url}&redirect_url=${encodeURIComponent(back)}`);
      expect(await page.text()).toContain('¥5.00');
      const prepayId = new URL(h5Url).searchParams.get('prepay_id')!;
      const res = await fetch(`${h.baseUrl}/cashier/confirm`, { method: 'POST', body: new URLSearchParams({ prepay_id: prepayId, action: 'pay', redirect_url: back }), redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(back);
      const t = await h.client().queryByOutTradeNo(outTradeNo);
      expect(t).toMatchObject({ tradeType: 'MWEB', tradeState: 'SUCCESS', payerOpenid: expect.stringMatching(/^o/) });
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo));
    });

    it('refuses a bad client IP before sending, and the simulator refuses a missing scene', async () => {
      await expect(h.client().h5Prepay({ outTradeNo: no('H5'), description: 'x', amountFen: 1, clientIp: 'localhost', notifyUrl: h.receiver.url })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'PARAM_ERROR' });
      // a JSAPI order number cannot be reused for H5 with other parameters
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      await expect(h.client().h5Prepay({ outTradeNo, description: '出入境证件工本费', amountFen: 8000, clientIp: '::1', notifyUrl: h.receiver.url })).rejects.toMatchObject({ upstreamCode: 'INVALID_REQUEST' });
    });
  });

  describe('query and close', () => {
    it('queries an order before and after payment', async () => {
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      expect(await h.client().queryByOutTradeNo(outTradeNo)).toEqual({
        appId: h.keys.credentials.appId,
        mchId: h.keys.credentials.mchId,
        outTradeNo,
        tradeType: 'JSAPI',
        tradeState: 'NOTPAY',
        tradeStateDesc: '未支付',
        attach: 'case:430000-2025-000001',
        amount: { totalFen: 8000, currency: 'CNY', payerCurrency: 'CNY' },
      });
      const paid = h.sim.pay(outTradeNo);
      expect(paid.ok).toBe(true);
      const t = await h.client().queryByOutTradeNo(outTradeNo);
      expect(t).toMatchObject({ tradeState: 'SUCCESS', transactionId: (paid as { transactionId: string }).transactionId, payerOpenid: openid, amount: { totalFen: 8000, payerTotalFen: 8000 } });
      expect(t.successTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      await expect(prepay(outTradeNo)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ORDERPAID' });
      await expect(h.client().close(outTradeNo)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ORDERPAID' });
    });

    it('closes an unpaid order: it cannot be paid nor placed again', async () => {
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      await h.client().close(outTradeNo);
      await h.client().close(outTradeNo); // closing twice is fine
      expect((await h.client().queryByOutTradeNo(outTradeNo)).tradeState).toBe('CLOSED');
      expect(h.sim.pay(outTradeNo)).toEqual({ ok: false, code: 'ORDER_CLOSED' });
      await expect(prepay(outTradeNo)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ORDER_CLOSED' });
    });

    it('answers ORDER_NOT_EXIST for an unknown order', async () => {
      await expect(h.client().queryByOutTradeNo(no('NONE'))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ORDER_NOT_EXIST' });
      await expect(h.client().close(no('NONE'))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ORDER_NOT_EXIST' });
    });
  });

  describe('refunds', () => {
    it('refunds part of a paid order; the REFUND.SUCCESS notification arrives and verifies', async () => {
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      h.sim.pay(outTradeNo);
      const outRefundNo = no('RF');
      const r = await h.client().refund({ outTradeNo, outRefundNo, refundFen: 3000, totalFen: 8000, reason: '申请撤回', notifyUrl: h.receiver.url });
      expect(r).toMatchObject({ outTradeNo, outRefundNo, status: 'PROCESSING', channel: 'ORIGINAL', amount: { totalFen: 8000, refundFen: 3000, currency: 'CNY' } });
      expect(r.refundId).toMatch(/^50\d{27}$/);
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'refund' && n.refund.outRefundNo === outRefundNo));
      const notice = h.receiver.accepted.find((n) => n.kind === 'refund' && n.refund.outRefundNo === outRefundNo)!;
      expect(notice).toMatchObject({ eventType: 'REFUND.SUCCESS', refund: { status: 'SUCCESS', refundId: r.refundId, mchId: h.keys.credentials.mchId } });
      expect(await h.client().queryRefund(outRefundNo)).toMatchObject({ status: 'SUCCESS', successTime: expect.stringMatching(/\+08:00$/) });
      expect((await h.client().queryByOutTradeNo(outTradeNo)).tradeState).toBe('REFUND');
      // the same refund number again refunds nothing more
      expect((await h.client().refund({ outTradeNo, outRefundNo, refundFen: 3000, totalFen: 8000 })).refundId).toBe(r.refundId);
      await expect(h.client().refund({ outTradeNo, outRefundNo, refundFen: 2000, totalFen: 8000 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_REQUEST' });
      await expect(h.client().refund({ outTradeNo, outRefundNo: no('RF'), refundFen: 5001, totalFen: 8000 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_REQUEST', message: expect.stringContaining('可退金额') });
      expect((await h.client().refund({ outTradeNo, outRefundNo: no('RF'), refundFen: 5000, totalFen: 8000 })).status).toBe('PROCESSING');
    });

    it('refuses refunds of unknown or unpaid orders, and unknown refund numbers', async () => {
      await expect(h.client().refund({ outTradeNo: no('NONE'), outRefundNo: no('RF'), refundFen: 1, totalFen: 1 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'RESOURCE_NOT_EXISTS' });
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      await expect(h.client().refund({ outTradeNo, outRefundNo: no('RF'), refundFen: 1, totalFen: 8000 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_REQUEST' });
      await expect(h.client().queryRefund(no('RF'))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'RESOURCE_NOT_EXISTS' });
    });
  });

  describe('trade bill', () => {
    it("downloads yesterday's bill, checks its SHA1 and reads it in fen", async () => {
      const a = no('OV');
      const b = no('OV');
      for (const o of [a, b]) await prepay(o);
      const at = Date.now() - 86_400_000;
      h.sim.pay(a, { at });
      h.sim.pay(b, { at });
      const ra = no('RF');
      await h.client().refund({ outTradeNo: a, outRefundNo: ra, refundFen: 1000, totalFen: 8000 });
      await waitFor(() => h.sim.refund(ra)?.status === 'SUCCESS');
      // the refund succeeded today: it belongs to today's bill, not yesterday's
      const bill = await h.client().tradeBill(beijingDate(at));
      const mine = bill.rows.filter((r) => r.outTradeNo === a || r.outTradeNo === b);
      expect(mine.map((r) => [r.outTradeNo, r.tradeState, r.settlementTotalFen, r.orderTotalFen])).toEqual(
        expect.arrayContaining([
          [a, 'SUCCESS', 8000, 8000],
          [b, 'SUCCESS', 8000, 8000],
        ]),
      );
      expect(mine.every((r) => r.appId === h.keys.credentials.appId && r.openid === openid && r.transactionId.length === 28)).toBe(true);
      expect(bill.sha1).toBe(createHash('sha1').update(bill.raw, 'utf8').digest('hex'));
      expect(bill.summary.count).toBe(bill.rows.length);
      expect(bill.summary.settlementTotalFen).toBe(bill.rows.reduce((s, r) => s + r.settlementTotalFen, 0));
    });

    it('shows planted mismatches: an extra line, an altered amount, a missing line', async () => {
      const a = no('OV');
      const b = no('OV');
      for (const o of [a, b]) await prepay(o);
      const at = Date.now() - 2 * 86_400_000;
      const day = beijingDate(at);
      h.sim.pay(a, { at });
      h.sim.pay(b, { at });
      h.sim.plantBillMismatch(day, { kind: 'alter', outTradeNo: a, amountFen: 7999 });
      h.sim.plantBillMismatch(day, { kind: 'drop', outTradeNo: b });
      h.sim.plantBillMismatch(day, { kind: 'extra', outTradeNo: 'UNKNOWN0001', amountFen: 123 });
      const bill = await h.client().tradeBill(day);
      expect(bill.rows.find((r) => r.outTradeNo === a)?.settlementTotalFen).toBe(7999);
      expect(bill.rows.find((r) => r.outTradeNo === b)).toBeUndefined();
      expect(bill.rows.find((r) => r.outTradeNo === 'UNKNOWN0001')).toMatchObject({ tradeState: 'SUCCESS', settlementTotalFen: 123 });
      h.sim.clearBillMismatches();
    });

    it('refuses a file whose SHA1 does not match; no bill yet today; none for a quiet day', async () => {
      const a = no('OV');
      await prepay(a);
      const at = Date.now() - 3 * 86_400_000;
      h.sim.pay(a, { at });
      const day = beijingDate(at);
      h.sim.tamperNextBillDownload();
      await expect(h.client().tradeBill(day)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'hash_mismatch' });
      expect((await h.client().tradeBill(day)).rows.some((r) => r.outTradeNo === a)).toBe(true);
      await expect(h.client().tradeBill(beijingDate(Date.now()))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'STATEMENT_CREATING' });
      await expect(h.client().tradeBill(beijingDate(Date.now() - 40 * 86_400_000))).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'NO_STATEMENT_EXIST' });
    });
  });

  describe('notifications', () => {
    it('delivers TRANSACTION.SUCCESS that verifies and decrypts in public key mode and in certificate mode', async () => {
      const c = h.keys.credentials;
      const keyOnly = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
      const certOnly = createWechatPayVerifier({ platformCertificates: [c.platformCertificate] });
      for (const [mode, verifier] of [
        ['public_key', keyOnly],
        ['certificate', certOnly],
      ] as const) {
        h.sim.setSigningMode(mode);
        h.receiver.useVerifier(verifier);
        const outTradeNo = no('OV');
        await prepay(outTradeNo);
        const paid = h.sim.pay(outTradeNo) as { transactionId: string };
        await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo));
        const n = h.receiver.accepted.find((x) => x.kind === 'transaction' && x.transaction.outTradeNo === outTradeNo)!;
        expect(n).toMatchObject({
          eventType: 'TRANSACTION.SUCCESS',
          serial: mode === 'public_key' ? c.publicKeyId : c.platformSerialNo,
          transaction: { tradeState: 'SUCCESS', transactionId: paid.transactionId, payerOpenid: openid, amount: { totalFen: 8000 }, attach: 'case:430000-2025-000001' },
        });
        // and the client's own reader agrees
        const raw = h.receiver.raw[h.receiver.raw.length - 1];
        expect(h.client({ verifierMode: mode }).parseNotification(raw.body, raw.headers)).toMatchObject({ ok: true, kind: 'transaction' });
        // the client answers in this mode too
        expect((await h.client({ verifierMode: mode }).queryByOutTradeNo(outTradeNo)).tradeState).toBe('SUCCESS');
      }
      h.sim.setSigningMode('public_key');
      h.receiver.useVerifier(createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey }, platformCertificates: [c.platformCertificate] }));
    });

    it('refuses a delivered notification once altered: bad signature, tampered ciphertext, unknown serial', async () => {
      const c = h.keys.credentials;
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      h.sim.pay(outTradeNo);
      await waitFor(() => h.receiver.accepted.some((n) => n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo));
      const raw = h.receiver.raw.find((r) => {
        const n = h.client().parseNotification(r.body, r.headers);
        return n.ok && n.kind === 'transaction' && n.transaction.outTradeNo === outTradeNo;
      })!;
      const verifier = createWechatPayVerifier({ publicKey: { id: c.publicKeyId, pem: c.platformPublicKey } });
      const read = (body: string, headers: Record<string, string>) => parsePaymentNotification(body, headers, verifier, c.apiV3Key);
      expect(read(raw.body, raw.headers).ok).toBe(true);

      const envelope = JSON.parse(raw.body);
      // 1. the body changed after signing
      expect(read(raw.body.replace('"summary":"支付成功"', '"summary":"支付成功!"'), raw.headers)).toMatchObject({ ok: false, reason: 'bad_signature' });
      // 2. a tampered ciphertext, re-signed by WeChat's own key: only the GCM tag catches it
      const bytes = Buffer.from(envelope.resource.ciphertext, 'base64');
      bytes[10] ^= 0x01;
      const tampered = JSON.stringify({ ...envelope, resource: { ...envelope.resource, ciphertext: bytes.toString('base64') } });
      expect(read(tampered, h.sim.signHeaders(tampered))).toMatchObject({ ok: false, reason: 'bad_ciphertext' });
      // 2b. a resource encrypted with another key
      const foreign = JSON.stringify({ ...envelope, resource: { original_type: 'transaction', ...encryptResource('{"x":1}', 'k'.repeat(32), 'transaction') } });
      expect(read(foreign, h.sim.signHeaders(foreign))).toMatchObject({ ok: false, reason: 'bad_ciphertext' });
      // 3. an unknown serial (and a certificate-signed one for a public-key-only verifier)
      expect(read(raw.body, { ...raw.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000' })).toMatchObject({ ok: false, reason: 'unknown_serial' });
      expect(read(raw.body, h.sim.signHeaders(raw.body, { mode: 'certificate' }))).toMatchObject({ ok: false, reason: 'unknown_serial' });
      // 4. an old notification replayed
      expect(read(raw.body, h.sim.signHeaders(raw.body, { timestamp: Math.floor(Date.now() / 1000) - 600 }))).toMatchObject({ ok: false, reason: 'clock_skew' });
    });

    it('retries on non-2xx on the (scaled) WeChat schedule until the receiver accepts', async () => {
      h.receiver.failNext(3, 500);
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      h.sim.pay(outTradeNo);
      await waitFor(() => h.sim.deliveries().some((d) => d.outTradeNo === outTradeNo && d.ok));
      const log = h.sim.deliveries().filter((d) => d.outTradeNo === outTradeNo);
      expect(log.map((d) => [d.attempt, d.outcome, d.ok, d.nextDelayMs])).toEqual([
        [1, 500, false, 15],
        [2, 500, false, 15],
        [3, 500, false, 30],
        [4, 204, true, undefined],
      ]);
      expect(new Set(log.map((d) => d.notificationId)).size).toBe(1);
    });
  });

  describe('channel failures', () => {
    it('the simulator refuses a bad Authorization with 401 SIGN_ERROR (unsigned)', async () => {
      const c = h.keys.credentials;
      const path = `/v3/pay/transactions/out-trade-no/${no('OV')}?mchid=${c.mchId}`;
      const get = (authorization?: string) => fetch(`${h.baseUrl}${path}`, { headers: authorization ? { authorization, accept: 'application/json' } : {} });
      const good = buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method: 'GET', pathAndQuery: path });
      expect((await get(good)).status).toBe(404); // signature accepted; the order does not exist
      for (const bad of [
        undefined,
        good.replace(/signature="[^"]+"/, 'signature="c2lnbmF0dXJl"'),
        good.replace(/serial_no="[^"]+"/, 'serial_no="0123456789ABCDEF"'),
        good.replace(/mchid="[^"]+"/, 'mchid="1900000001"'),
        buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method: 'GET', pathAndQuery: path, timestamp: Math.floor(Date.now() / 1000) - 301 }),
        buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method: 'GET', pathAndQuery: `${path}&x=1` }),
        buildAuthorization({ mchId: c.mchId, serialNo: c.merchantSerialNo, privateKey: c.merchantPrivateKey, method: 'POST', pathAndQuery: path }),
      ]) {
        const res = await get(bad);
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'SIGN_ERROR' });
        expect(res.headers.get('wechatpay-signature')).toBeNull();
      }
    });

    it('a client with the wrong merchant key gets SIGN_ERROR as unavailable (the channel, not the order)', async () => {
      const other = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      await expect(h.client({ merchantPrivateKey: other }).queryByOutTradeNo(no('OV'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SIGN_ERROR' });
      await expect(h.client({ merchantSerialNo: '0123456789ABCDEF' }).queryByOutTradeNo(no('OV'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SIGN_ERROR' });
    });

    it('refuses answers changed on the way, unsigned answers and answers signed by an unknown key', async () => {
      const outTradeNo = no('OV');
      await prepay(outTradeNo);
      const via = (mode: string) => h.client({ baseUrl: () => `${h.url}/mitm/${mode}/sim/wechatpay` });
      expect((await via('none').queryByOutTradeNo(outTradeNo)).tradeState).toBe('NOTPAY');
      await expect(via('state').queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
      await expect(via('unsigned').queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
      await expect(via('code').queryByOutTradeNo(no('NONE'))).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature' });
      h.sim.setSigningMode('certificate');
      try {
        await expect(h.client({ verifierMode: 'public_key' }).queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'invalid-signature', message: expect.stringContaining('unknown_serial') });
      } finally {
        h.sim.setSigningMode('public_key');
      }
    });

    it('turns outages, 5xx and slowness into unavailable', async () => {
      const outTradeNo = no('OV');
      h.sim.setFault({ down: true, times: 1 });
      await expect(h.client().queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable' });
      h.sim.setFault({ status: 503 });
      await expect(h.client().queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'SYSTEM_ERROR' });
      h.sim.setFault({ status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' });
      await expect(h.client().queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'http_502' });
      h.sim.setFault({ status: 429, body: '{"code":"FREQUENCY_LIMITED","message":"频率超限"}' });
      await expect(h.client().queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'FREQUENCY_LIMITED' });
      h.sim.setFault({ delayMs: 300 });
      await expect(h.client({ timeoutMs: 100 }).queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'timeout' });
      h.sim.setFault(null);
      const dead = await deadOrigin();
      await expect(h.client({ baseUrl: () => `${dead}/sim/wechatpay` }).queryByOutTradeNo(outTradeNo)).rejects.toMatchObject({ kind: 'unavailable', upstreamCode: 'ECONNREFUSED' });
    });
  });
});
