import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PartnerSecretIssued, VerifyLicenceResponse } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber, type TestCitizen } from '../../bff/src/testing/citizens';
import { ConsoleClient } from '../../bff/src/testing/console';
import { storageModes } from '../../bff/src/testing/storage';
import { OpenApiClient, OpenApiError } from '../open-api-client/client';
import { ARTIFACTS, browserAvailable, launchChromium } from './browser';

const H5_DIR = path.resolve(__dirname, '../../miniapp/dist/h5');
jest.setTimeout(180_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.wallet', password: 'Correct-Horse-42-Battery' };
const HOTEL_FIELDS = ['name', 'gender', 'ethnicity', 'birthDate', 'address', 'idNumber', 'licenceNumber', 'nationality', 'validUntil'];
const onPage = (page: Page, route: string) => page.locator(`[id^="/${route}"]`).last();
const WALLET = 'packages/licences/wallet/index';
const DETAIL = 'packages/licences/detail/index';
const PRESENT = 'packages/licences/present/index';
const USAGES = 'packages/licences/usages/index';

async function phonePage(browser: Browser, app: TestApp, citizen: TestCitizen): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const session = { token: citizen.token, refreshToken: citizen.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), me: citizen.me };
  await context.addInitScript((stored) => localStorage.setItem('ov.session', stored), JSON.stringify({ data: session }));
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  return { context, page };
}

/**
 * The acceptance run: a citizen opens the H5 wallet and shows the ID card's QR code for a
 * hotel check-in; the reference partner client, acting as the hotel, verifies it online and gets
 * only the hotel's fields; a second verification of the same code fails; the citizen then sees
 * the usage record in the wallet.
 */
runIf('the e-licence wallet on H5 in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let citizen: TestCitizen;
  let hotel: OpenApiClient;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) throw new Error('H5 build missing: npm run build:h5');
    app = await startTestApp(storageModes()[0], { H5_DIR, CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password });
    const admin = new ConsoleClient(app.url);
    expect((await admin.login(ADMIN.username, ADMIN.password)).status).toBe(200);
    const res = await admin.request('POST', '/partners', { appId: 'hotel-xiangjiang', name: '湘江大酒店', algorithm: 'HMAC-SM3', scopes: ['licences:verify'], relyingPartyType: 'hotel' });
    expect(res.status).toBe(200);
    const issued = (await res.json()) as PartnerSecretIssued;
    hotel = new OpenApiClient({ baseUrl: app.url, appId: 'hotel-xiangjiang', secret: issued.secret!, algorithm: 'HMAC-SM3' });
    citizen = await app.identity.createCitizenForTest({ phone: '13700003333', name: '张三', idNumber: testIdNumber('19900101', '123'), face: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the ID card QR for a hotel check-in, verified once by the hotel, and the usage record', async () => {
    const { context, page } = await phonePage(browser, app, citizen);
    try {
      await page.goto(`${app.url}/#/${WALLET}`);
      const card = onPage(page, WALLET).locator('.licence-card', { hasText: '居民身份证' }).first();
      await card.waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-wallet.png') });
      await card.click();
      await onPage(page, DETAIL).locator('.licence-present').waitFor();
      await onPage(page, DETAIL).locator('.licence-present').click();
      await onPage(page, PRESENT).locator('.present-purpose-hotel_checkin').click();
      await onPage(page, PRESENT).locator('#present-start').click();
      const qrText = onPage(page, PRESENT).locator('[data-testid="licence-qr-text"]');
      await qrText.waitFor({ state: 'attached', timeout: 20_000 });
      const token = (await qrText.textContent())!.trim();
      expect(token.split('.')).toHaveLength(3);
      await expect(onPage(page, PRESENT).locator('#licence-qr img, #licence-qr image, #licence-qr .taro-img__mode-scaletofill').first().isVisible()).resolves.toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-licence-qr.png') });

      // The hotel's front desk, through the reference partner client.
      const verified = await hotel.request<VerifyLicenceResponse>('POST', '/open/v1/licences/verify', { token, reason: '入住登记 1208 房' });
      expect(verified).toMatchObject({ verified: true, licenceType: 'id_card', purpose: 'hotel_checkin', colour: 'green', fields: { name: '张三' } });
      expect(Object.keys(verified.fields).every((f) => HOTEL_FIELDS.includes(f))).toBe(true);
      const again = await hotel.request('POST', '/open/v1/licences/verify', { token, reason: '入住登记 1208 房' }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(again).toBeInstanceOf(OpenApiError);
      expect((again as OpenApiError).code).toBe('PRESENTATION_USED');

      await page.goto(`${app.url}/#/${USAGES}`);
      const usage = onPage(page, USAGES).locator('.licence-usage').first();
      await usage.waitFor({ timeout: 15_000 });
      await expect(usage.locator('.licence-usage-party').innerText()).resolves.toContain('湘江大酒店');
      await expect(usage.locator('.licence-usage-reason').innerText()).resolves.toContain('入住登记 1208 房');
      await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-licence-usages.png') });
    } finally {
      await context.close();
    }
  });
});
