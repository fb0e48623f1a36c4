import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { submit } from '../helpers/browser-form.js';
import { chromiumOrSkip } from '../helpers/chromium.js';
import { startWebSite, type WebSite } from '../helpers/web-site.js';

describe('examples/web-app: your devices, in Chromium', function () {
  this.timeout(60_000);
  let site: WebSite;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  before(async function () {
    browser = await chromiumOrSkip(this);
    site = await startWebSite({ alice: 'alice-password', bob: 'bob-password' });
    base = site.base;
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });
  afterEach(async () => void (await Promise.all(contexts.splice(0).map((c) => c.close()))));

  /** A browser of its own (its own cookies), signed in. */
  async function signedIn(userAgent: string, username = 'alice'): Promise<Page> {
    const context = await browser.newContext({ userAgent });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await submit(page, { username, password: `${username}-password` }, '/profile');
    return page;
  }

  async function devices(page: Page): Promise<{ agent: string; current: boolean }[]> {
    return page.$$eval('li.device', (items) =>
      items.map((li) => ({
        agent: li.querySelector('.agent')!.textContent!,
        current: li.hasAttribute('data-current'),
      })),
    );
  }

  async function isSignedIn(page: Page): Promise<boolean> {
    await page.goto(`${base}/profile`);
    return new URL(page.url()).pathname === '/profile';
  }

  it('lists both browsers, the current one marked; ending the other logs that browser out', async () => {
    const laptop = await signedIn('Laptop Chromium');
    const phone = await signedIn('Phone Chromium');
    await Promise.all([laptop.waitForURL(`${base}/devices`), laptop.click('text=Your devices')]);
    expect(await devices(laptop)).to.deep.equal([
      { agent: 'Laptop Chromium', current: true },
      { agent: 'Phone Chromium', current: false },
    ]);

    await Promise.all([
      laptop.waitForURL(`${base}/devices?done=ended`),
      laptop.click('li.device:not([data-current]) button:has-text("End")'),
    ]);
    expect(await laptop.textContent('[role=status]')).to.equal('That session has ended.');
    expect(await devices(laptop)).to.deep.equal([{ agent: 'Laptop Chromium', current: true }]);
    expect(await isSignedIn(phone)).to.equal(false);
    expect(new URL(phone.url()).pathname).to.equal('/login');
    expect(await isSignedIn(laptop)).to.equal(true);
  });

  it('"End all other sessions" logs every other browser out and keeps this one', async () => {
    const [laptop, phone, tablet] = [
      await signedIn('Laptop Chromium', 'bob'),
      await signedIn('Phone Chromium', 'bob'),
      await signedIn('Tablet Chromium', 'bob'),
    ];
    await tablet.goto(`${base}/devices`);
    expect((await devices(tablet)).map((d) => d.current)).to.deep.equal([false, false, true]);
    await Promise.all([
      tablet.waitForURL(`${base}/devices?done=others`),
      tablet.click('button:has-text("End all other sessions")'),
    ]);
    expect(await devices(tablet)).to.deep.equal([{ agent: 'Tablet Chromium', current: true }]);
    expect(await isSignedIn(laptop)).to.equal(false);
    expect(await isSignedIn(phone)).to.equal(false);
    expect(await isSignedIn(tablet)).to.equal(true);
  });
});
