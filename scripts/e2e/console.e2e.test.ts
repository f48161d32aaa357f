import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { idNumberCheckChar, maskPhone } from '@onevisit/shared-types/client';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, consoleLogin, desktopPages, launchChromium } from './browser';

const CONSOLE_DIST = path.resolve(__dirname, '../../bff/console/dist');
jest.setTimeout(90_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.test', password: 'AdminPass2025e2e' };
const AGENT = { username: 'agent.e2e', displayName: '王坐席', password: 'AgentPass2025xyz' };
const first17 = '43010420000229001';
const CITIZEN = { phone: '13912345678', name: '李晓明', idNumber: first17 + idNumberCheckChar(first17) };

const login = consoleLogin;

/** Call-centre staff on a desktop browser, against the real BFF serving the real console build. */
runIf('console in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  const desktop = desktopPages(() => browser);
  const newPage = () => desktop.open();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('console build missing: npm run build:console');
    app = await startTestApp(storageModes()[0], { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password });
    await app.identity.createCitizenForTest({ phone: CITIZEN.phone, name: CITIZEN.name, idNumber: CITIZEN.idNumber });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await app?.close();
  });

  it('an admin finds a citizen by phone, reveals the ID number with a reason, and finds that read in the audit log', async () => {
    const page = await newPage();

    // A wrong password is refused with the code and request id an agent can quote.
    await page.goto(`${app.url}/console/`);
    await page.locator('#login-username').fill(ADMIN.username);
    await page.locator('#login-password').fill('not-the-password-1');
    await page.locator('#login-submit').click();
    const refused = page.locator('[role="alert"][data-error-code="STAFF_LOGIN_FAILED"]');
    await refused.waitFor();
    expect((await refused.locator('.request-id').innerText()).trim()).not.toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-login-refused.png') });

    await login(page, app.url, ADMIN.username, ADMIN.password);
    expect(await page.locator('#nav-staff').count()).toBe(1);
    expect(await page.locator('#nav-audit').count()).toBe(1);

    // Neither a phone nor an ID number: a field-level error, no request.
    await page.locator('#citizen-query').fill('12345');
    await page.locator('#citizen-search-submit').click();
    await page.locator('#citizen-query-error[role="alert"]').waitFor();

    await page.locator('#citizen-query').fill(CITIZEN.phone);
    await page.locator('#citizen-search-submit').click();
    const row = page.locator('.citizen-row').first();
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toContain(maskPhone(CITIZEN.phone));
    expect(rowText).not.toContain(CITIZEN.phone);
    expect(rowText).not.toContain(CITIZEN.idNumber);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-citizen-search.png') });

    await row.click();
    const unmaskId = page.locator('[data-unmask="idNumber"]');
    await unmaskId.waitFor();
    expect(await page.locator('main').innerText()).not.toContain(CITIZEN.idNumber);
    await unmaskId.click();

    // The reason is required (an inline form, not a browser prompt).
    await page.locator('#unmask-submit').click();
    await page.locator('#unmask-reason-error[role="alert"]').waitFor();
    const reason = '来电人核对身份，工单 E2E-0001';
    await page.locator('#unmask-reason').fill(reason);
    await page.locator('#unmask-submit').click();

    const value = page.locator('.unmasked-value');
    await value.waitFor();
    expect((await value.innerText()).trim()).toBe(CITIZEN.idNumber);
    const note = await page.locator('.audit-note').innerText();
    const auditId = /审计号\s*([^）)\s]+)/.exec(note)?.[1];
    expect(note).toContain('已记录审计');
    expect(auditId).toBeTruthy();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-citizen-unmasked.png'), fullPage: true });

    // Leaving the page hides the value again: it is never kept.
    await page.locator('#nav-citizens').click();
    await page.locator('.citizen-row').first().click();
    await unmaskId.waitFor();
    expect(await page.locator('.unmasked-value').count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain(CITIZEN.idNumber);

    await page.locator('#nav-audit').click();
    const auditRow = page.locator('.audit-row', { hasText: reason });
    await auditRow.first().waitFor();
    expect(await auditRow.first().innerText()).toContain(auditId!);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit.png'), fullPage: true });
  });

  it('an admin creates an agent, who sees only citizen search', async () => {
    const page = await newPage();
    await login(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('#nav-staff').click();
    await page.locator('#staff-create-open').click();
    await page.locator('#staff-username').fill(AGENT.username);
    await page.locator('#staff-displayName').fill(AGENT.displayName);
    await page.locator('#staff-role').selectOption('agent');
    await page.locator('#staff-password').fill(AGENT.password);
    await page.locator('#staff-create-submit').click();
    await page.locator(`.staff-row[data-username="${AGENT.username}"]`).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-staff.png'), fullPage: true });

    await page.locator('#logout').click();
    await page.locator('#login-username').waitFor();
    await login(page, app.url, AGENT.username, AGENT.password);
    expect(await page.locator('#nav-staff').count()).toBe(0);
    expect(await page.locator('#nav-audit').count()).toBe(0);
    expect(await page.locator('.topbar-user').innerText()).toContain('坐席');

    // A deep link to a page the role may not use shows a refusal, not the page.
    await page.goto(`${app.url}/console/#/audit`);
    await page.getByRole('heading', { name: '无权访问' }).waitFor();
    expect(await page.locator('.audit-row').count()).toBe(0);
  });
});
