import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CASE_ACTION_NAMES, type ApplicationDetail, type CaseAction, type PaymentOrder } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber, type TestCitizen } from '../../bff/src/testing/citizens';
import { materialFixtures } from '../../bff/src/testing/files';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, launchChromium, settled, tapUntil } from './browser';

const H5_DIR = path.resolve(__dirname, '../../miniapp/dist/h5');
jest.setTimeout(180_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ID_RENEWAL = '11430000006940002L070001002001'; // 居民身份证换领: ¥20 on submission, 户政 system, postal
const ID_NUMBER = testIdNumber('19870611', '235');
const PHONE = '13500005555';

const onPage = (page: Page, route: string) => page.locator(`[id^="/${route}"]`).last();
const FORM = 'packages/apply/form/index';
const REVIEW = 'packages/apply/review/index';
const RESULT = 'packages/apply/result/index';
const PAY = 'packages/pay/pay/index';
const PAY_RESULT = 'packages/pay/result/index';
const DETAIL = 'packages/cases/detail/index';
const ADDRESSES = 'packages/addresses/list/index';
const ADDRESS_EDIT = 'packages/addresses/edit/index';

async function phonePage(browser: Browser, app: TestApp, citizen: TestCitizen): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const session = { token: citizen.token, refreshToken: citizen.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), me: citizen.me };
  await context.addInitScript((stored) => localStorage.setItem('ov.session', stored), JSON.stringify({ data: session }));
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  return { context, page };
}

/** Reloads the case detail until its timeline (oldest first) begins with `actions` (or is exactly them), bounded. */
async function timelineReads(page: Page, url: string, actions: CaseAction[], exact = false, timeoutMs = 40_000): Promise<void> {
  const want = actions.map((a) => CASE_ACTION_NAMES[a]);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const titles = (await onPage(page, DETAIL).locator('.case-timeline-action').allInnerTexts()).reverse();
    if ((!exact || want.length === titles.length) && want.every((w, i) => titles[i] === w)) return;
    if (Date.now() > until) throw new Error(`timeline reads [${titles.join(', ')}], wanted [${want.join(', ')}]`);
    await page.waitForTimeout(700);
    await page.goto(url);
    await onPage(page, DETAIL).locator('.case-timeline-event').first().waitFor();
  }
}

