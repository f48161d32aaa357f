import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { OpenSubmitRequest, Page as ListPage, PartnerSecretIssued, WebhookDelivery } from '@onevisit/shared-types';
import { OpenApiClient, OpenApiError } from '../open-api-client/client';
import { startWebhookReceiver, type WebhookReceiver } from '../open-api-client/webhookReceiver';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { testIdNumber } from '../../bff/src/testing/citizens';
import { ConsoleClient } from '../../bff/src/testing/console';
import { materialFixtures } from '../../bff/src/testing/files';
import { storageModes } from '../../bff/src/testing/storage';
import { ARTIFACTS, browserAvailable, consoleLogin, desktopPages, launchChromium } from './browser';

const CONSOLE_DIST = path.resolve(__dirname, '../../bff/console/dist');
jest.setTimeout(120_000);
const runIf = browserAvailable() ? describe : describe.skip;

const ADMIN = { username: 'admin.partners', password: 'AdminPass2026partners' };
const APP_ID = 'e2e-gov-platform';
const OTHER_APP_ID = 'e2e-other-city';
const ALGORITHM = 'HMAC-SHA256' as const;
const NO_CRIME = '11430000006940001H205602001001'; // 无犯罪记录证明 (in-house, electronic result)
/** Generous bounds: the machine is shared with a CI job. */
const UI_TIMEOUT = 20_000;
const WAIT_TIMEOUT = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `probe` (assertions inside may throw) until it passes; rethrows its last failure after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T>, what: string, timeoutMs = WAIT_TIMEOUT): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(150);
    }
  }
}

/** The open-API refusal of a call that must fail. */
async function refusal(call: Promise<unknown>): Promise<OpenApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenApiError) return err;
    throw err;
  }
  throw new Error('the call was expected to be refused but succeeded');
}

/**
 * An admin registers an open-API partner in the real console build and manages it: the secret is
 * shown once and signs real calls of the reference client, a rotation keeps both secrets valid,
 * the call evidence shows successes and refusals, a dead webhook is pushed again from 状态推送,
 * and disabling the partner refuses its next call.
 */
