// Setup for the notification storm benchmark (issue 5), over HTTP only against the spawned server:
// an L3 citizen (SMS login, real name, the H5 face check passed on the simulator's own page), cases
// of a fee item waiting for payment, a WeChat Pay H5 order for each, and for each order ONE signed
// TRANSACTION.SUCCESS notification exactly as the simulated WeChat Pay sends it.
//
// How the notification is obtained: the simulator signs with WeChat's private key, which no route
// exposes (and the bench adds nothing to the BFF). So the server is started with PUBLIC_BASE_URL (used
// only for payment notify URLs) pointing at a capture server in this process; the simulator's dev
// `pay` hook then POSTs its real notification there, the capture keeps body and headers and answers
// 204 (WeChat's "received") WITHOUT forwarding it. The order stays `paying` until the storm delivers
// the copies: the single state change happens inside the measured run.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApplicationDetail, CreatePaymentResponse, FaceStartResponse, Me, PaymentOrder, ServiceItem, Upload } from '@onevisit/shared-types';
import { materialFixtures } from '../../bff/src/testing/files';
import { call, fieldValue, loginCitizen } from './applications';

/** 居民身份证换领: L3, 20 元 due on submission (the fee item payments.int.test.ts uses). */
export const FEE_ITEM = '11430000006940002L070001002001';
const NOTIFY_PATH = '/open/v1/payments/wechat/notify';

export interface CapturedNotice {
  body: string;
  /** Content-Type and the four Wechatpay-* signature headers, as WeChat Pay sent them. */
  headers: Record<string, string>;
}

export interface NoticeCapture {
  /** Give this to the BFF as PUBLIC_BASE_URL. */
  url: string;
  /** The next notification received (queued if it came first). */
  next(timeoutMs?: number): Promise<CapturedNotice>;
  close(): Promise<void>;
}

