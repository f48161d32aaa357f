import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { idNumberCheckChar } from '@onevisit/shared-types';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { storageModes } from '../../bff/src/testing/storage';
import { seedItems } from '../../bff/src/modules/catalog/seed';
import { ARTIFACTS, browserAvailable, launchChromium, settled } from './browser';

const H5_DIR = path.resolve(__dirname, '../../miniapp/dist/h5');
jest.setTimeout(120_000);

/**
 * Taro's H5 router keeps earlier pages in the DOM, one container per page whose id is its path:
 * every locator is scoped to the page it means.
 */
const onPage = (page: Page, route: string) => page.locator(`[id^="/${route}"]`);
const LOGIN = 'packages/identity/login/index';
const REAL_NAME = 'packages/identity/real-name/index';
const FACE = 'packages/identity/face/index';
const ME = 'pages/me/index';
const ITEM = 'pages/item/index';

/** A valid resident ID number of Changsha (430102) with a random birth date and sequence. */
function changshaIdNumber(): string {
  const year = 1970 + Math.floor(Math.random() * 30);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `430102${year}${month}${day}${seq}`;
  return first17 + idNumberCheckChar(first17);
}

/** Body text under `root`: every visible element with its own text whose line-height is under 1.3× its font size. */
async function tightLines(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const bad: string[] = [];
    for (const node of Array.from(el.querySelectorAll<HTMLElement>('*'))) {
      const ownText = Array.from(node.childNodes).some((c) => c.nodeType === 3 && (c.textContent ?? '').trim().length > 1);
      if (!ownText || node.offsetParent === null) continue;
      const style = getComputedStyle(node);
      const size = parseFloat(style.fontSize);
      const line = style.lineHeight === 'normal' ? NaN : parseFloat(style.lineHeight);
      if (!(line >= 1.3 * size - 0.01)) bad.push(`${node.className || node.tagName}: ${style.fontSize}/${style.lineHeight} "${(node.textContent ?? '').trim().slice(0, 12)}"`);
    }
    return bad;
  });
}

const runIf = browserAvailable() ? describe : describe.skip;

/**
 * A citizen in the browser (H5), against the real BFF with its simulators: logs in by SMS code,
 * verifies their real name and their face, and turns on elder mode.
 */