runIf('paying and posting on H5 in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let citizen: TestCitizen;
  let idPhoto: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) throw new Error('H5 build missing: npm run build:h5');
    app = await startTestApp(storageModes()[0], { H5_DIR, SIM_COURIER_STEP_MS: '1200', PAYMENT_SWEEP_SECONDS: '0' });
    app.container.simulators!.upstream.setRule(ID_RENEWAL, { steps: ['accepted', 'approved'], delayMs: 1200 });
    citizen = await app.identity.createCitizenForTest({ phone: PHONE, name: '钱七', idNumber: ID_NUMBER, face: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    idPhoto = path.join(ARTIFACTS, 'e2e-old-id.jpg');
    fs.writeFileSync(idPhoto, materialFixtures().jpeg);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('applies, pays through the cashier, and follows the case to approval, shipping and signature', async () => {
    const { context, page } = await phonePage(browser, app, citizen);
    try {
      // Apply: 居民身份证换领, posted home.
      await page.goto(`${app.url}/#/${FORM}?itemCode=${ID_RENEWAL}`);
      const form = onPage(page, FORM);
      await form.locator('.apply-field-idNumber input').waitFor();
      await form.locator('.apply-field-idNumber input').fill(ID_NUMBER);
      await form.locator('.apply-option-reason-expired').click();
      await form.locator('.apply-region-acceptanceOffice-430100').click();
      await form.locator('.apply-region-acceptanceOffice-430102').click();
      await form.locator('.apply-field-acceptanceOffice-detail input').fill('五一大道受理点');
      await form.locator('.apply-field-contactPhone input').fill(PHONE);
      const chooser = page.waitForEvent('filechooser');
      await form.locator('.apply-upload-0 .apply-pick-file').click();
      await (await chooser).setFiles(idPhoto);
      await form.locator('.apply-upload-0 .apply-file-0').waitFor();
      await form.locator('.apply-delivery-postal').click();
      await tapUntil(form.locator('#apply-next'), onPage(page, REVIEW).locator('#apply-submit'), form.locator('#apply-error-count'), 'the review page');
      await onPage(page, REVIEW).locator('#apply-submit').click();
      const caseNo = (await onPage(page, RESULT).locator('#result-case-no').innerText()).trim();

      // Pay: ¥20 fee + ¥10 postage, through the simulator's WeChat Pay H5 cashier.
      await onPage(page, RESULT).locator('#result-pay').click();
      const pay = onPage(page, PAY);
      await expect(pay.locator('#pay-total').innerText()).resolves.toContain('30.00');
      await settled(page, PAY);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-pay.png') });
      await pay.locator('#pay-submit').click();
      await page.locator('#sim-wechatpay-pay').waitFor();
      expect(await page.locator('#sim-wechatpay-amount').innerText()).toContain('30.00');
      await page.locator('#sim-wechatpay-pay').click();
      const state = onPage(page, PAY_RESULT).locator('#pay-result-state[data-state="paid"]');
      await state.waitFor({ timeout: 30_000 });
      await settled(page, PAY_RESULT);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-pay-result.png') });

      // Where it goes: a new address from the book, chosen for this case.
      await onPage(page, PAY_RESULT).locator('#pay-result-case').click();
      const detailPage = onPage(page, DETAIL);
      await detailPage.locator('#case-address-choose').click();
      const list = onPage(page, ADDRESSES);
      await list.locator('#address-add').click();
      const edit = onPage(page, ADDRESS_EDIT);
      await edit.locator('#address-form-name input').fill('钱七');
      await edit.locator('#address-form-phone input').fill(PHONE);
      await edit.locator('.address-region-province-430000').click();
      await edit.locator('.address-region-city-430100').click();
      await edit.locator('.address-region-district-430102').click();
      await edit.locator('#address-form-detail input').fill('五一大道100号3栋201');
      await edit.locator('#address-save').click();
      await list.locator('.address-select').first().click();
      await onPage(page, DETAIL).locator('#case-address').waitFor();
      expect(await onPage(page, DETAIL).locator('#case-address').innerText()).toContain('135****5555');

      // Follow it: notified and paid, the household system approves, EMS picks up, carries, delivers.
      const detailUrl = `${app.url}/#/${DETAIL}?caseNo=${caseNo}`;
      await page.goto(detailUrl);
      await onPage(page, DETAIL).locator('.case-timeline-event').first().waitFor();
      await timelineReads(page, detailUrl, ['submit', 'payment_confirmed', 'resume_after_payment', 'pre_review']);
      await timelineReads(page, detailUrl, ['submit', 'payment_confirmed', 'resume_after_payment', 'pre_review', 'accept', 'approve', 'start_production', 'ship', 'delivery_update', 'delivery_update', 'complete'], true);
      await settled(page, DETAIL);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-case-signed.png'), fullPage: true });

      const detail = (await (await app.get(`/api/v1/applications/${caseNo}`, citizen.auth)).json()) as ApplicationDetail;
      expect(detail.state).toBe('completed');
      const payments = (await (await app.get(`/api/v1/applications/${caseNo}/payments`, citizen.auth)).json()) as { orders: PaymentOrder[] };
      expect(payments.orders.map((o) => [o.state, o.amountFen])).toEqual([['paid', 3000]]);
      const shipment = (await (await app.get(`/api/v1/applications/${caseNo}/shipment`, citizen.auth)).json()) as { state: string; waybillNo: string };
      expect(shipment.state).toBe('signed');
      expect(shipment.waybillNo).toMatch(/^[A-Z]{2}\d{9}CN$/);
    } finally {
      await context.close();
    }
  });
});
