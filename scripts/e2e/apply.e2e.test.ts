import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CASE_ACTION_NAMES, type ApplicationDetail, type CaseAction } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber, type TestCitizen } from '../../bff/src/testing/citizens';
import { ConsoleClient } from '../../bff/src/testing/console';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, consoleLogin, decide, desktopPages, launchChromium, settled, tapUntil } from './browser';

const H5_DIR = path.resolve(__dirname, '../../miniapp/dist/h5');
jest.setTimeout(150_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ID_REISSUE = '11430000006940002L070001003001'; // 居民身份证补领: 户政 system, fee after approval
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明: in-house
const ADMIN = { username: 'admin.apply', password: 'AdminPass2026apply' };
const APPROVER = { username: 'approver.h5', password: 'ApproverPass2026h5' };
const ID_NUMBER = testIdNumber('19920315', '456');
const PHONE = '13600006666';

/** Taro keeps earlier pages in the DOM, one container per page whose id is its path. */
const onPage = (page: Page, route: string) => page.locator(`[id^="/${route}"]`).last();
const FORM = 'packages/apply/form/index';
const REVIEW = 'packages/apply/review/index';
const RESULT = 'packages/apply/result/index';
const DETAIL = 'packages/cases/detail/index';

/** A phone-sized H5 page already logged in as the citizen (the session as the app stores it). */
async function phonePage(browser: Browser, app: TestApp, citizen: TestCitizen): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const session = { token: citizen.token, refreshToken: citizen.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), me: citizen.me };
  await context.addInitScript((stored) => localStorage.setItem('ov.session', stored), JSON.stringify({ data: session }));
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  return { context, page };
}

/** Reloads the case detail until the timeline shows `actions` (newest first on the page), bounded. */
async function timelineReaches(page: Page, url: string, actions: CaseAction[], timeoutMs = 20_000): Promise<string[]> {
  const want = actions.map((a) => CASE_ACTION_NAMES[a]);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const titles = (await onPage(page, DETAIL).locator('.case-timeline-action').allInnerTexts()).reverse();
    if (want.every((w, i) => titles[i] === w)) return titles;
    if (Date.now() > until) throw new Error(`timeline shows [${titles.join(', ')}], wanted [${want.join(', ')}]`);
    await page.waitForTimeout(500);
    await page.goto(url);
    await onPage(page, DETAIL).locator('.case-timeline-event').first().waitFor();
  }
}

/** A real, decodable JPEG (a drawn photo receipt), so the thumbnail the citizen sees is a picture. */
async function drawnJpeg(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const dataUrl = await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 358;
      canvas.height = 441;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, 358, 441);
      g.fillStyle = '#d0d8e8';
      g.beginPath();
      g.arc(179, 170, 80, 0, Math.PI * 2);
      g.fill();
      g.fillRect(69, 270, 220, 171);
      g.fillStyle = '#333333';
      g.font = '20px sans-serif';
      g.fillText('photo receipt 0001', 90, 40);
      return canvas.toDataURL('image/jpeg', 0.9);
    });
    return Buffer.from(dataUrl.split(',')[1], 'base64');
  } finally {
    await page.close();
  }
}

async function uploadPhoto(page: Page, material: ReturnType<Page['locator']>, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await material.locator('.apply-pick-file').click();
  await (await chooser).setFiles(file);
  await material.locator('.apply-file-0').waitFor();
}

