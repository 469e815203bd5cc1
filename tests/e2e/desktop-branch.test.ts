// The window as the desktop app shows it: the page finds window.safelight (the preload's bridge,
// here a fake installed in Chromium that relays its engine port to the real engine) and takes its
// connection, folder picker, keyring check and notification clicks from it. Served and answered
// as the other end-to-end tests are: the built UI, the real engine (reporting itself as the
// desktop app's, as engine-process runs it) and the sandbox SmugMug.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { describeSecretStorage } from '../../main/secrets.ts';
import { type NavigableView, PAGE_MESSAGES, type SecretStorageInfo } from '../../preload/channels.ts';
import { bridgeRecord, installFakeBridge, navigateTo } from './desktop-bridge.ts';
import { nextPaint } from './in-page.ts';
import {
  cspViolationsOf,
  goTo,
  photo,
  screenshots,
  startWorld,
  until,
  type World,
  writeFiles,
} from './support.ts';

/** What main's keyring check says on Linux with GNOME Keyring, and with no keyring at all. */
const storage = (backend: string) => ({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => backend,
});
const WITH_KEYRING = describeSecretStorage('linux', storage('gnome_libsecret'));
const WITHOUT_KEYRING = describeSecretStorage('linux', storage('basic_text'));
const NO_KEYRING_WARNING = WITHOUT_KEYRING.warning as string;

describe('the window in the desktop app', () => {
  let world: World;
  let folder: string;
  let page: Page;
  const pages: Page[] = [];

  /** The page as the desktop app loads it: no token in its address, the bridge in place. */
  async function openDesktop(secretStorage: SecretStorageInfo): Promise<Page> {
    const address = new URL(world.url);
    const token = new URLSearchParams(address.hash.slice(1)).get('token');
    assert.ok(token);
    const opened = await world.open({
      url: `${address.origin}/`,
      beforeLoad: (context) =>
        context.addInitScript(installFakeBridge, {
          socketUrl: `ws://${address.host}/ws`,
          token,
          portMessage: PAGE_MESSAGES.port,
          picked: folder,
          secretStorage,
        }),
    });
    pages.push(opened);
    return opened;
  }

  before(async () => {
    world = await startWorld({ desktop: true });
    folder = join(world.photos, 'Camera Roll');
    await writeFiles(folder, {
      'IMG_3001.JPG': await photo('desktop 1'),
      'IMG_3002.JPG': await photo('desktop 2'),
    });
    page = await openDesktop(WITH_KEYRING);
  });

  after(async () => {
    await world?.close();
  });

  test('the page reaches the engine through the port the bridge hands over', async () => {
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    assert.equal((await page.evaluate(bridgeRecord)).connects, 1);
    assert.doesNotMatch(page.url(), /token/, 'the desktop page has no token to connect with');
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
  });

  test('the desktop-only settings are enabled, and reach the engine', async () => {
    await goTo(page, 'Settings');
    await page.getByText(/Signed in as/).waitFor();
    assert.equal(await page.getByText('These settings only apply in the desktop app.').count(), 0);
    const atLogin = page.getByLabel('Start Safelight when I log in');
    const onBattery = page.getByLabel('Pause uploads while on battery');
    assert.equal(await atLogin.isEnabled(), true);
    assert.equal(await onBattery.isEnabled(), true);
    assert.equal(await onBattery.isChecked(), false);
    // The box shows the engine's setting, so it turns checked once the engine has taken the change.
    await onBattery.click();
    await until('the box to show the new setting', () => onBattery.isChecked());
    await until('the engine to keep the setting', async () => {
      const saved = JSON.parse(await readFile(world.paths.settings, 'utf8'));
      return saved.pauseOnBattery === true;
    });

    await until(
      'the keyring asked about',
      async () => (await page.evaluate(bridgeRecord)).secretStorageAsked > 0,
    );
    await page.evaluate(nextPaint);
    assert.equal(await page.getByText(NO_KEYRING_WARNING).count(), 0, 'no warning where there is a keyring');
  });

  test('Choose folder… asks the OS picker; the folder is previewed, added and backed up', async () => {
    await goTo(page, 'Add folder');
    const path = page.getByLabel('Folder on this computer');
    assert.equal(await path.inputValue(), '');
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByText('2 photos and videos found').waitFor();
    assert.equal((await page.evaluate(bridgeRecord)).picks, 1);
    assert.equal(await path.inputValue(), folder);
    await page
      .getByRole('list', { name: 'Galleries and folders that will be created' })
      .getByText('Camera Roll', { exact: true })
      .waitFor();
    assert.equal(world.sandbox.stats().uploadsAccepted, 0, 'a preview uploads nothing');
    await screenshots(page, 'desktop-add-folder');

    await page.getByRole('button', { name: 'Back up this folder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Camera Roll' }).waitFor();
    await goTo(page, 'Overview');
    await page
      .getByRole('heading', { level: 1, name: 'Everything is backed up' })
      .waitFor({ timeout: 60_000 });
    assert.equal(world.sandbox.stats().uploadsAccepted, 2);
  });

  test('a notification’s navigate message opens the view it is about', async () => {
    const sections = page.getByRole('navigation', { name: 'Sections' });
    await page.evaluate<void, NavigableView>(navigateTo, 'failures');
    await page.getByRole('heading', { level: 1, name: 'Failures' }).waitFor();
    await page.getByText('Nothing has failed').waitFor();
    assert.equal(
      await sections.getByRole('button', { name: /^Failures/ }).getAttribute('aria-current'),
      'page',
    );
    await page.evaluate<void, NavigableView>(navigateTo, 'settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  });

  test('Settings warns only when the bridge says the OS has no keyring', async () => {
    const noKeyring = await openDesktop(WITHOUT_KEYRING);
    await goTo(noKeyring, 'Settings');
    await noKeyring.getByRole('status').getByText(NO_KEYRING_WARNING).waitFor();
    assert.match(NO_KEYRING_WARNING, /no keyring/);
    assert.equal(await page.getByText(NO_KEYRING_WARNING).count(), 0, 'the window with a keyring has none');

    // The browser branch: the daemon's link and no bridge, so no warning and no picker. (Whether
    // the desktop-only settings apply is the engine's to say; backup.test.ts shows the daemon's
    // engine leaving them disabled.)
    const browser = await world.open();
    pages.push(browser);
    await goTo(browser, 'Settings');
    await browser.getByText(/Signed in as/).waitFor();
    assert.equal(await browser.getByText(NO_KEYRING_WARNING).count(), 0);
    await goTo(browser, 'Add folder');
    await browser.getByLabel('Folder on this computer').waitFor();
    assert.equal(await browser.getByRole('button', { name: 'Choose folder…' }).count(), 0);

    // Without the bridge, the address without its token opens nothing.
    const bare = await world.open({ url: `${new URL(world.url).origin}/` });
    pages.push(bare);
    await bare.getByRole('heading', { level: 1, name: 'This page is not authorized' }).waitFor();
  });

  test('every page ran under its strict CSP without a violation, and the engine hit no error', async () => {
    assert.equal(pages.length, 4);
    for (const p of pages) assert.deepEqual(await cspViolationsOf(p), []);
    assert.deepEqual(world.log, []);
  });
});
