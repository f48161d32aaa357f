import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
