import { expect } from 'chai';
import { generateSync } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { submit } from '../helpers/browser-form.js';
import { chromiumOrSkip } from '../helpers/chromium.js';
import { startWebSite, type WebSite } from '../helpers/web-site.js';

const CODE_SHAPE = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/;

describe('examples/web-app: recovery codes, in Chromium', function () {
  this.timeout(60_000);
  let site: WebSite;
  let browser: Browser;
  let base: string;

  before(async function () {
    browser = await chromiumOrSkip(this);
    site = await startWebSite({ carol: 'carol-password' });
    base = site.base;
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  /** Password, then the code page's "Use a recovery code" link. */
  async function upToRecoveryCode(page: Page): Promise<void> {
    await page.goto(`${base}/login`);
    await submit(page, { username: 'carol', password: 'carol-password' }, '/login/code');
    await Promise.all([page.waitForURL(`${base}/login/recovery`), page.click('text=Use a recovery code')]);
  }

  it('shows codes once at 2FA enrolment; one logs in instead of the OTP code, and is refused the second time', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/login`);
    await submit(page, { username: 'carol', password: 'carol-password' }, '/profile');
    await Promise.all([page.waitForURL(`${base}/2fa`), page.click('text=Turn on two-factor authentication')]);
    const secret = (await page.textContent('#otp-secret'))!.replace(/\s/g, '');
    await submit(page, { code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }) }, '/2fa');
    expect(await page.textContent('[role=status]')).to.equal('Two-factor authentication is now on.');

    // The user saves the codes shown; the site keeps only their hashes and never shows them again.
    const codes = await page.$$eval('#recovery-codes code', (items) => items.map((c) => c.textContent!));
    expect(codes).to.have.length(10);
    for (const code of codes) expect(code).to.match(CODE_SHAPE);
    expect(site.users.get('carol')!.recoveryHashes).to.have.length(10);
    await Promise.all([page.waitForURL(`${base}/profile`), page.click('text=I have saved them')]);
    expect(await page.content()).not.to.contain(codes[0]);
    await submit(page, {}, '/login', 'Log out');

    // Typed as people do: upper case, spaces instead of hyphens.
    await upToRecoveryCode(page);
    await submit(page, { code: codes[0].toUpperCase().replace(/-/g, ' ') }, '/profile');
    expect(await page.textContent('h1')).to.equal('Hello, carol');
    expect(site.users.get('carol')!.recoveryHashes).to.have.length(9);
    await submit(page, {}, '/login', 'Log out');

    await upToRecoveryCode(page);
    expect(await submit(page, { code: codes[0] }, '/login/recovery')).to.equal(401);
    expect(await page.textContent('[role=alert]')).to.equal(
      'That recovery code is not right, or was already used.',
    );
    await page.goto(`${base}/profile`);
    expect(page.url()).to.equal(`${base}/login/code`); // the password alone does not log in

    await page.goto(`${base}/login/recovery`);
    await submit(page, { code: codes[1] }, '/profile');
    await page.close();
  });
});
