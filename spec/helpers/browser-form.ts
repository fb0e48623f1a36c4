import { expect } from 'chai';
import type { Page } from 'playwright-core';

/** Fills the form's fields, clicks its button and waits for `path`; resolves to the final status. */
export async function submit(
  page: Page,
  fields: Record<string, string>,
  path: string,
  button?: string,
): Promise<number> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`input[name=${name}]`, value);
  const selector = button ? `button:has-text("${button}")` : 'form button[type=submit]';
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  expect(new URL(page.url()).pathname + new URL(page.url()).search).to.equal(path);
  return response!.status();
}
