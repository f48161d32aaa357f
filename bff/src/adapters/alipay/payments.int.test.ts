import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { alipaySignContent, alipaySimulator, generateAlipayKeys, type AlipaySimulator } from '../../sim/alipay';
import type { SimContext } from '../../sim/context';
import { closeServer, listen } from '../../sim/testServer';
import { FaultBoard, readRawBody } from '../../sim/util';
import {
  ackAlipayNotify,
  createAlipayPayments,
  nackAlipayNotify,
  parseAlipayNotifyForm,
  type AlipayNotification,
  type AlipayPaymentsOptions,
  type AlipayPaymentsPort,
} from './payments';
import { beijingTimestamp } from './client';

const keys = generateAlipayKeys();
const BUYER = '2088102122334455';
const MINI_APP = '2021004100000001';

type Answer = 'success' | 'fail' | 'status500' | 'SUCCESS' | 'success\n';

/**
 * The BFF's notify route in miniature: parse the form once, verify, store, answer exactly
 * `success` — or, for the next n notifications, answer something else (Alipay then retries).
 */
async function startNotifyReceiver(payments: () => AlipayPaymentsPort) {
  const received: AlipayNotification[] = [];
  const refused: string[] = [];
  const forms: Record<string, string>[] = [];
  let script: Answer[] = [];
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/open/v1/payments/alipay/notify') return;
    const form = parseAlipayNotifyForm(await readRawBody(ctx));
    forms.push(form);
    const verdict = payments().verifyNotification(form);
    if (!verdict.ok) {
      refused.push(verdict.reason);
      return nackAlipayNotify(ctx);
    }
    const answer = script.shift() ?? 'success';
    if (answer === 'success') {
      received.push(verdict.notification);
      return ackAlipayNotify(ctx);
    }
    ctx.status = answer === 'status500' ? 500 : 200;
    ctx.type = 'text/plain';
    ctx.body = answer === 'status500' ? 'boom' : answer;
  });
  const server = await listen(app);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/open/v1/payments/alipay/notify`,
    received,
    refused,
    forms,
    answerNext(...answers: Answer[]) {
      script = answers;
    },
    close: () => closeServer(server),
  };
}

/** Polls (5 ms) until check() holds. */
async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Alipay payments (alipay-sdk 4) against the gateway simulator', () => {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  let url = '';
  let sim: AlipaySimulator;
  let server: Awaited<ReturnType<typeof listen>>;
  let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
  let seq = 0;
  const orderNo = () => `PAY${Date.now()}${++seq}`;

  const options = (over: Partial<AlipayPaymentsOptions> = {}): AlipayPaymentsOptions => ({
    gatewayUrl: () => `${url}/sim/alipay/gateway.do`,
    appId: keys.credentials.appId,
    privateKey: keys.credentials.privateKey,
    alipayPublicKey: keys.credentials.alipayPublicKey,
    notifyUrl: () => receiver.url,
    miniAppId: MINI_APP,
    now: () => new Date(now()),
    ...over,
  });
  let payments = createAlipayPayments(options());

  beforeAll(async () => {
    const router = new Router({ prefix: '/sim' });
    const ctx: SimContext = { router, prefix: '/sim', now, faults: new FaultBoard(), publicBase: () => url };
    sim = alipaySimulator(ctx, keys, { notifyRetryDelaysMs: [20, 40, 40, 80, 80, 80, 80] });
    const app = new Koa();
    app.silent = true;
    app.use(router.routes());
    server = await listen(app);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    receiver = await startNotifyReceiver(() => payments);
    payments = createAlipayPayments(options());
  });
  afterEach(() => {
    offsetMs = 0;
    receiver.answerNext();
  });
  afterAll(async () => {
    sim.stop();
    await Promise.all([closeServer(server), receiver.close()]);
  });

  describe('alipay.trade.create', () => {
    it('creates a trade from integer fen (yuan only on the wire) for the mini-program buyer, idempotently', async () => {
      const out = orderNo();
      const { tradeNo } = await payments.createTrade({ outTradeNo: out, amountFen: 1999, subject: '居民身份证补领工本费', buyerId: BUYER });
      expect(tradeNo).toMatch(/^\d{8}22001\d{15}$/);
      expect(sim.trade(out)).toMatchObject({ tradeNo, status: 'WAIT_BUYER_PAY', totalFen: 1999, buyerId: BUYER, opAppId: MINI_APP, notifyUrl: receiver.url });
      // retried after a lost answer: the same trade
      expect(await payments.createTrade({ outTradeNo: out, amountFen: 1999, subject: '居民身份证补领工本费', buyerId: BUYER })).toEqual({ tradeNo, outTradeNo: out });
      await expect(payments.createTrade({ outTradeNo: out, amountFen: 2000, subject: '居民身份证补领工本费', buyerId: BUYER })).rejects.toMatchObject({
        system: 'alipay',
        kind: 'rejected',
        upstreamCode: 'ACQ.CONTEXT_INCONSISTENT',
      });
      expect(await payments.queryTrade(out)).toEqual({ tradeNo, outTradeNo: out, status: 'WAIT_BUYER_PAY', totalFen: 1999, buyerPayFen: 0, buyerUserId: BUYER });
    });

    it('takes the smallest and the largest amounts exactly, and an open_id buyer', async () => {
      const small = orderNo();
      await payments.createTrade({ outTradeNo: small, amountFen: 1, subject: '一分钱', buyerOpenId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
      expect(sim.trade(small)).toMatchObject({ totalFen: 1, buyerOpenId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
      const big = orderNo();
      await payments.createTrade({ outTradeNo: big, amountFen: 10_000_000_000, subject: '上限', buyerId: BUYER });
      expect(sim.trade(big)?.totalFen).toBe(10_000_000_000);
    });

    it('refuses bad input before calling Alipay', async () => {
      const base = { outTradeNo: orderNo(), amountFen: 100, subject: '工本费', buyerId: BUYER };
      for (const bad of [{ amountFen: 0 }, { amountFen: 1.5 }, { amountFen: 10_000_000_001 }, { outTradeNo: 'has space' }, { subject: '' }, { buyerId: undefined }, { buyerOpenId: 'x' }]) {
        await expect(payments.createTrade({ ...base, ...bad })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'INVALID_ARGUMENT' });
      }
      expect(sim.trade(base.outTradeNo)).toBeUndefined();
    });
  });

  describe('paying and the async notification', () => {
    it('pay(): TRADE_SUCCESS, and a signed form notification that verifies and is answered exactly `success`', async () => {
      const out = orderNo();
      const { tradeNo } = await payments.createTrade({ outTradeNo: out, amountFen: 2000, subject: '出入境证件工本费', buyerId: BUYER });
      const before = now();
      expect(sim.pay(out)).toMatchObject({ status: 'TRADE_SUCCESS' });
      expect(sim.pay(out)).toBeUndefined(); // paid once
      await waitFor(() => receiver.received.some((n) => n.outTradeNo === out));
      const n = receiver.received.find((x) => x.outTradeNo === out)!;
      expect(n).toMatchObject({
        notifyType: 'trade_status_sync',
        appId: keys.credentials.appId,
        tradeStatus: 'TRADE_SUCCESS',
        tradeNo,
        outTradeNo: out,
        totalFen: 2000,
        receiptFen: 2000,
        buyerPayFen: 2000,
        buyerId: BUYER,
        sellerId: sim.sellerId(),
      });
      expect(Math.abs(Date.parse(n.paidAt!) - before)).toBeLessThan(2000);
      const form = receiver.forms.find((f) => f.out_trade_no === out)!;
      expect(form.sign_type).toBe('RSA2');
      expect(form.total_amount).toBe('20.00');
      expect(JSON.parse(form.fund_bill_list)).toEqual([{ amount: '20.00', fundChannel: 'ALIPAYACCOUNT' }]);
      await waitFor(() => sim.notifyAttempts().some((a) => a.outTradeNo === out));
      expect(sim.notifyAttempts().filter((a) => a.outTradeNo === out)).toEqual([expect.objectContaining({ attempt: 1, outcome: 200, answer: 'success', ok: true })]);
      const trade = await payments.queryTrade(out);
      expect(trade).toMatchObject({ status: 'TRADE_SUCCESS', totalFen: 2000, buyerPayFen: 2000 });
      expect(Math.abs(Date.parse(trade!.paidAt!) - before)).toBeLessThan(2000);
      await expect(payments.createTrade({ outTradeNo: out, amountFen: 2000, subject: '出入境证件工本费', buyerId: BUYER })).rejects.toMatchObject({
        kind: 'rejected',
        upstreamCode: 'ACQ.TRADE_HAS_SUCCESS',
      });
    });

    it('retries on Alipay’s schedule (compressed here) until the answer is exactly `success`, with the same notify_id', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 500, subject: '驾驶证补领', buyerId: BUYER });
      receiver.answerNext('status500', 'fail', 'SUCCESS', 'success\n');
      sim.pay(out);
      await waitFor(() => sim.notifyAttempts().some((a) => a.outTradeNo === out && a.ok));
      const attempts = sim.notifyAttempts().filter((a) => a.outTradeNo === out);
      expect(attempts.map((a) => [a.attempt, a.outcome, a.answer, a.ok])).toEqual([
        [1, 500, 'boom', false],
        [2, 200, 'fail', false],
        [3, 200, 'SUCCESS', false],
        [4, 200, 'success\n', false],
        [5, 200, 'success', true],
      ]);
      expect(new Set(attempts.map((a) => a.notifyId)).size).toBe(1);
      expect(receiver.received.filter((n) => n.outTradeNo === out)).toHaveLength(1);
    });

    it('gives up after 8 attempts (the first and 7 retries)', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 500, subject: '驾驶证补领', buyerId: BUYER });
      receiver.answerNext(...Array<Answer>(8).fill('fail'));
      sim.pay(out);
      await waitFor(() => sim.notifyAttempts().some((a) => a.outTradeNo === out && a.gaveUp));
      expect(sim.notifyAttempts().filter((a) => a.outTradeNo === out).map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(receiver.received.some((n) => n.outTradeNo === out)).toBe(false);
      // the trade itself is paid: a query tells
      expect((await payments.queryTrade(out))?.status).toBe('TRADE_SUCCESS');
    });

    it('refuses notifications with a bad signature, for another app, or naming another sign_type — over HTTP too', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 3000, subject: '户口迁移', buyerId: BUYER });
      sim.pay(out);
      await waitFor(() => receiver.forms.some((f) => f.out_trade_no === out));
      const genuine = receiver.forms.find((f) => f.out_trade_no === out)!;
      expect(payments.verifyNotification(genuine)).toMatchObject({ ok: true });
      expect(payments.verifyNotification({ ...genuine, total_amount: '0.01' })).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(payments.verifyNotification({ ...genuine, sign: '' })).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(payments.verifyNotification({ ...genuine, sign: 'bm90IGEgc2lnbmF0dXJl' })).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(payments.verifyNotification({ ...genuine, sign_type: 'RSA' })).toMatchObject({ ok: false, reason: 'bad_signature' });
      // properly signed by "Alipay", but for another app id
      const { sign: _sign, sign_type: _type, ...rest } = genuine;
      const other = { ...rest, app_id: '2021000000000009' };
      const { createSign } = await import('node:crypto');
      const signed = { ...other, sign_type: 'RSA2', sign: createSign('RSA-SHA256').update(alipaySignContent(other), 'utf8').sign(keys.alipayPrivateKey, 'base64') };
      expect(payments.verifyNotification(signed)).toMatchObject({ ok: false, reason: 'wrong_app' });
      // signed by a stranger's key
      const stranger = generateAlipayKeys().alipayPrivateKey;
      expect(payments.verifyNotification({ ...genuine, sign: createSign('RSA-SHA256').update(alipaySignContent(rest), 'utf8').sign(stranger, 'base64') })).toMatchObject({
        ok: false,
        reason: 'bad_signature',
      });
      // the seller check, when configured
      expect(createAlipayPayments(options({ sellerId: '2088000000000000' })).verifyNotification(genuine)).toMatchObject({ ok: false, reason: 'wrong_seller' });

      const tampered = new URLSearchParams({ ...genuine, total_amount: '0.01', trade_status: 'TRADE_SUCCESS' }).toString();
      const before = receiver.received.length;
      const res = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: tampered });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe('fail');
      expect(receiver.refused).toContain('bad_signature');
      expect(receiver.received.length).toBe(before);
      // and the genuine one, replayed, still verifies (dedupe on notifyId is the service's job)
      const replay = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(genuine).toString() });
      expect(await replay.text()).toBe('success');
    });
  });

  describe('alipay.trade.close', () => {
    it('closes an unpaid trade, idempotently; a paid one stays paid; an unknown one does not exist', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 100, subject: '工本费', buyerId: BUYER });
      expect(await payments.closeTrade(out)).toEqual({ status: 'TRADE_CLOSED' });
      expect(await payments.closeTrade(out)).toEqual({ status: 'TRADE_CLOSED' });
      expect(sim.pay(out)).toBeUndefined();
      await expect(payments.createTrade({ outTradeNo: out, amountFen: 100, subject: '工本费', buyerId: BUYER })).rejects.toMatchObject({ upstreamCode: 'ACQ.TRADE_HAS_CLOSE' });

      const paid = orderNo();
      await payments.createTrade({ outTradeNo: paid, amountFen: 100, subject: '工本费', buyerId: BUYER });
      sim.pay(paid);
      expect(await payments.closeTrade(paid)).toEqual({ status: 'TRADE_SUCCESS' });
      expect(await payments.closeTrade(orderNo())).toEqual({ status: 'NOT_EXIST' });
      expect(await payments.queryTrade(orderNo())).toBeNull();
    });

    it('lets an unpaid trade expire at time_expire (sent in Beijing time)', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 100, subject: '工本费', buyerId: BUYER, expiresAt: new Date(now() + 60_000) });
      expect((await payments.queryTrade(out))?.status).toBe('WAIT_BUYER_PAY');
      offsetMs = 61_000;
      expect((await payments.queryTrade(out))?.status).toBe('TRADE_CLOSED');
      expect(sim.pay(out)).toBeUndefined();
    });
  });

  describe('alipay.trade.refund', () => {
    it('refunds in parts, idempotent by out_request_no, closes the trade at the full amount, and notifies', async () => {
      const out = orderNo();
      const { tradeNo } = await payments.createTrade({ outTradeNo: out, amountFen: 2000, subject: '工本费', buyerId: BUYER });
      await expect(payments.refund({ outTradeNo: out, outRequestNo: 'RF1', amountFen: 100 })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'ACQ.TRADE_STATUS_ERROR' });
      sim.pay(out);
      const first = await payments.refund({ outTradeNo: out, outRequestNo: 'RF1', amountFen: 550, reason: '部分退费' });
      expect(first).toMatchObject({ tradeNo, outTradeNo: out, fundChange: true, refundedTotalFen: 550 });
      expect(first.refundedAt).toMatch(/Z$/);
      // the same request again (a retry): no money moves, the same total
      expect(await payments.refund({ outTradeNo: out, outRequestNo: 'RF1', amountFen: 550 })).toMatchObject({ fundChange: false, refundedTotalFen: 550 });
      await expect(payments.refund({ outTradeNo: out, outRequestNo: 'RF1', amountFen: 600 })).rejects.toMatchObject({ upstreamCode: 'ACQ.DISCORDANT_REPEAT_REQUEST' });
      await expect(payments.refund({ outTradeNo: out, outRequestNo: 'RF2', amountFen: 1451 })).rejects.toMatchObject({ upstreamCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
      expect(await payments.queryRefund(out, 'RF1')).toMatchObject({ outTradeNo: out, outRequestNo: 'RF1', refundFen: 550, totalFen: 2000 });
      expect(await payments.queryRefund(out, 'RF9')).toBeNull();

      expect(await payments.refund({ outTradeNo: out, outRequestNo: 'RF2', amountFen: 1450 })).toMatchObject({ fundChange: true, refundedTotalFen: 2000 });
      expect((await payments.queryTrade(out))?.status).toBe('TRADE_CLOSED');
      await expect(payments.refund({ outTradeNo: out, outRequestNo: 'RF3', amountFen: 1 })).rejects.toMatchObject({ upstreamCode: 'ACQ.TRADE_HAS_CLOSE' });
      // a retry of RF1 after the trade closed still answers as before
      expect(await payments.refund({ outTradeNo: out, outRequestNo: 'RF1', amountFen: 550 })).toMatchObject({ fundChange: false, refundedTotalFen: 2000 });

      await waitFor(() => receiver.received.filter((n) => n.outTradeNo === out).length === 3);
      const notes = receiver.received.filter((n) => n.outTradeNo === out);
      expect(notes.map((n) => [n.tradeStatus, n.refundedTotalFen, n.outBizNo])).toEqual([
        ['TRADE_SUCCESS', undefined, undefined],
        ['TRADE_SUCCESS', 550, 'RF1'],
        ['TRADE_CLOSED', 2000, 'RF2'],
      ]);
      expect(notes[2].closedAt).toMatch(/Z$/);
      expect(notes[1].refundedAt).toMatch(/Z$/);
    });
  });

  describe('bills (alipay.data.dataservice.bill.downloadurl.query)', () => {
    it('hands out yesterday’s bill as a zip of GBK CSV, with refunds and a planted mismatching row', async () => {
      const a = orderNo();
      const b = orderNo();
      await payments.createTrade({ outTradeNo: a, amountFen: 2000, subject: '居民身份证补领', buyerId: BUYER });
      await payments.createTrade({ outTradeNo: b, amountFen: 4000, subject: '护照, 加急', buyerId: BUYER });
      sim.pay(a);
      sim.pay(b);
      await payments.refund({ outTradeNo: b, outRequestNo: 'RFB', amountFen: 1000 });
      const today = beijingTimestamp(new Date(now())).slice(0, 10);
      await expect(payments.billDownloadUrl({ billType: 'trade', billDate: today })).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isp.bill_not_exist' });
      // the bill shows a (for reconciliation) wrong amount for a, and an order we never made
      sim.plantBillRow(today, { outTradeNo: a, amountFen: 1990 }, { replace: true });
      sim.plantBillRow(today, { outTradeNo: 'NOT-OURS-1', amountFen: 800, subject: '不明款项' });

      offsetMs = 24 * 3600_000; // the next day
      const { url: billUrl } = await payments.billDownloadUrl({ billType: 'trade', billDate: today });
      expect(billUrl).toContain('/sim/alipay/bill/download?token=');
      const bill = await payments.downloadBill(billUrl);
      expect(bill.account).toBe(sim.sellerId());
      expect(bill.files).toEqual([`${sim.sellerId()}_${today.replace(/-/g, '')}_业务明细.csv`, `${sim.sellerId()}_${today.replace(/-/g, '')}_业务明细(汇总).csv`]);
      const mine = bill.rows.filter((r) => [a, b, 'NOT-OURS-1'].includes(r.outTradeNo));
      expect(mine.map((r) => [r.outTradeNo, r.type, r.orderFen, r.receivedFen, r.refundRequestNo])).toEqual(
        expect.arrayContaining([
          [a, '交易', 1990, 1990, undefined],
          [b, '交易', 4000, 4000, undefined],
          [b, '退款', 4000, -1000, 'RFB'],
          ['NOT-OURS-1', '交易', 800, 800, undefined],
        ]),
      );
      expect(mine).toHaveLength(4);
      expect(mine.find((r) => r.outTradeNo === b)?.subject).toBe('护照， 加急'); // commas cannot break the CSV
      expect(mine.every((r) => r.finishedAt?.endsWith('Z'))).toBe(true);
      // the URL lives 30 s
      offsetMs += 31_000;
      await expect(payments.downloadBill(billUrl)).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'bill_url_expired' });
      // a month's bill once the month is over
      await expect(payments.billDownloadUrl({ billType: 'trade', billDate: today.slice(0, 7) })).rejects.toMatchObject({ upstreamCode: 'isp.bill_not_exist' });
      await expect(payments.billDownloadUrl({ billType: 'trade', billDate: '2025-13-01' })).rejects.toMatchObject({ kind: 'rejected' });
      await expect(payments.billDownloadUrl({ billType: 'trade', billDate: 'yesterday' })).rejects.toMatchObject({ upstreamCode: 'INVALID_ARGUMENT' });
      sim.clearPlantedBillRows();
    });
  });

  describe('time zones', () => {
    it('stamps requests and reads times in Beijing time whatever the process TZ', async () => {
      const tz = process.env.TZ;
      process.env.TZ = 'America/Los_Angeles';
      try {
        const out = orderNo();
        await payments.createTrade({ outTradeNo: out, amountFen: 100, subject: '工本费', buyerId: BUYER, expiresAt: new Date(now() + 3600_000) });
        const before = now();
        sim.pay(out);
        const trade = await payments.queryTrade(out);
        expect(Math.abs(Date.parse(trade!.paidAt!) - before)).toBeLessThan(2000);
        await waitFor(() => receiver.received.some((n) => n.outTradeNo === out));
        const n = receiver.received.find((x) => x.outTradeNo === out)!;
        expect(Math.abs(Date.parse(n.notifyTime) - before)).toBeLessThan(2000);
      } finally {
        if (tz === undefined) delete process.env.TZ;
        else process.env.TZ = tz;
      }
    });
  });

  describe('the H5 cashier page and the dev routes', () => {
    it('pays from the cashier page and returns to the merchant page', async () => {
      const out = orderNo();
      const { tradeNo } = await payments.createTrade({ outTradeNo: out, amountFen: 1234, subject: '<b>工本费</b>', buyerId: BUYER });
      const page = await fetch(`${url}${sim.cashierPath(tradeNo, 'https://bff.example/h5/#/packages/pay/result')}`);
      const html = await page.text();
      expect(html).toContain('¥12.34');
      expect(html).toContain('&lt;b&gt;工本费&lt;/b&gt;');
      expect(html).toContain('id="sim-alipay-pay"');
      const done = await fetch(`${url}/sim/alipay/cashier/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ trade_no: tradeNo, return_url: 'https://bff.example/h5/#/packages/pay/result' }),
        redirect: 'manual',
      });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`https://bff.example/h5/?out_trade_no=${out}&trade_no=${tradeNo}#/packages/pay/result`);
      expect(sim.trade(out)?.status).toBe('TRADE_SUCCESS');
      expect((await fetch(`${url}${sim.cashierPath(tradeNo)}`)).status).toBe(409);
      expect((await fetch(`${url}${sim.cashierPath('0')}`)).status).toBe(404);
    });

    it('pays, lists and plants through /sim/dev', async () => {
      const out = orderNo();
      await payments.createTrade({ outTradeNo: out, amountFen: 100, subject: '工本费', buyerId: BUYER });
      const post = (path: string, body: unknown) => fetch(`${url}/sim${path}`, { method: 'POST', body: JSON.stringify(body) });
      expect(await (await post('/dev/alipay/pay', { outTradeNo: out })).json()).toMatchObject({ trade: { outTradeNo: out, status: 'TRADE_SUCCESS' } });
      expect((await post('/dev/alipay/pay', { outTradeNo: out })).status).toBe(409);
      expect((await post('/dev/alipay/pay', { outTradeNo: 'nope' })).status).toBe(404);
      expect((await post('/dev/alipay/pay', {})).status).toBe(400);
      const trades = (await (await fetch(`${url}/sim/dev/alipay/trades`)).json()) as { trades: { outTradeNo: string }[] };
      expect(trades.trades.some((t) => t.outTradeNo === out)).toBe(true);
      expect((await post('/dev/alipay/bill-rows', { billDate: '2025-01-01', row: { outTradeNo: 'X', amountFen: 1 } })).status).toBe(200);
      expect((await post('/dev/alipay/bill-rows', { billDate: '2025-01', row: { outTradeNo: 'X', amountFen: 1 } })).status).toBe(400);
      expect((await post('/dev/alipay/bill-rows', { billDate: '2025-01-01', row: { outTradeNo: 'X', amountFen: -1 } })).status).toBe(400);
      sim.clearPlantedBillRows();
      await waitFor(() => sim.notifyAttempts().some((a) => a.outTradeNo === out && a.ok));
      const attempts = (await (await fetch(`${url}/sim/dev/alipay/notifications`)).json()) as { attempts: { outTradeNo: string }[] };
      expect(attempts.attempts.some((a) => a.outTradeNo === out)).toBe(true);
    });
  });

  it('signs requests the gateway checks: a stranger’s app key is refused (isv.invalid-signature)', async () => {
    const stranger = generateAlipayKeys().credentials.privateKey;
    await expect(createAlipayPayments(options({ privateKey: stranger })).queryTrade(orderNo())).rejects.toMatchObject({ kind: 'rejected', upstreamCode: 'isv.invalid-signature' });
  });
});
