import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../artifacts');

/** Whether browser tests can run here; CI sets CI_REQUIRE_BROWSER so a missing browser fails instead of skipping. */
export function browserAvailable(): boolean {
  const found = fs.existsSync(CHROMIUM);
  if (!found && process.env.CI_REQUIRE_BROWSER) throw new Error(`CI_REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);
  if (!found) console.warn(`[browser tests] skipped: ${CHROMIUM} not found (apt-get install -y chromium fonts-noto-cjk)`);
  return found;
}

/** Debian's Chromium, headless, with the flags this closed network needs (see STACK.md); Playwright gives it a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Desktop-sized pages (the console), each in a fresh context, closed together after the suite. */
export function desktopPages(browser: () => Browser) {
  const pages: Page[] = [];
  return {
    async open(): Promise<Page> {
      const context = await browser().newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
    async closeAll(): Promise<void> {
      for (const page of pages) await page.context().close();
    },
  };
}

/** Logs into the console through its login page; resolves once the shell (nav) shows. */
export async function consoleLogin(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('#nav-citizens').waitFor();
}

/** Decides an action in the console's case view: opens its form, writes the note, submits, confirms if asked. */
export async function decide(page: Page, action: string, note?: string): Promise<void> {
  await page.getByTestId(`case-action-${action}`).click();
  await page.getByTestId('case-action-form').waitFor();
  if (note) await page.getByTestId('case-note').fill(note);
  await page.getByTestId('case-action-submit').click();
  const dialog = page.getByTestId('case-confirm-dialog');
  if (await dialog.isVisible().catch(() => false)) await page.getByTestId('case-confirm-ok').click();
}

/** Waits (bounded) until a Taro H5 page has slid fully into view, so screenshots show it, not the transition. */
export async function settled(page: Page, route: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const box = await page.locator(`[id^="/${route}"]`).last().boundingBox();
    if (box && Math.abs(box.x) < 1) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`page ${route} did not settle`);
}

/**
 * Taps `button` until `arrived` is visible — at most 3 taps, 10 s apart. Under CI load a tap on a
 * Taro H5 button can land while the page re-renders and be lost (seen once in ~10 CI runs: the
 * review page never came). A visible `refusal` (an inline error) fails at once with its text:
 * a refused form is never tapped again.
 */
export async function tapUntil(button: Locator, arrived: Locator, refusal: Locator, what: string): Promise<void> {
  for (let tap = 1; tap <= 3; tap++) {
    await button.click();
    try {
      await arrived.waitFor({ timeout: 10_000 });
      return;
    } catch {
      if (await refusal.isVisible().catch(() => false)) throw new Error(`${what}: refused with "${await refusal.innerText()}"`);
    }
  }
  throw new Error(`${what}: did not arrive after 3 taps`);
}
