import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless (never a downloaded browser), or a skip of the calling suite with a printed
 * reason when it is missing. Under CI=true a missing Chromium fails instead.
 */
export async function chromiumOrSkip(suite: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} is not installed (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
    console.log(`      (skipped: ${reason})`);
    suite.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
