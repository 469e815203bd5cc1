// Connecting a SmugMug account from the window with the PIN flow, as a person does it: open the
// authorize page SmugMug (here the sandbox) gives, allow Safelight, type the six-digit code back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { cspViolationsOf, goTo, screenshots, startWorld, type World } from './support.ts';

describe('the SmugMug account in the window', () => {
  let world: World;
  let page: Page;

  before(async () => {
    world = await startWorld({ signedIn: false });
    page = await world.open();
  });

  after(async () => {
    await world?.close();
  });

  test('signed out, the overview says so and points to connecting an account', async () => {
    await page.getByRole('heading', { level: 1, name: 'Not signed in to SmugMug' }).waitFor();
    await page.getByRole('button', { name: 'Connect your SmugMug account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByText('Not connected', { exact: true }).waitFor();
  });

  test('the PIN flow: open SmugMug, allow, type the code; a wrong code is explained', async () => {
    await page.getByRole('button', { name: 'Connect SmugMug account' }).click();
    const link = page.getByRole('link', { name: 'Open SmugMug' });
    await link.waitFor();
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.ok((await link.getAttribute('href'))?.startsWith(`${world.sandbox.oauthBaseUrl}/authorize?`));
    await screenshots(page, 'settings-sign-in');

    const [authorize] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await authorize.getByRole('button', { name: 'Authorize' }).click();
    const code = (await authorize.locator('#verifier').innerText()).trim();
    assert.match(code, /^\d{6}$/);
    await authorize.close();

    const field = page.getByLabel('Type the six-digit code SmugMug shows:');
    await field.fill('12345');
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('The code is the six digits SmugMug shows after you allow Safelight.').waitFor();

    const wrong = code === '000000' ? '111111' : '000000';
    await field.fill(wrong);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /code was wrong or has expired/ })
      .waitFor();

    await field.fill(code);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText(`Signed in as ${world.sandbox.nickname}`).waitFor({ timeout: 20_000 });
    assert.ok(existsSync(world.paths.account), 'the account is saved');
    await screenshots(page, 'settings-signed-in');

    await goTo(page, 'Overview');
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
  });

  test('disconnecting asks first, then forgets the account on this computer only', async () => {
    await goTo(page, 'Settings');
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    await page
      .getByRole('alertdialog')
      .getByText(/Nothing on SmugMug is deleted/)
      .waitFor();
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('button', { name: 'Connect SmugMug account' }).waitFor();
    assert.equal(existsSync(world.paths.account), false);
    assert.deepEqual(await cspViolationsOf(page), []);
  });
});