runIf('applying on H5 in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let citizen: TestCitizen;
  let photo: string;
  const desktop = desktopPages(() => browser);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) throw new Error('H5 build missing: npm run build:h5');
    app = await startTestApp(storageModes()[0], {
      H5_DIR,
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
    });
    // The household system takes its time, so the citizen can watch each step arrive.
    app.container.simulators!.upstream.setRule(ID_REISSUE, { steps: ['accepted', 'approved'], delayMs: 2500 });
    citizen = await app.identity.createCitizenForTest({ phone: PHONE, name: '赵六', idNumber: ID_NUMBER, face: true });
    const admin = new ConsoleClient(app.url);
    await admin.login(ADMIN.username, ADMIN.password);
    await admin.request('POST', '/staff', { username: APPROVER.username, displayName: '审批员丙', role: 'approver', password: APPROVER.password });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    photo = path.join(ARTIFACTS, 'e2e-photo-receipt.jpg');
    fs.writeFileSync(photo, await drawnJpeg(browser));
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await app?.close();
  });

  it('applies for 居民身份证补领 with a photo and follows it through the household system to approval', async () => {
    const { context, page } = await phonePage(browser, app, citizen);
    try {
      await page.goto(`${app.url}/#/pages/item/index?code=${ID_REISSUE}`);
      await onPage(page, 'pages/item/index').locator('#item-apply').click();
      const form = onPage(page, FORM);
      await form.locator('.apply-field-idNumber input').waitFor();

      // The shared validator runs on the device first: a wrong check digit is explained inline.
      await form.locator('.apply-field-idNumber input').fill(ID_NUMBER.slice(0, 17) + (ID_NUMBER.endsWith('1') ? '2' : '1'));
      await form.locator('.apply-field-contactPhone input').fill(PHONE);
      await form.locator('#apply-next').click();
      await form.locator('#apply-error-idNumber').waitFor();

      await form.locator('.apply-field-idNumber input').fill(ID_NUMBER);
      await form.locator('.apply-option-reason-lost').click();
      await form.locator('.apply-region-acceptanceOffice-430100').click();
      await form.locator('.apply-region-acceptanceOffice-430102').click();
      await form.locator('.apply-field-acceptanceOffice-detail input').fill('五一大道受理点');
      await uploadPhoto(page, form.locator('.apply-upload-1'), photo);
      await form.locator('.apply-delivery-postal').click();
      await settled(page, FORM);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-apply-form.png'), fullPage: true });
      const review = onPage(page, REVIEW);
      await tapUntil(form.locator('#apply-next'), review.locator('#apply-submit'), form.locator('#apply-error-count'), 'the review page');
      expect(await review.locator('.review-field-idNumber .review-value').innerText()).toMatch(/^430\*+/);
      expect(await review.locator('.review-field-contactPhone .review-value').innerText()).toBe('136****6666');
      await review.locator('#apply-submit').click();

      const result = onPage(page, RESULT);
      const caseNo = (await result.locator('#result-case-no').innerText()).trim();
      expect(caseNo).toMatch(new RegExp(`^${ID_REISSUE}\\d{12}$`));
      await settled(page, RESULT);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-apply-result.png') });
      await result.locator('#result-detail').click();

      const detailUrl = `${app.url}/#/${DETAIL}?caseNo=${caseNo}`;
      await onPage(page, DETAIL).locator('.case-timeline-event').first().waitFor();
      expect(await onPage(page, DETAIL).locator('#case-no').innerText()).toContain(caseNo);
      // Each step as it arrives from the household system.
      await timelineReaches(page, detailUrl, ['submit', 'pre_review']);
      await timelineReaches(page, detailUrl, ['submit', 'pre_review', 'accept']);
      expect(await onPage(page, DETAIL).locator('#case-deadline').getAttribute('class')).toMatch(/case-clock--(green|yellow)/);
      await timelineReaches(page, detailUrl, ['submit', 'pre_review', 'accept', 'approve', 'request_payment']);
      const actors = await onPage(page, DETAIL).locator('.case-timeline-actor').allInnerTexts();
      expect(actors.filter((a) => a.startsWith('部门业务系统 · 户政业务系统'))).toHaveLength(3);
      await settled(page, DETAIL);
      await page.screenshot({ path: path.join(ARTIFACTS, 'h5-case-approved.png'), fullPage: true });

      // What the household system received: the photo, byte for byte.
      const sim = app.container.simulators!.upstream;
      const ref = sim.cases().find((c) => c.caseNo === caseNo)!.upstreamRef;
      const sent = sim.submission(ref)!;
      const detail = (await (await app.get(`/api/v1/applications/${caseNo}`, citizen.auth)).json()) as ApplicationDetail;
      expect(detail.state).toBe('awaiting_payment');
      expect(sent.materials).toEqual([{ name: '数码相片回执', sha256: detail.materials[0].sha256, mime: 'image/jpeg', bytes: fs.statSync(photo).size }]);
    } finally {
      await context.close();
    }
  });

  it('applies for an in-house item on H5, and an approver approves it in the console', async () => {
    const { context, page } = await phonePage(browser, app, citizen);
    let caseNo: string;
    try {
      await page.goto(`${app.url}/#/${FORM}?itemCode=${NO_CRIME}`);
      const form = onPage(page, FORM);
      await form.locator('.apply-field-applicantName input').waitFor();
      await form.locator('.apply-field-applicantName input').fill('赵六');
      await form.locator('.apply-field-idNumber input').fill(ID_NUMBER);
      await form.locator('.apply-option-purpose-employment').click();
      await form.locator('.apply-field-contactPhone input').fill(PHONE);
      await uploadPhoto(page, form.locator('.apply-upload-0'), photo);
      await form.locator('.apply-delivery-electronic').click();
      await tapUntil(form.locator('#apply-next'), onPage(page, REVIEW).locator('#apply-submit'), form.locator('#apply-error-count'), 'the review page');
      await onPage(page, REVIEW).locator('#apply-submit').click();
      caseNo = (await onPage(page, RESULT).locator('#result-case-no').innerText()).trim();
      expect(caseNo).toMatch(new RegExp(`^${NO_CRIME}\\d{12}$`));
    } finally {
      await context.close();
    }

    const desk = await desktop.open();
    await consoleLogin(desk, app.url, APPROVER.username, APPROVER.password);
    await desk.locator('#nav-cases').click();
    await desk.locator(`[data-testid="case-queue-row"][data-case-no="${caseNo}"] [data-testid="case-queue-link"]`).click();
    await desk.getByTestId('case-view').waitFor();
    await decide(desk, 'accept', '材料齐全');
    await desk.locator('[data-testid="case-view"][data-state="accepted"]').waitFor();
    await decide(desk, 'approve', '未发现犯罪记录');
    await desk.locator('[data-testid="case-view"][data-state="completed"]').waitFor();

    const again = await phonePage(browser, app, citizen);
    try {
      await again.page.goto(`${app.url}/#/${DETAIL}?caseNo=${caseNo}`);
      await timelineReaches(again.page, `${app.url}/#/${DETAIL}?caseNo=${caseNo}`, ['submit', 'accept', 'approve', 'start_production', 'complete']);
      await settled(again.page, DETAIL);
      await again.page.screenshot({ path: path.join(ARTIFACTS, 'h5-case-completed.png'), fullPage: true });
    } finally {
      await again.context.close();
    }
  });
});
