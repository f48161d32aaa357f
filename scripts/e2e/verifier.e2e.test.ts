import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Koa from 'koa';
import type { Browser, Page } from 'playwright-core';
import { LicenceKeyRing } from '../../bff/src/modules/licences/keys';
import { jwksRouter } from '../../bff/src/modules/licences/jwksRoute';
import { signPresentation, type PresentationContent } from '../../bff/src/modules/licences/tokens';
import { ARTIFACTS, browserAvailable, desktopPages, launchChromium } from './browser';

jest.setTimeout(90_000);
const runIf = browserAvailable() ? describe : describe.skip;

const CONTENT: PresentationContent = {
  sub: '1.2.156.3005.2.11100000000013338W001.11430000MB0000000X.4301042000.001.K',
  lt: 'id_card',
  pur: 'hotel_checkin',
  st: 'valid',
  fld: { name: '李晓明', gender: '男', ethnicity: '汉', idNumber: '430104200002290012', address: '湖南省长沙市岳麓区麓山南路1号' },
};

/** The front-desk verifier page in Chromium, served with the key route by a bare Koa app (no app.ts). */
runIf('licence verifier page in Chromium', () => {
  let browser: Browser;
  let server: http.Server;
  let base: string;
  /** ES256 active; the same keys with the EdDSA one active. */
  let ring: LicenceKeyRing;
  let edRing: LicenceKeyRing;
  const desktop = desktopPages(() => browser);

  beforeAll(async () => {
    const es = (await LicenceKeyRing.generate('ES256', 'front-es')).privateJwk;
    const ed = (await LicenceKeyRing.generate('EdDSA', 'front-ed')).privateJwk;
    ring = await LicenceKeyRing.fromPrivateJwks([es, ed], { activeKid: 'front-es', issuer: 'onevisit-430000' });
    edRing = await LicenceKeyRing.fromPrivateJwks([es, ed], { activeKid: 'front-ed', issuer: 'onevisit-430000' });
    const app = new Koa();
    app.use(jwksRouter(ring).routes());
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await desktop.closeAll();
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function openVerifier(): Promise<Page> {
    const page = await desktop.open();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    (page as Page & { problems?: string[] }).problems = problems;
    await page.goto(`${base}/verify`);
    await page.locator('html[data-ready="true"]').waitFor();
    return page;
  }

  const band = (page: Page) => page.locator('#status');

  async function scan(page: Page, token: string): Promise<void> {
    // A USB scanner types the text into the focused input and ends with Enter.
    await page.locator('#token-input').focus();
    await page.keyboard.insertText(token);
    await page.keyboard.press('Enter');
  }

  it('a fresh token turns the band green and shows the licence type, purpose and labelled fields, with a countdown', async () => {
    const page = await openVerifier();
    expect(await band(page).getAttribute('data-status')).toBe('idle');
    await expect(page.locator('#offline-note').innerText()).resolves.toBe('离线核验：已验证签名与有效期；一次性使用与注销状态需联网核验');
    // The keys were fetched once and cached for offline use.
    const cached = await page.evaluate(() => JSON.parse(localStorage.getItem('ov-licence-verifier:jwks') ?? 'null') as { keys: { kid: string }[] } | null);
    expect(cached?.keys.map((k) => k.kid)).toEqual(['front-es', 'front-ed']);

    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    await scan(page, token);
    await page.locator('#status[data-status="green"]').waitFor();
    expect(await page.locator('#status-title').innerText()).toBe('核验通过');
    expect(await page.locator('#licence-type').innerText()).toBe('居民身份证');
    expect(await page.locator('#purpose').innerText()).toBe('酒店入住');
    const rows = await page.locator('#fields tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]));
    expect(rows).toEqual([
      ['姓名', '李晓明'],
      ['性别', '男'],
      ['民族', '汉'],
      ['住址', '湖南省长沙市岳麓区麓山南路1号'],
      ['公民身份号码', '430104200002290012'],
    ]);
    expect(await page.locator('#countdown').innerText()).toMatch(/^二维码有效期剩余 (5\d|60|4\d) 秒$/);
    // Ready for the next scan: the input keeps focus with its text selected.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token-input');
    await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-green.png'), fullPage: true });
    expect((page as Page & { problems?: string[] }).problems).toEqual([]);
  });

  it('a tampered token is red "签名无效", and shows none of its fields', async () => {
    const page = await openVerifier();
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60 });
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { fld: Record<string, string> };
    claims.fld.name = '王五';
    await scan(page, `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    await page.locator('#status[data-status="red"]').waitFor();
    expect(await page.locator('#status-title').innerText()).toBe('签名无效');
    expect(await band(page).getAttribute('data-code')).toBe('PRESENTATION_SIGNATURE_INVALID');
    expect(await page.locator('#result').isVisible()).toBe(false);
    expect(await page.locator('body').innerText()).not.toContain('王五');
    await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-tampered.png'), fullPage: true });

    // A flipped signature byte, pasted rather than scanned.
    const sig = Buffer.from(s, 'base64url');
    sig[5] ^= 0xff;
    await page.locator('#token-input').fill(`${h}.${p}.${sig.toString('base64url')}`);
    await page.locator('#token-input').dispatchEvent('paste');
    await page.locator('#status[data-code="PRESENTATION_SIGNATURE_INVALID"]').waitFor();
    // Then the genuine one, to see the band go green again.
    await scan(page, token);
    await page.locator('#status[data-status="green"]').waitFor();
  });

  it('a genuine token of a licence abnormal when shown is red "证照状态异常", with its fields', async () => {
    const page = await openVerifier();
    const abnormal: PresentationContent = { ...CONTENT, lt: 'driving_licence', pur: 'car_rental', st: 'abnormal', fld: { name: '李晓明', drivingClass: 'C1' } };
    await scan(page, (await signPresentation(ring, abnormal, { ttlSeconds: 60 })).token);
    await page.locator('#status[data-code="LICENCE_ABNORMAL"]').waitFor();
    expect(await band(page).getAttribute('data-status')).toBe('red');
    expect(await page.locator('#status-title').innerText()).toBe('证照状态异常');
    expect(await page.locator('#licence-type').innerText()).toBe('机动车驾驶证');
    expect(await page.locator('#fields tr[data-field="drivingClass"] td').innerText()).toBe('C1');
    await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-abnormal.png'), fullPage: true });
  });

  it('an expired token is red "已过期" with when it expired', async () => {
    const page = await openVerifier();
    const { token } = await signPresentation(ring, CONTENT, { ttlSeconds: 60, now: new Date(Date.now() - 120_000) });
    await scan(page, token);
    await page.locator('#status[data-status="red"]').waitFor();
    expect(await page.locator('#status-title').innerText()).toBe('已过期');
    expect(await band(page).getAttribute('data-code')).toBe('PRESENTATION_EXPIRED');
    expect(await page.locator('#status-detail').innerText()).toMatch(/^二维码已于 \d{2}:\d{2}:\d{2} 过期/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'verifier-expired.png'), fullPage: true });
  });

  it('an unknown key is red; garbage is red "格式错误"', async () => {
    const page = await openVerifier();
    const stranger = await LicenceKeyRing.fromPrivateJwks([(await LicenceKeyRing.generate('ES256', 'stranger')).privateJwk]);
    await scan(page, (await signPresentation(stranger, CONTENT, { ttlSeconds: 60 })).token);
    await page.locator('#status[data-status="red"]').waitFor();
    expect(await page.locator('#status-title').innerText()).toBe('未知签名密钥');
    expect(await band(page).getAttribute('data-code')).toBe('PRESENTATION_KEY_UNKNOWN');

    await page.locator('#token-input').fill('https://example.com/不是证照');
    await page.locator('#verify-btn').click();
    await page.locator('#status[data-code="PRESENTATION_MALFORMED"]').waitFor();
    expect(await page.locator('#status-title').innerText()).toBe('格式错误');
    // Clearing returns to the grey waiting state.
    await page.locator('#clear-btn').click();
    expect(await band(page).getAttribute('data-status')).toBe('idle');
  });

  it('verifies EdDSA (Ed25519) tokens in the browser too', async () => {
    const page = await openVerifier();
    await scan(page, (await signPresentation(edRing, { ...CONTENT, pur: 'boarding', fld: { name: '李晓明' } }, { ttlSeconds: 30 })).token);
    await page.locator('#status:not([data-status="idle"])').waitFor();
    const ed25519 = await page.evaluate(() =>
      crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']).then(
        () => true,
        () => false,
      ),
    );
    if (ed25519) {
      expect(await band(page).getAttribute('data-status')).toBe('green');
      expect(await page.locator('#purpose').innerText()).toBe('乘机安检');
    } else {
      // An older browser without WebCrypto Ed25519 says it cannot verify (grey): never green, never red.
      expect(await band(page).getAttribute('data-code')).toBe('EDDSA_UNSUPPORTED');
    }
  });

  it('keeps verifying with the network gone, from the keys cached in localStorage', async () => {
    const page = await openVerifier();
    await page.context().setOffline(true);
    try {
      await scan(page, (await signPresentation(ring, CONTENT, { ttlSeconds: 60 })).token);
      await page.locator('#status[data-status="green"]').waitFor();
    } finally {
      await page.context().setOffline(false);
    }
  });

  it('says when the camera scan is unavailable in this browser', async () => {
    const page = await openVerifier();
    const hasDetector = await page.evaluate(() => 'BarcodeDetector' in window);
    if (hasDetector) {
      expect(await page.locator('#camera-btn').isEnabled()).toBe(true);
    } else {
      expect(await page.locator('#camera-btn').isDisabled()).toBe(true);
      expect(await page.locator('#camera-note').innerText()).toContain('此浏览器不支持摄像头扫码');
    }
  });

  it('serves the page with a strict content security policy and the keys with a 5-minute cache', async () => {
    const pageRes = await fetch(`${base}/verify`);
    expect(pageRes.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await pageRes.text()).toContain('电子证照离线核验');
    const keys = await fetch(`${base}/.well-known/jwks.json`);
    expect(keys.headers.get('cache-control')).toBe('public, max-age=300');
    const labels = (await (await fetch(`${base}/verify/labels.json`)).json()) as { fields: [string, string][] };
    expect(labels.fields).toContainEqual(['idNumber', '公民身份号码']);
  });
});