runIf('H5 identity: login, real-name, face, elder mode', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const idNumber = changshaIdNumber();
  /** An item that needs L3: the citizen climbs from its guide and comes back to it after each step. */
  const item = seedItems.find((i) => i.identityLevel === 'L3')!;
  const itemUrl = () => `${app.url}/#/${ITEM}?code=${encodeURIComponent(item.itemCode)}`;
  const apiCalls: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) throw new Error('H5 build missing: npm run build:h5');
    app = await startTestApp(storageModes()[0], { H5_DIR });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/v1/')) apiCalls.push(`${r.method()} ${u.pathname}`);
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows a guest the required level on an item guide, and leads to login', async () => {
    expect(item).toBeDefined();
    await page.goto(itemUrl());
    const guide = onPage(page, ITEM);
    await guide.locator('.ov-eligibility').waitFor();
    expect(await guide.locator('.ov-item-basics').innerText()).toContain('L3');
    await expect(guide.locator('#eligibility-action').innerText()).resolves.toContain('去登录');
  });

  it('logs in with a phone number and the SMS code, and comes back to the item', async () => {
    await onPage(page, ITEM).locator('#eligibility-action').click();
    await page.waitForURL(new RegExp(`#/${LOGIN}\\?redirect=`));
    const login = onPage(page, LOGIN);

    // the phone number is checked before anything is sent
    await login.locator('#login-phone input').fill('12345');
    await login.locator('#login-send-code').click();
    await expect(login.locator('.ov-error').first().innerText()).resolves.toContain('手机号');

    await login.locator('#login-phone input').fill(phone);
    await login.locator('#login-send-code').click();
    await login.locator('#login-sent').waitFor();
    await expect(login.locator('#login-send-code').innerText()).resolves.toMatch(/\d+ 秒后重新获取/);

    // the simulator keeps the last message per phone (dev route, never mounted in production)
    const res = await fetch(`${app.url}/sim/sms/dev/outbox?phone=${phone}`);
    expect(res.status).toBe(200);
    const sms = (await res.json()) as { params: { code: string }; text: string };
    expect(sms.params.code).toMatch(/^\d{6}$/);

    await login.locator('#login-code input').fill(sms.params.code);
    await settled(page, LOGIN);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-login-sms.png') });
    await login.locator('#login-submit').click();

    // back on the item guide: logged in at L1, real-name is next
    await page.waitForURL(/#\/pages\/item\/index\?code=/);
    const action = onPage(page, ITEM).locator('#eligibility-action');
    await expect(action.filter({ hasText: '去实名认证' })).toBeVisibleSoon();
    expect(await onPage(page, ITEM).locator('.ov-eligibility .ov-level').innerText()).toContain('L1');
  });

  it('verifies the real name: the ID number is checked on the device first, a mismatch is explained inline', async () => {
    await onPage(page, ITEM).locator('#eligibility-action').click();
    await page.waitForURL(new RegExp(`#/${REAL_NAME}\\?redirect=`));
    const form = onPage(page, REAL_NAME);
    await form.locator('#realname-name input').fill('张三');

    // wrong check digit: refused on the device, no request
    const wrong = idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1');
    const before = apiCalls.length;
    await form.locator('#realname-id input').fill(wrong);
    await form.locator('#realname-submit').click();
    await expect(form.locator('#realname-id-error').innerText()).resolves.toContain('有误');
    expect(apiCalls.slice(before).filter((c) => c.includes('/me/real-name'))).toEqual([]);

    // a registered resident's number under another name: the household registration says no
    const lisi = '43010319851212002';
    await form.locator('#realname-id input').fill(lisi + idNumberCheckChar(lisi));
    await form.locator('#realname-submit').click();
    await expect(form.locator('#realname-error').innerText()).resolves.toContain('不一致');

    await form.locator('#realname-id input').fill(idNumber);
    await form.locator('#realname-submit').click();
    const masked = form.locator('#realname-masked-id');
    await masked.waitFor();
    const shown = await masked.innerText();
    expect(shown).toBe(`${idNumber.slice(0, 3)}${'*'.repeat(11)}${idNumber.slice(-4)}`);
    expect(await form.innerText()).not.toContain(idNumber);
    await expect(form.locator('.ov-level').innerText()).resolves.toContain('L2');
    await settled(page, REAL_NAME);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-real-name-done.png') });

    await form.locator('#realname-done').click();
    await page.waitForURL(/#\/pages\/item\/index\?code=/);
    await expect(onPage(page, ITEM).locator('#eligibility-action').filter({ hasText: '去刷脸认证' })).toBeVisibleSoon();
  });

  it('verifies the face on the simulator’s page and returns to the item, now eligible', async () => {
    await onPage(page, ITEM).locator('#eligibility-action').click();
    await page.waitForURL(new RegExp(`#/${FACE}\\?redirect=`));
    const face = onPage(page, FACE);
    await face.locator('#face-start').click();

    // the browser leaves for the verification page
    await page.waitForURL(/\/sim\/face\/page\?certifyId=/);
    await page.locator('#sim-face-pass').click();

    // …and comes back to the face page with ?certifyId=…, which completes the verification
    await page.waitForURL(new RegExp(`#/${FACE}`));
    const result = onPage(page, FACE).locator('.ov-face-result');
    await result.waitFor({ timeout: 15_000 });
    await expect(result.locator('.ov-level').innerText()).resolves.toContain('L3');
    expect(await result.locator('#face-valid-until').innerText()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(page.url()).not.toContain('certifyId='); // not replayed on reload
    await settled(page, FACE);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-face-done.png') });

    await result.locator('#face-done').click();
    await page.waitForURL(/#\/pages\/item\/index\?code=/);
    const ok = onPage(page, ITEM).locator('.ov-eligibility--ok');
    await ok.waitFor();
    expect(await ok.locator('.ov-level').innerText()).toContain('L3');
  });

  it('shows level L3, masked data and linked accounts on 我的 — renewing a rejected access token with the refresh token', async () => {
    // the access token no longer works (as after the idle timeout): GET /me answers 401, the client
    // refreshes once and retries, and keeps the new session
    const stale = 'x'.repeat(43);
    await page.evaluate((token) => {
      const stored = JSON.parse(localStorage.getItem('ov.session') ?? '{}') as { data?: { token?: string } };
      if (!stored.data?.token) throw new Error('no stored session');
      stored.data.token = token;
      localStorage.setItem('ov.session', JSON.stringify(stored));
    }, stale);
    const before = apiCalls.length;
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh') && r.request().method() === 'POST');
    await page.goto(`${app.url}/#/${ME}`);
    await page.reload(); // a fresh load: the session comes from storage
    expect((await refreshed).status()).toBe(200);
    const me = onPage(page, ME);
    await me.locator('.ov-me-identity').waitFor();
    expect(apiCalls.slice(before).filter((c) => c === 'POST /api/v1/auth/refresh')).toHaveLength(1);
    const renewed = await page.evaluate(() => (JSON.parse(localStorage.getItem('ov.session') ?? '{}') as { data?: { token?: string } }).data?.token);
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(stale);

    await expect(me.locator('.ov-me-identity .ov-level').innerText()).resolves.toContain('L3');
    const text = await me.innerText();
    expect(text).toContain(`${idNumber.slice(0, 3)}${'*'.repeat(11)}${idNumber.slice(-4)}`);
    expect(text).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(text).not.toContain(idNumber);
    expect(text).not.toContain(phone);
    expect(await me.locator('#me-face-valid').innerText()).toMatch(/有效期至 \d{4}-\d{2}-\d{2}/);
    await me.locator('.ov-me-linked-row').first().waitFor();
    await settled(page, ME);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-me-L3.png'), fullPage: true });
  });

  it('turns elder mode on: it persists across a reload, applies to every page, and body text has room (line-height ≥ 1.3×)', async () => {
    const me = onPage(page, ME);
    const root = me.locator('.ov-page').first();
    expect(await root.getAttribute('class')).not.toContain('ov-elder');
    const normalSize = await me.locator('#me-id-number').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

    await me.locator('#elder-switch').click();
    await expect(me.locator('#elder-switch').innerText()).resolves.toContain('已开启');
    expect(await root.getAttribute('class')).toContain('ov-elder');

    await page.reload();
    const again = onPage(page, ME).locator('.ov-page.ov-elder');
    await again.waitFor();
    await expect(onPage(page, ME).locator('.ov-level').first().innerText()).resolves.toContain('L3');

    const elderSize = await onPage(page, ME).locator('#me-id-number').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(elderSize).toBeGreaterThan(normalSize);
    expect(elderSize).toBeGreaterThanOrEqual(19.5); // 20 px-equivalent body text on a 390 px wide phone
    await expect(tightLines(again)).resolves.toEqual([]);
    await onPage(page, ME).locator('.ov-me-linked-row').first().waitFor();
    await settled(page, ME);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-me-elder.png') });

    // no pop-ups in elder mode: a message appears in place instead of a toast
    await onPage(page, ME).locator('.ov-me-entry:not(.ov-me-entry--open)').first().click();
    await expect(onPage(page, ME).locator('#me-notice').innerText()).resolves.toContain('后续版本开放');
    expect(await page.locator('.taro__toast, .taro-toast').count()).toBe(0);

    // every page follows the switch (each opened fresh, so the screenshot shows it alone)
    for (const [route, url, ready, shot] of [
      [ITEM, itemUrl(), '.ov-item-materials', 'h5-item-elder.png'],
      ['pages/index/index', `${app.url}/#/pages/index/index`, '.ov-item-card', 'h5-home-elder.png'],
      ['pages/search/index', `${app.url}/#/pages/search/index?q=${encodeURIComponent('身份证')}`, '.ov-item-card', 'h5-search-elder.png'],
      [FACE, `${app.url}/#/${FACE}`, '#face-start', 'h5-face-elder.png'],
    ] as const) {
      await page.goto(url);
      await page.reload();
      const root = onPage(page, route).locator('.ov-page.ov-elder');
      await root.locator(ready).first().waitFor();
      await expect(tightLines(root)).resolves.toEqual([]);
      await settled(page, route);
      await page.screenshot({ path: path.join(ARTIFACTS, shot) });
    }
  });

  it('logs out: the session ends at the BFF and here', async () => {
    await page.goto(`${app.url}/#/${ME}`);
    const me = onPage(page, ME);
    await me.locator('#logout').click();
    await me.locator('#logout-confirm').click();
    await me.locator('#me-login').waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('ov.session')))).toEqual([]);
    expect(apiCalls).toContain('POST /api/v1/auth/logout');

    // the login page, in elder mode still: large fields, the error inline
    await me.locator('#me-login').click();
    const login = onPage(page, LOGIN).locator('.ov-page.ov-elder');
    await login.locator('#login-submit').click();
    await expect(login.locator('.ov-error').first().innerText()).resolves.toContain('请输入手机号');
    await expect(tightLines(login)).resolves.toEqual([]);
    await settled(page, LOGIN);
    await page.waitForTimeout(400); // the page below finishes sliding out
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-login-elder.png') });
  });
});

// A small matcher: Playwright-core has no expect(); wait (bounded) for a locator to become visible.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeVisibleSoon(): Promise<R>;
    }
  }
}
expect.extend({
  async toBeVisibleSoon(locator: Locator) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: 10_000 });
      return { pass: true, message: () => 'expected the locator not to become visible' };
    } catch (err) {
      return { pass: false, message: () => `expected the locator to become visible: ${(err as Error).message.split('\n')[0]}` };
    }
  },
});
