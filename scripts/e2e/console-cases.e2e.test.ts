import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { ApplicationDetail, Upload } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber, type TestCitizen } from '../../bff/src/testing/citizens';
import { ConsoleClient } from '../../bff/src/testing/console';
import { materialFixtures } from '../../bff/src/testing/files';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, consoleLogin, decide, desktopPages, launchChromium } from './browser';

const CONSOLE_DIST = path.resolve(__dirname, '../../bff/console/dist');
jest.setTimeout(90_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.cases', password: 'AdminPass2026cases' };
const APPROVER = { username: 'approver.e2e', password: 'ApproverPass2026' };
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明: in-house, electronic result

/** An approver finds a citizen's in-house application in the queue and approves it in the console. */
runIf('the approver desk in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let citizen: TestCitizen;
  const desktop = desktopPages(() => browser);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('console build missing: npm run build:console');
    app = await startTestApp(storageModes()[0], { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password });
    const admin = new ConsoleClient(app.url);
    await admin.login(ADMIN.username, ADMIN.password);
    const made = await admin.request('POST', '/staff', { username: APPROVER.username, displayName: '审批员乙', role: 'approver', password: APPROVER.password });
    if (!made.ok) throw new Error(`approver not created: ${made.status}`);
    citizen = await app.identity.createCitizenForTest({ phone: '13700007777', name: '王五', idNumber: testIdNumber('19880808', '321'), face: true });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await app?.close();
  });

  async function applyForNoCrimeRecord(): Promise<ApplicationDetail> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(materialFixtures().jpeg)], { type: 'image/jpeg' }), 'id-card.jpg');
    const upload = (await (await fetch(`${app.url}/api/v1/uploads`, { method: 'POST', headers: citizen.auth, body: form })).json()) as Upload;
    const res = await app.post(
      '/api/v1/applications',
      {
        itemCode: NO_CRIME,
        idempotencyKey: randomUUID(),
        formData: { applicantName: '王五', idNumber: testIdNumber('19880808', '321'), purpose: 'employment', contactPhone: '13700007777' },
        materials: [{ materialName: '申请人有效身份证件', uploadId: upload.uploadId }],
        deliveryOption: 'electronic',
      },
      citizen.auth,
    );
    if (res.status !== 201) throw new Error(`apply failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as ApplicationDetail;
  }

  it('accepts and approves from the queue; the citizen sees the case completed', async () => {
    const created = await applyForNoCrimeRecord();
    const page = await desktop.open();
    await consoleLogin(page, app.url, APPROVER.username, APPROVER.password);
    await page.locator('#nav-cases').click();
    const row = page.locator(`[data-testid="case-queue-row"][data-case-no="${created.caseNo}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('submitted');
    expect(await row.getByTestId('case-queue-applicant').innerText()).toContain('王*');
    await row.getByTestId('case-queue-link').click();
    const view = page.getByTestId('case-view');
    await view.waitFor();
    expect(await page.getByTestId('case-applicant-idNumber').innerText()).toMatch(/^430\*+/);

    await decide(page, 'accept', '材料齐全，予以受理');
    await page.locator('[data-testid="case-view"][data-state="accepted"]').waitFor();
    expect(await page.getByTestId('case-deadline').getAttribute('data-clock')).toMatch(/green|yellow/);
    await decide(page, 'approve', '经查询未发现犯罪记录');
    await page.locator('[data-testid="case-view"][data-state="completed"]').waitFor();
    const events = await page.locator('[data-testid="case-timeline-event"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(new Set(events)).toEqual(new Set(['submit', 'accept', 'approve', 'start_production', 'complete']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-case-approved.png'), fullPage: true });

    const mine = (await (await app.get(`/api/v1/applications/${created.caseNo}`, citizen.auth)).json()) as ApplicationDetail;
    expect(mine.state).toBe('completed');
    expect(mine.timeline.find((e) => e.action === 'approve')).toMatchObject({ actorName: '审批员乙', note: '经查询未发现犯罪记录' });
  });
});
