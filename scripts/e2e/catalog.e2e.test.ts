import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../bff/src/testing/app';
import { storageModes } from '../../bff/src/testing/storage';
import { seedItems } from '../../bff/src/modules/catalog/seed';
import { ARTIFACTS, browserAvailable, launchChromium } from './browser';

const H5_DIR = path.resolve(__dirname, '../../miniapp/dist/h5');
jest.setTimeout(90_000);
const onPage = (page: Page, name: string) => page.locator(`[id^="/pages/${name}/index"]`);
/** Waits (bounded) until a page has slid fully into view, so screenshots show it, not the transition. */
async function settled(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const box = await onPage(page, name).boundingBox();
    if (box && Math.abs(box.x) < 1) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`page ${name} did not settle`);
}
const runIf = browserAvailable() ? describe : describe.skip;

/** A citizen on a phone-sized browser, against the real BFF serving the real H5 build. */
runIf('H5 mini-program in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) throw new Error('H5 build missing: npm run build:h5');
    app = await startTestApp(storageModes()[0], { H5_DIR });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds 居民身份证补领 by searching 身份证 and shows its materials and fee', async () => {
    await page.goto(`${app.url}/`);
    await page.locator('.ov-domain-grid').waitFor();
    await page.getByText('户政').first().waitFor();

    await page.locator('.ov-search-input').first().click();
    const input = page.locator('.ov-search-input input').first();
    await input.waitFor();
    await input.fill('身份证');
    await input.press('Enter');

    // Taro's H5 router keeps earlier pages in the DOM (one container per page, id = its path):
    // look inside the search page, not at the home page's frequently-used cards.
    await page.waitForURL(/#\/pages\/search\/index\?q=/);
    const card = onPage(page, 'search').locator('.ov-item-card', { hasText: '居民身份证补领' }).first();
    await card.waitFor();
    await settled(page, 'search');
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-search-身份证.png') });
    await card.click();

    const seed = seedItems.find((i) => i.name === '居民身份证补领')!;
    await page.waitForURL(/#\/pages\/item\/index/);
    const item = onPage(page, 'item');
    const materials = item.locator('.ov-item-materials');
    await materials.waitFor();
    await settled(page, 'item');
    const materialsText = await materials.innerText();
    for (const m of seed.materials) expect(materialsText).toContain(m.name);
    const feeText = await item.locator('.ov-item-fee').innerText();
    expect(feeText).toContain(`¥${(seed.fee.amountFen / 100).toFixed(2)}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'h5-item-居民身份证补领.png'), fullPage: true });
  });
});
