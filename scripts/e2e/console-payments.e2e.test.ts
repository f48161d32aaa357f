import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { ApplicationDetail, CreatePaymentResponse, PaymentOrder, Upload } from '@onevisit/shared-types';
import { shanghaiDate } from '../../bff/src/modules/calendar/dates';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber, type TestCitizen } from '../../bff/src/testing/citizens';
import { ConsoleClient } from '../../bff/src/testing/console';
import { materialFixtures } from '../../bff/src/testing/files';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, consoleLogin, desktopPages, launchChromium } from './browser';

const CONSOLE_DIST = path.resolve(__dirname, '../../bff/console/dist');
jest.setTimeout(90_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.payments', password: 'AdminPass2026payments' };
const AGENT = { username: 'agent.payments', password: 'AgentPass2026payments' };
const ID_RENEWAL = '11430000006940002L070001002001'; // 居民身份证换领: 20 元 due on submission, 户政 system
const PLANTED = 'P20000101000000FFFFFFFF';

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A case paid through the WeChat Pay simulator shows its order in the case view; an admin reconciles yesterday's bill from the page. */
runIf('payments in the console, in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let citizen: TestCitizen;
  const desktop = desktopPages(() => browser);
  const sim = () => app.container.simulators!.wechatPay;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('console build missing: npm run build:console');
    app = await startTestApp(storageModes()[0], {
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      SIM_UPSTREAM_STEP_MS: '20',
      // No sweep: the day's reconciliation runs only when the page asks for it.
      PAYMENT_SWEEP_SECONDS: '0',
    });
    const admin = new ConsoleClient(app.url);
    await admin.login(ADMIN.username, ADMIN.password);
    const made = await admin.request('POST', '/staff', { username: AGENT.username, displayName: '坐席甲', role: 'agent', password: AGENT.password });
    if (!made.ok) throw new Error(`agent not created: ${made.status}`);
    citizen = await app.identity.createCitizenForTest({ phone: '13800002222', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await app?.close();
  });

  async function awaitingPayment(delivery: 'postal' | 'window_pickup'): Promise<ApplicationDetail> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id.jpg');
    const upload = (await (await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: citizen.auth, body: form })).json()) as Upload;
    const item = await app.container.catalog.requireItem(ID_RENEWAL);
    const res = await app.post(
      '/api/v1/applications',
      {
        itemCode: ID_RENEWAL,
        idempotencyKey: randomUUID(),
        formData: {
          idNumber: testIdNumber('19900101', '123'),
          reason: item.formSchema.find((f) => f.key === 'reason')!.options![0].value,
          acceptanceOffice: '430102 芙蓉区受理点',
          contactPhone: '13800002222',
        },
        materials: item.materials.filter((m) => m.required).map((m) => ({ materialName: m.name, uploadId: upload.uploadId })),
        deliveryOption: delivery,
      },
      citizen.auth,
    );
    if (res.status !== 201) throw new Error(`apply failed: ${res.status} ${await res.text()}`);
    const created = (await res.json()) as ApplicationDetail;
    expect(created.state).toBe('awaiting_payment');
    return created;
  }

  async function startPaying(caseNo: string): Promise<PaymentOrder> {
    const res = await app.post('/api/v1/payments', { caseNo, channel: 'wechat_h5', idempotencyKey: randomUUID() }, citizen.auth);
    if (res.status !== 200) throw new Error(`payment not started: ${res.status} ${await res.text()}`);
    return ((await res.json()) as CreatePaymentResponse).order;
  }

  const ordersOf = async (caseNo: string) => ((await (await app.get(`/api/v1/applications/${caseNo}/payments`, citizen.auth)).json()) as { orders: PaymentOrder[] }).orders;

  it('shows a paid order with its fee lines in the case view; an admin re-runs yesterday’s WeChat bill and sees the planted difference', async () => {
    const c = await awaitingPayment('postal');
    const order = await startPaying(c.caseNo);
    const yesterday = new Date(Date.now() - 86_400_000);
    sim().pay(order.orderNo, { at: yesterday.getTime() });
    await until(() => ordersOf(c.caseNo), (o) => o[0]?.state === 'paid', 'the payment');
    const billDate = shanghaiDate(yesterday);
    sim().plantBillMismatch(billDate, { kind: 'extra', outTradeNo: PLANTED, amountFen: 4000 });

    const page = await desktop.open();
    await consoleLogin(page, app.url, ADMIN.username, ADMIN.password);
    await page.goto(`${app.url}/console/#/cases/${encodeURIComponent(c.caseNo)}`);
    const panel = page.getByTestId('case-payments');
    const paid = panel.locator(`[data-testid="case-payment"][data-order-no="${order.orderNo}"][data-state="paid"]`);
    await paid.waitFor();
    expect(await paid.getByTestId('case-payment-amount').innerText()).toBe('¥30.00');
    expect(await paid.getByTestId('case-payment-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['item_fee', 'postage']);
    expect((await paid.getByTestId('case-payment-transaction').innerText()).trim()).not.toBe('—');
    expect(await panel.getByTestId('case-refund').count()).toBe(0);
    await panel.screenshot({ path: path.join(ARTIFACTS, 'console-case-payment-paid.png') });

    await page.locator('#nav-reconciliation').click();
    await page.locator(`[data-testid="recon-page"][data-bill-date="${billDate}"]`).waitFor();
    expect(await page.getByTestId('recon-date').inputValue()).toBe(billDate); // yesterday in Beijing time by default
    await page.locator('[data-testid="recon-total"][data-total="0"]').waitFor();

    await page.getByTestId('recon-run-wechat').click();
    await page.getByTestId('recon-run-confirm').click();
    await page.getByTestId('recon-run-result').waitFor();
    const row = page.locator(`[data-testid="recon-row"][data-kind="missing_in_orders"][data-order-no="${PLANTED}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('¥40.00');
    await page.locator('[data-testid="recon-total"][data-total="1"]').waitFor();
    // Our own order is in the bill with its amount: no difference for it.
    expect(await page.locator(`[data-testid="recon-row"][data-order-no="${order.orderNo}"]`).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-reconciliation.png'), fullPage: true });

    // Another date, then back by the date picker: the finding belongs to its bill date.
    await page.getByTestId('recon-prev-day').click();
    await page.locator('[data-testid="recon-total"][data-total="0"]').waitFor();
    await page.getByTestId('recon-date').fill(billDate);
    await row.waitFor();

    // An agent reads the findings but cannot run a reconciliation.
    const agentPage = await desktop.open();
    await consoleLogin(agentPage, app.url, AGENT.username, AGENT.password);
    await agentPage.locator('#nav-reconciliation').click();
    await agentPage.locator(`[data-testid="recon-row"][data-order-no="${PLANTED}"]`).waitFor();
    expect(await agentPage.getByTestId('recon-run-wechat').count()).toBe(0);
    expect(await agentPage.getByTestId('recon-run-alipay').count()).toBe(0);
  });

  it('shows the refund of a paid case the department rejected', async () => {
    const c = await awaitingPayment('window_pickup');
    app.container.simulators!.upstream.setRule(ID_RENEWAL, ['accepted', 'rejected']);
    let order: PaymentOrder;
    try {
      order = await startPaying(c.caseNo);
      sim().pay(order.orderNo);
      await until(
        async () => {
          await app.container.outboxDispatcher.runOnce();
          return ordersOf(c.caseNo);
        },
        (o) => o[0]?.state === 'refunded',
        'the refund',
      );
    } finally {
      app.container.simulators!.upstream.setRule(ID_RENEWAL, null);
    }

    const page = await desktop.open();
    await consoleLogin(page, app.url, ADMIN.username, ADMIN.password);
    await page.goto(`${app.url}/console/#/cases/${encodeURIComponent(c.caseNo)}`);
    const refunded = page.locator(`[data-testid="case-payment"][data-order-no="${order.orderNo}"][data-state="refunded"]`);
    await refunded.waitFor();
    const refund = refunded.locator('[data-testid="case-refund"][data-state="success"]');
    await refund.waitFor();
    expect(await refund.innerText()).toContain('¥20.00');
    expect(await page.getByTestId('case-payment-totals').innerText()).toContain('已退');
    await page.getByTestId('case-payments').screenshot({ path: path.join(ARTIFACTS, 'console-case-payments.png') });
  });
});