runIf('console partner pages in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let admin: ConsoleClient;
  let page: Page;
  /** Listens from the start so the form gets a real URL; replaced (same port) once the webhook secret is known. */
  let receiver: WebhookReceiver;
  const desktop = desktopPages(() => browser);
  const secrets = { first: '', current: '', webhook: '' };
  const clientWith = (secret: string, appId = APP_ID) => new OpenApiClient({ baseUrl: app.url, appId, secret, algorithm: ALGORITHM, timeoutMs: UI_TIMEOUT });

  const deliveriesOf = async (caseNo: string): Promise<WebhookDelivery[]> => {
    const res = await admin.request('GET', `/partner-webhooks?caseNo=${encodeURIComponent(caseNo)}`);
    if (res.status !== 200) throw new Error(`partner-webhooks: ${res.status} ${await res.text()}`);
    return ((await res.json()) as ListPage<WebhookDelivery>).items;
  };
  /** Drives the outbox (besides the server's own 1 s poll) until `done` holds for the case's deliveries. */
  const driveOutbox = (caseNo: string, done: (items: WebhookDelivery[]) => boolean, what: string) =>
    eventually(async () => {
      await app.container.outboxDispatcher.runOnce();
      const items = await deliveriesOf(caseNo);
      if (!done(items)) throw new Error(JSON.stringify(items.map((d) => ({ status: d.status, attempts: d.attempts, lastError: d.lastError }))));
      return items;
    }, what);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('console build missing: npm run build:console');
    app = await startTestApp(storageModes()[0], {
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      OUTBOX_MAX_ATTEMPTS: '2',
      OUTBOX_BACKOFF_BASE_MS: '50',
      OUTBOX_BACKOFF_CAP_MS: '100',
      OPEN_API_WEBHOOK_TIMEOUT_MS: '5000',
      SLA_SWEEP_SECONDS: '0',
    });
    admin = new ConsoleClient(app.url);
    const login = await admin.login(ADMIN.username, ADMIN.password);
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
    // Another partner's calls, to show the call search filters by partner.
    const other = await admin.request('POST', '/partners', { appId: OTHER_APP_ID, name: '常德市政务服务平台', algorithm: ALGORITHM, scopes: ['catalog:read'] });
    if (other.status !== 200) throw new Error(`other partner not created: ${other.status} ${await other.text()}`);
    await clientWith(((await other.json()) as PartnerSecretIssued).secret!, OTHER_APP_ID).syncCatalog(undefined, 1);
    receiver = await startWebhookReceiver({ appId: APP_ID, webhookSecret: 'placeholder-until-the-console-shows-the-real-one', algorithm: ALGORITHM, host: '127.0.0.1' });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    page = await desktop.open();
    page.setDefaultTimeout(UI_TIMEOUT);
  }, 90_000);
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await receiver?.close();
    await app?.close();
  });

  it('creates a partner through the form, shows its secret once, and the secret signs a catalogue sync', async () => {
    await consoleLogin(page, app.url, ADMIN.username, ADMIN.password);
    await page.locator('#nav-partners').click();
    await page.locator(`[data-testid="partner-row"][data-app-id="${OTHER_APP_ID}"]`).waitFor();
    await page.getByTestId('partner-create-open').click();
    const form = page.getByTestId('partner-create-form');
    await form.waitFor();
    await page.locator('#partner-appId').fill(APP_ID);
    await page.locator('#partner-new-name').fill('省一件事一次办平台（测试）');
    await page.locator('#partner-new-algorithm').selectOption(ALGORITHM);
    for (const scope of ['catalog:read', 'cases:read', 'cases:write']) await form.locator(`input[type="checkbox"][data-scope="${scope}"]`).check();
    await page.locator('#partner-new-webhook').fill(receiver.url);
    await page.locator('#partner-new-profile').selectOption('canonical');
    await page.getByTestId('partner-create-submit').click();

    // The secrets, once, in a dialog that closes only after the admin confirms they were saved.
    const dialog = page.getByTestId('secret-dialog');
    await dialog.waitFor();
    expect((await page.getByTestId('secret-app-id').innerText()).trim()).toBe(APP_ID);
    secrets.first = (await page.getByTestId('secret-value').innerText()).trim();
    secrets.webhook = (await page.getByTestId('webhook-secret-value').innerText()).trim();
    expect(secrets.first).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(secrets.webhook).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(secrets.webhook).not.toBe(secrets.first);
    expect(await page.getByTestId('secret-close').isDisabled()).toBe(true);
    await page.getByTestId('secret-saved').check();
    await page.getByTestId('secret-close').click();
    await dialog.waitFor({ state: 'detached' });
    secrets.current = secrets.first;

    const row = page.locator(`[data-testid="partner-row"][data-app-id="${APP_ID}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-enabled')).toBe('true');
    const rowText = await row.innerText();
    expect(rowText).toContain(ALGORITHM);
    expect(rowText).toContain('已配置'); // the webhook
    expect(await row.locator('[data-scope]').evaluateAll((els) => els.map((e) => e.getAttribute('data-scope')).sort())).toEqual(['cases:read', 'cases:write', 'catalog:read']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partners-list.png'), fullPage: true });

    // The partner's own receiver now verifies with the webhook secret the dialog showed (same port, same URL).
    const port = receiver.port;
    await receiver.close();
    receiver = await startWebhookReceiver({ appId: APP_ID, webhookSecret: secrets.webhook, algorithm: ALGORITHM, host: '127.0.0.1', port });

    // The secret read off the page signs a real call of the reference client.
    const catalogue = await clientWith(secrets.first).syncCatalog(undefined, 5);
    expect(catalogue.items.length).toBeGreaterThan(0);

    // Gone for good: the detail page, reloaded, shows only hints.
    await page.getByTestId('partner-created').getByRole('link', { name: '查看详情' }).click();
    await page.waitForURL(new RegExp(`#/partners/${APP_ID}$`));
    await page.reload();
    const view = page.locator(`[data-testid="partner-view"][data-app-id="${APP_ID}"]`);
    await view.getByTestId('secret-current').waitFor();
    await view.getByTestId('partner-recent-calls').getByText('/open/v1/catalog/items').first().waitFor();
    const text = await page.locator('body').innerText();
    const html = await page.content();
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    for (const secret of [secrets.first, secrets.webhook]) {
      expect(text).not.toContain(secret);
      expect(html).not.toContain(secret);
      expect(storage).not.toContain(secret);
    }
    expect(await view.getByTestId('secret-current').innerText()).toContain(secrets.first.slice(-4));
    expect(await view.getByTestId('secret-previous').count()).toBe(0);
    expect(await view.getByTestId('webhook-secret-hint').innerText()).toContain(secrets.webhook.slice(-4));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-view.png'), fullPage: true });
  });

  it('rotates the secret in the console: old and new both sign until the old one is retired, and the audit log shows it', async () => {
    const view = page.locator(`[data-testid="partner-view"][data-app-id="${APP_ID}"]`);
    await view.getByTestId('secret-rotate').click();
    await page.getByTestId('secret-rotate-confirm-ok').click();
    const dialog = page.getByTestId('secret-dialog');
    await dialog.waitFor();
    const rotated = (await page.getByTestId('secret-value').innerText()).trim();
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(rotated).not.toBe(secrets.first);
    expect(await page.getByTestId('webhook-secret-value').count()).toBe(0); // only the API secret rotates
    await page.getByTestId('secret-saved').check();
    await page.getByTestId('secret-close').click();
    await dialog.waitFor({ state: 'detached' });
    secrets.current = rotated;

    // Two active secrets: the page says so, and both sign.
    await view.getByTestId('secret-previous').waitFor();
    expect(await view.getByTestId('secret-previous').innerText()).toContain('轮换中');
    expect(await view.getByTestId('secret-previous').innerText()).toContain(secrets.first.slice(-4));
    expect(await view.getByTestId('secret-current').innerText()).toContain(rotated.slice(-4));
    expect((await page.locator('body').innerText()).includes(rotated)).toBe(false);
    await clientWith(secrets.first).syncCatalog(undefined, 1);
    await clientWith(rotated).syncCatalog(undefined, 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-rotating.png'), fullPage: true });

    // The audit log, from the partner's 操作记录 link.
    await view.getByRole('link', { name: '操作记录' }).click();
    await page.locator('.audit-row', { hasText: 'partner.secret_rotate' }).first().waitFor();
    expect(await page.locator('.audit-row', { hasText: 'partner.create' }).count()).toBeGreaterThanOrEqual(1);
    await page.goBack();

    // Retiring the old one: only the new one signs from then on.
    await view.getByTestId('secret-retire').click();
    await page.getByTestId('secret-retire-confirm-ok').click();
    await view.getByTestId('secret-previous').waitFor({ state: 'detached' });
    const retired = await refusal(clientWith(secrets.first).syncCatalog(undefined, 1));
    expect({ status: retired.status, code: retired.code }).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    await clientWith(rotated).syncCatalog(undefined, 1);
  });

  it('lists the calls in 调用记录, filtered by partner, with a bad signature refused as SIGNATURE_INVALID', async () => {
    const bad = await refusal(clientWith('not-the-secret-of-this-partner').syncCatalog(undefined, 1));
    expect({ status: bad.status, code: bad.code }).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    expect(bad.requestId).toEqual(expect.any(String));

    await page.locator('#nav-partner-calls').click();
    await page.getByTestId('calls-page').waitFor();
    // Unfiltered, the other partner's call is there too.
    await page.locator('[data-testid="call-row"]', { hasText: OTHER_APP_ID }).first().waitFor();

    await page.locator('#calls-appId').fill(APP_ID);
    await page.getByTestId('calls-search').click();
    await page.waitForURL(/#\/partner-calls\?appId=/);
    const rows = page.getByTestId('call-row');
    const refusedRow = page.locator(`[data-testid="call-row"][data-request-id="${bad.requestId}"]`);
    await eventually(async () => {
      await refusedRow.waitFor({ timeout: 2_000 });
      const appIds = await rows.evaluateAll((els) => els.map((e) => e.querySelector('td:nth-child(2)')?.textContent?.trim()));
      // sync ×1, rotation ×2, retired ×1 (refused), new ×1, bad ×1: at least six, all ours.
      expect(appIds.length).toBeGreaterThanOrEqual(6);
      expect(new Set(appIds)).toEqual(new Set([APP_ID]));
    }, 'the call search filtered by partner');
    expect(await refusedRow.getAttribute('data-refused')).toBe('true');
    const refusedText = await refusedRow.innerText();
    expect(refusedText).toContain('SIGNATURE_INVALID');
    expect(refusedText).toContain('签名错误');
    expect(refusedText).toContain('401');
    // The successful catalogue syncs: signature passed, 200.
    const ok = page.locator('[data-testid="call-row"][data-refused="false"]', { hasText: '/open/v1/catalog/items' });
    expect(await ok.count()).toBeGreaterThanOrEqual(4);
    expect(await ok.first().innerText()).toContain('通过');
    expect(await ok.first().innerText()).toContain('200');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-calls.png'), fullPage: true });

    // Refused only.
    await page.getByTestId('calls-result').selectOption('refused');
    await page.getByTestId('calls-search').click();
    await page.waitForURL(/result=refused/);
    await eventually(async () => {
      const refused = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-refused')));
      expect(refused).toEqual(['true', 'true']); // the retired old secret and the wrong one
    }, 'only refused calls');
    await refusedRow.waitFor();
  });

  it('shows a dead webhook in 状态推送, pushes it again from the console, and the receiver gets it exactly once', async () => {
    const client = clientWith(secrets.current);
    const idNumber = testIdNumber('19830303', '468');
    const request: OpenSubmitRequest = {
      serialNo: `E2E-${randomUUID()}`,
      itemCode: NO_CRIME,
      applicant: { kind: 'token', token: await app.sims.idpToken('hubei', { sub: 'hb-e2e-console-1', name: '郑十一', idNumber, acr: 'L3' }) },
      formData: { applicantName: '郑十一', idNumber, purpose: 'employment', contactPhone: '13600006666' },
      deliveryOption: 'electronic',
      materials: [{ materialName: '申请人有效身份证件', fileName: '身份证.jpg', contentType: 'image/jpeg', contentBase64: materialFixtures().jpeg.toString('base64') }],
    };
    await receiver.setMode('error500');
    const submitted = await client.submitCase(request);
    expect(submitted).toMatchObject({ created: true, state: 'submitted' });
    const eventIds = (await client.caseStatus(submitted.caseNo)).timeline.map((e) => e.eventId);
    expect(eventIds.length).toBeGreaterThanOrEqual(1);
    const dead = await driveOutbox(submitted.caseNo, (items) => items.length === eventIds.length && items.every((d) => d.status === 'dead'), 'the pushes to be dead');
    expect(dead[0]).toMatchObject({ attempts: 2, lastStatusCode: 500 });
    expect(receiver.deliveries).toBe(0);

    await page.locator('#nav-partner-webhooks').click();
    await page.getByTestId('webhooks-page').waitFor();
    await page.locator('#webhooks-app').fill(APP_ID);
    await page.getByTestId('webhooks-status').selectOption('dead');
    await page.getByTestId('webhooks-search').click();
    await page.waitForURL(/#\/partner-webhooks\?appId=.*status=dead/);
    for (const d of dead) {
      const row = page.locator(`[data-testid="webhook-row"][data-delivery-id="${d.deliveryId}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-status')).toBe('dead');
      const text = await row.innerText();
      expect(text).toContain(submitted.caseNo);
      expect(text).toContain(d.eventId);
      expect(text).toContain('500');
      expect(text).toContain('answered 500');
    }
    expect(await page.locator('[data-testid="webhook-row"]').count()).toBe(dead.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-webhooks-dead.png'), fullPage: true });

    // The partner fixed its endpoint; the admin pushes each again, confirmed inline.
    await receiver.setMode('up');
    for (const d of dead) {
      const row = page.locator(`[data-testid="webhook-row"][data-delivery-id="${d.deliveryId}"]`);
      await row.getByTestId('webhook-retry').click();
      await row.getByTestId('webhook-retry-confirm').click();
      const result = page.getByTestId('webhook-retry-result');
      await result.waitFor();
      expect(await result.innerText()).toContain(d.deliveryId);
      await row.waitFor({ state: 'detached' }); // no longer dead
    }

    await driveOutbox(submitted.caseNo, (items) => items.every((d) => d.status === 'delivered'), 'the pushes to be delivered');
    await receiver.waitFor((r) => eventIds.every((id) => r.events.some((e) => e.eventId === id)), WAIT_TIMEOUT);
    // Nothing more is due: a few more rounds of the outbox send nothing twice.
    for (let i = 0; i < 3; i++) await app.container.outboxDispatcher.runOnce();
    expect(receiver.events.filter((e) => e.caseNo === submitted.caseNo).map((e) => e.eventId).sort()).toEqual([...eventIds].sort());
    expect(receiver.deliveries).toBe(eventIds.length);
    expect(receiver.duplicates).toBe(0);
    expect(receiver.rejected).toBe(0);

    // The page shows them delivered.
    await page.getByTestId('webhooks-status').selectOption('');
    await page.locator('#webhooks-case').fill(submitted.caseNo);
    await page.getByTestId('webhooks-search').click();
    await page.waitForURL(/caseNo=/);
    await eventually(async () => {
      await page.getByTestId('webhooks-refresh').click();
      const statuses = await page.getByTestId('webhook-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect(statuses).toEqual(eventIds.map(() => 'delivered'));
    }, 'the console to show the pushes delivered');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-webhooks-delivered.png'), fullPage: true });

    // Audited.
    const audit = await admin.request('GET', '/audit?action=partner.webhook_retry&page=1&pageSize=20');
    expect(((await audit.json()) as { total: number }).total).toBe(dead.length);
  });

  it('disables the partner in the console; its next signed call is refused with PARTNER_DISABLED', async () => {
    await page.goto(`${app.url}/console/#/partners/${APP_ID}`);
    const view = page.locator(`[data-testid="partner-view"][data-app-id="${APP_ID}"]`);
    await view.getByTestId('partner-settings').waitFor();
    expect((await view.getByTestId('partner-enabled').innerText()).trim()).toBe('启用');
    await view.getByTestId('partner-edit-enabled').uncheck();
    await view.getByTestId('partner-save').click();
    // Turning a partner off is confirmed.
    await page.getByTestId('partner-disable-confirm').waitFor();
    await page.getByTestId('partner-disable-confirm-ok').click();
    await view.getByTestId('partner-settings-notice').waitFor();
    await view.getByTestId('partner-enabled').filter({ hasText: '停用' }).waitFor();

    const refused = await refusal(clientWith(secrets.current).syncCatalog(undefined, 1));
    expect({ status: refused.status, code: refused.code }).toEqual({ status: 403, code: 'PARTNER_DISABLED' });

    // The list says so, and the refusal is in the call evidence.
    await page.locator('#nav-partners').click();
    const row = page.locator(`[data-testid="partner-row"][data-app-id="${APP_ID}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-enabled')).toBe('false');
    await page.goto(`${app.url}/console/#/partner-calls?appId=${APP_ID}&requestId=${encodeURIComponent(refused.requestId!)}`);
    const call = page.locator(`[data-testid="call-row"][data-request-id="${refused.requestId}"]`);
    await call.waitFor();
    expect(await call.innerText()).toContain('PARTNER_DISABLED');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-partner-disabled-call.png'), fullPage: true });
  });
});