export function startNoticeCapture(): Promise<NoticeCapture> {
  const queue: CapturedNotice[] = [];
  const waiters: ((n: CapturedNotice) => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== NOTIFY_PATH) {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial']) {
        const v = req.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      const notice = { body: Buffer.concat(chunks).toString('utf8'), headers };
      const waiter = waiters.shift();
      if (waiter) waiter(notice);
      else queue.push(notice);
      res.writeHead(204).end(); // received: WeChat Pay will not retry it
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        next(timeoutMs = 10_000) {
          const queued = queue.shift();
          if (queued) return Promise.resolve(queued);
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no payment notification reached the capture server within ${timeoutMs} ms`)), timeoutMs);
            waiters.push((n) => {
              clearTimeout(timer);
              ok(n);
            });
          });
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

export interface StormOrder {
  caseNo: string;
  orderNo: string;
  amountFen: number;
}

export interface StormFixture {
  auth: { authorization: string };
  item: Pick<ServiceItem, 'itemCode' | 'name' | 'identityLevel'>;
  orders: StormOrder[];
}

/** SMS login and real name (L2), then the H5 face check passed on the simulator's page (L3). */
export async function l3Citizen(base: string) {
  const citizen = await loginCitizen(base);
  const start = await call<FaceStartResponse>(base, 'POST', '/api/v1/me/face/start', { json: { method: 'h5', returnUrl: `${base}/` }, headers: citizen.auth });
  if (!start.url) throw new Error('the H5 face check returned no page URL');
  // The page's 「开始刷脸（通过）」 button: a form POST answered 303 back to returnUrl.
  const page = new URL(start.url);
  const pressed = await fetch(new URL('/sim/face/page/complete', page), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ certifyId: start.certifyId, result: 'pass' }).toString(),
    redirect: 'manual',
  });
  if (pressed.status !== 303) throw new Error(`the face page answered ${pressed.status}`);
  const me = await call<Me>(base, 'POST', '/api/v1/me/face/complete', { json: { certifyId: start.certifyId }, headers: citizen.auth });
  if (me.level !== 'L3') throw new Error(`the face check left the citizen at ${me.level}`);
  return citizen;
}

/** The citizen and `count` cases of the fee item, each with a WeChat Pay H5 order in `paying`. */
export async function setupStorm(base: string, count: number): Promise<StormFixture> {
  const item = await call<ServiceItem>(base, 'GET', `/api/v1/catalog/items/${FEE_ITEM}`);
  if (item.fee.due !== 'on_submission' || !(item.fee.amountFen > 0)) throw new Error(`${item.name} has no fee due on submission`);
  const { auth, phone, idNumber } = await l3Citizen(base);

  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id-card.jpg');
  const upload = await call<Upload>(base, 'POST', '/api/v1/uploads', { body: form, headers: auth, expect: 201 });
  const formData = Object.fromEntries(item.formSchema.filter((f) => f.required).map((f) => [f.key, fieldValue(f, idNumber, phone)]));
  const materials = item.materials.filter((m) => m.required).map((m) => ({ materialName: m.name, uploadId: upload.uploadId }));

  const orders: StormOrder[] = [];
  for (let i = 0; i < count; i++) {
    const detail = await call<ApplicationDetail>(base, 'POST', '/api/v1/applications', {
      json: { itemCode: item.itemCode, idempotencyKey: randomUUID(), formData, materials, deliveryOption: 'window_pickup' },
      headers: auth,
      expect: 201,
    });
    if (detail.state !== 'awaiting_payment') throw new Error(`the case is ${detail.state}, not awaiting_payment`);
    const { order } = await call<CreatePaymentResponse>(base, 'POST', '/api/v1/payments', { json: { caseNo: detail.caseNo, channel: 'wechat_h5', idempotencyKey: randomUUID() }, headers: auth });
    if (order.state !== 'paying' || order.amountFen !== item.fee.amountFen) throw new Error(`order ${order.orderNo}: ${order.state}, ${order.amountFen} fen`);
    orders.push({ caseNo: detail.caseNo, orderNo: order.orderNo, amountFen: order.amountFen });
  }
  return { auth, item: { itemCode: item.itemCode, name: item.name, identityLevel: item.identityLevel }, orders };
}

/** The payer pays on the simulated WeChat Pay (its dev hook); its notification lands in the capture. */
export async function signedNotice(base: string, capture: NoticeCapture, orderNo: string): Promise<CapturedNotice> {
  const paid = await call<{ ok: boolean }>(base, 'POST', '/sim/wechatpay/dev/pay', { json: { outTradeNo: orderNo } });
  if (!paid.ok) throw new Error(`the simulator did not pay ${orderNo}`);
  const notice = await capture.next();
  const ts = Number(notice.headers['wechatpay-timestamp']);
  if (!notice.headers['wechatpay-signature'] || !(Math.abs(Date.now() / 1000 - ts) < 60)) throw new Error('the captured notification is not freshly signed');
  return notice;
}

export async function orderState(base: string, auth: { authorization: string }, orderNo: string): Promise<PaymentOrder['state']> {
  return (await call<PaymentOrder>(base, 'GET', `/api/v1/payments/${orderNo}`, { headers: auth })).state;
}

/** How many payment_confirmed events the case's timeline holds. */
export async function paymentConfirmations(base: string, auth: { authorization: string }, caseNo: string): Promise<number> {
  const detail = await call<ApplicationDetail>(base, 'GET', `/api/v1/applications/${caseNo}`, { headers: auth });
  return detail.timeline.filter((e) => e.action === 'payment_confirmed').length;
}

/** outbox_deliveries_total for one topic, by outcome, from GET /metrics. */
export async function deliveriesOf(base: string, topic: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^outbox_deliveries_total\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || !m[1].includes(`topic="${topic}"`)) continue;
    const outcome = /outcome="([^"]*)"/.exec(m[1])?.[1] ?? 'unknown';
    out[outcome] = (out[outcome] ?? 0) + Number(m[2]);
  }
  return out;
}

/** Polls until `done` holds or `timeoutMs` passes; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
