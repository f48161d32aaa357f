import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { storageModes } from '../../bff/src/testing/storage';
import { enqueue, PermanentFailure } from '../../bff/src/outbox';
import { ARTIFACTS, browserAvailable, consoleLogin, desktopPages, launchChromium } from './browser';

const CONSOLE_DIST = path.resolve(__dirname, '../../bff/console/dist');
jest.setTimeout(90_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.ops', password: 'AdminPass2026ops' };
const TOPIC = 'e2e.probe';

const login = consoleLogin;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An admin edits the working-day calendar and handles an outbox dead letter, in the real console build. */
runIf('console operations pages in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  const desktop = desktopPages(() => browser);
  /** The probe topic's handler refuses (PermanentFailure → dead at once) until this is false. */
  let refusing = true;
  const delivered: string[] = [];
  const newPage = () => desktop.open();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('console build missing: npm run build:console');
    app = await startTestApp(storageModes()[0], { CONSOLE_ADMIN_USERNAME: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password });
    // The server's own dispatcher (polling every second) delivers the probe topic.
    app.container.outboxDispatcher.register<{ n: number }>(TOPIC, async (_payload, meta) => {
      if (refusing) throw new PermanentFailure('partner answered 400 (e2e probe)');
      delivered.push(meta.id);
    });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await app?.close();
  });

  it('an admin sees 2026’s holidays, marks 2026-06-01 as a holiday, reloads, and clears it again', async () => {
    const page = await newPage();
    await login(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('#nav-calendar').click();
    await page.locator('#calendar-year').waitFor();
    await page.locator('#calendar-year').selectOption('2026');
    await page.waitForURL(/#\/calendar\/2026$/);

    // The seed holds the State Council's 2026 schedule: 国庆节 from 10月1日, marked 休 in text.
    const national = page.locator('[data-date="2026-10-01"]');
    await national.waitFor();
    expect(await national.innerText()).toContain('休');
    expect(await national.getAttribute('aria-label')).toContain('放假');
    expect(await page.locator('.calendar-fallback-banner').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-calendar-2026.png'), fullPage: true });

    // 2026-06-01 (a Monday) becomes a holiday, edited inline.
    const june1 = page.locator('[data-date="2026-06-01"]');
    expect(await june1.getAttribute('data-kind')).toBe('default');
    await june1.click();
    await page.locator('#calendar-day-offday').check();
    await page.locator('#calendar-day-note').fill('儿童节（测试）');
    await page.locator('#calendar-day-save').click();
    await page.locator('.notice-success', { hasText: '2026年6月1日' }).waitFor();
    expect(await june1.getAttribute('data-kind')).toBe('offday');
    expect(await june1.innerText()).toContain('休');
    expect(await june1.innerText()).toContain('儿童节（测试）');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-calendar-edit.png'), fullPage: true });

    // Persisted: a reload of the same URL shows it.
    await page.reload();
    await june1.waitFor();
    expect(await june1.getAttribute('data-kind')).toBe('offday');
    expect(await june1.innerText()).toContain('儿童节（测试）');

    // Back to the default.
    await june1.click();
    expect(await page.locator('#calendar-day-offday').isChecked()).toBe(true);
    expect(await page.locator('#calendar-day-note').inputValue()).toBe('儿童节（测试）');
    await page.locator('#calendar-day-clear').check();
    await page.locator('#calendar-day-save').click();
    await page.locator('.notice-success', { hasText: '恢复为默认' }).waitFor();
    expect(await june1.getAttribute('data-kind')).toBe('default');
    await page.reload();
    await june1.waitFor();
    expect(await june1.getAttribute('data-kind')).toBe('default');
    expect(await june1.innerText()).not.toContain('休');

    // The audit log has both edits.
    const res = await page.evaluate(async () => (await fetch('/console/api/audit?action=calendar.update&page=1&pageSize=20', { credentials: 'same-origin' })).json());
    expect((res as { total: number }).total).toBeGreaterThanOrEqual(2);

    // A year nobody has entered says so plainly.
    await page.locator('#calendar-year').selectOption('2027');
    await page.locator('.calendar-fallback-banner').waitFor();
    expect(await page.locator('.calendar-fallback-banner').innerText()).toContain('本年度尚未录入国务院节假日安排，按周一至周五计算工作日');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-calendar-fallback.png'), fullPage: true });
  });

  it('an admin sees no dead letters, then retries one from the list', async () => {
    const page = await newPage();
    await login(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('#nav-outbox').click();
    await page.locator('.outbox-empty').waitFor();
    expect(await page.locator('.outbox-row').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-outbox-empty.png'), fullPage: true });

    // A side effect the partner refuses: dead at its first attempt.
    const created = await enqueue(app.container.database.db, { topic: TOPIC, dedupeKey: 'e2e-evt-1', payload: { n: 1, phone: '13612345678' } });
    if (!created.created) throw new Error('probe not enqueued');
    await waitFor(async () => (await app.container.outbox.get(created.id)).status === 'dead', 'the probe to die');

    await page.locator('#outbox-refresh').click();
    const row = page.locator(`.outbox-row[data-outbox-id="${created.id}"]`);
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toContain(TOPIC);
    expect(rowText).toContain('partner answered 400');
    expect(rowText).not.toContain('13612345678'); // the payload is never shown
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-outbox-dead.png'), fullPage: true });

    // The partner is fixed; retry, confirmed inline.
    refusing = false;
    await row.locator('[data-retry]').click();
    await row.locator('[data-retry-confirm]').click();
    const result = page.locator('.outbox-result');
    await result.waitFor();
    expect(await result.innerText()).toContain(created.id);
    await page.locator('.outbox-empty').waitFor();
    await waitFor(async () => delivered.includes(created.id), 'the retried probe to be delivered');
    expect((await app.container.outbox.get(created.id)).status).toBe('delivered');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-outbox-retried.png'), fullPage: true });

    await page.locator('#nav-audit').click();
    await page.locator('.audit-row', { hasText: created.id }).first().waitFor();
  });

  it('an admin filters the dead letters by topic and puts them all back at once, confirmed', async () => {
    const page = await newPage();
    await login(page, app.url, ADMIN.username, ADMIN.password);
    refusing = true;
    const ids: string[] = [];
    for (const key of ['e2e-bulk-1', 'e2e-bulk-2', 'e2e-bulk-3']) {
      const created = await enqueue(app.container.database.db, { topic: TOPIC, dedupeKey: key, payload: { n: 2 } });
      if (!created.created) throw new Error('probe not enqueued');
      ids.push(created.id);
    }
    await waitFor(async () => (await Promise.all(ids.map((id) => app.container.outbox.get(id)))).every((e) => e.status === 'dead'), 'the probes to die');

    await page.locator('#nav-outbox').click();
    await page.locator('#outbox-topic').fill(TOPIC);
    await page.locator('#outbox-topic').press('Enter');
    await page.locator('#outbox-retry-topic', { hasText: '全部重试（3 条）' }).waitFor();
    refusing = false;
    await page.locator('#outbox-retry-topic').click();
    await page.locator('#outbox-retry-topic-confirm').click();
    const result = page.locator('.outbox-bulk-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('3 条死信已重新投递');
    await page.locator('.outbox-empty').waitFor();
    await waitFor(async () => ids.every((id) => delivered.includes(id)), 'the three probes to be delivered');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-outbox-bulk-retried.png'), fullPage: true });
  });
});
