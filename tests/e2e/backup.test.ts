// A person connects a folder through the window and watches it back up: the preview before
// anything is created, uploads with progress, "Up to date", the files, galleries and recent
// activity with thumbnails — against the real daemon, engine and sandbox.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { focused, unnamedControls } from './in-page.ts';
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

describe('backing up a folder from the window', () => {
  let world: World;
  let page: Page;
  let folder: string;

  before(async () => {
    // Slow enough to watch: about 1.5 MB at 300 KB/s.
    world = await startWorld({ settings: { bandwidthLimit: 300_000, parallelUploads: 2 } });
    folder = join(world.photos, 'Holidays');
    const files: Record<string, Buffer> = {};
    for (const [dir, count] of [
      ['Lisbon 2023', 4],
      ['Porto 2024', 4],
      ['Family/Birthday', 3],
    ] as const) {
      for (let i = 1; i <= count; i++)
        files[`${dir}/IMG_${1000 + i}.JPG`] = await photo(`${dir} ${i}`, 900, 600);
    }
    await writeFiles(folder, files);
    page = await world.open();
  });

  after(async () => {
    await world?.close();
  });

  test('with nothing connected the overview says so and offers to add a folder', async () => {
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    await page.getByRole('button', { name: 'Add folder' }).last().waitFor();
    await screenshots(page, 'overview-empty');
  });

  test('the path is checked as it is typed and the galleries are previewed before anything is sent', async () => {
    await goTo(page, 'Add folder');
    const path = page.getByLabel('Folder on this computer');
    await path.fill(join(world.photos, 'does-not-exist'));
    await page.locator('.field-error').waitFor();
    assert.equal(await path.getAttribute('aria-invalid'), 'true');

    await path.fill(folder);
    await page.getByText('11 photos and videos found').waitFor();
    const tree = page.getByRole('list', { name: 'Galleries and folders that will be created' });
    for (const name of ['Holidays', 'Lisbon 2023', 'Porto 2024', 'Family', 'Birthday']) {
      await tree.getByText(name, { exact: true }).waitFor();
    }
    await page.getByLabel('SmugMug folder to put it in').fill('Backups');
    await tree.getByText('Backups', { exact: true }).waitFor();
    assert.equal(await page.getByRole('radio', { name: /Private/ }).isChecked(), true, 'private by default');
    assert.equal(world.sandbox.stats().uploadsAccepted, 0, 'a preview uploads nothing');
    await screenshots(page, 'add-folder');
  });

  test('connecting it uploads every file, with progress, until the folder is up to date', async () => {
    await page.getByRole('button', { name: 'Back up this folder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Holidays' }).waitFor();
    await page
      .getByRole('progressbar', { name: /^Uploading IMG_/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await screenshots(page, 'folder-uploading');

    await goTo(page, 'Overview');
    await page.getByRole('heading', { name: 'Uploading now' }).waitFor({ timeout: 10_000 });
    await page.getByRole('progressbar', { name: 'Overall upload progress' }).waitFor();
    await screenshots(page, 'overview-uploading');

    await page
      .getByRole('heading', { level: 1, name: 'Everything is backed up' })
      .waitFor({ timeout: 60_000 });
    assert.equal(world.sandbox.stats().uploadsAccepted, 11);
    await screenshots(page, 'overview');
  });

  test('the folder shows each file backed up and where its galleries are on SmugMug', async () => {
    await goTo(page, 'Folders');
    await page.getByText('Up to date', { exact: true }).first().waitFor();
    await screenshots(page, 'folders');

    await page.getByRole('button', { name: 'Open Holidays' }).click();
    const list = page.getByRole('list', { name: 'Files in Holidays' });
    await until('11 rows backed up', async () => (await list.getByText('Backed up').count()) === 11);
    await screenshots(page, 'folder-files');

    await page.getByRole('tab', { name: 'Galleries on SmugMug' }).click();
    const table = page.getByRole('table');
    await table.getByText('Backups/Holidays/Lisbon 2023').waitFor();
    await until(
      'every gallery created',
      async () => (await table.getByText('Not yet created').count()) === 0,
    );
    assert.ok((await table.getByText('Created').count()) >= 4);
    await screenshots(page, 'folder-mapping');
  });

  test('recent activity shows thumbnails of the visible rows and links to the photos', async () => {
    await goTo(page, 'Activity');
    await page.getByText('IMG_1001.JPG').first().waitFor();
    await until(
      'thumbnails',
      async () => (await page.locator('.thumb img[src^="data:image/"]').count()) >= 5,
    );
    const link = page.getByRole('link', { name: /View IMG_\d+\.JPG on SmugMug/ }).first();
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.match((await link.getAttribute('href')) ?? '', /^http:\/\/127\.0\.0\.1:\d+\//);
    await screenshots(page, 'activity');
  });

  test('settings and the empty failures list, and every control has a name', async () => {
    await goTo(page, 'Failures');
    await page.getByText('Nothing has failed').waitFor();
    await screenshots(page, 'failures-empty');
    assert.deepEqual(await page.evaluate(unnamedControls), []);

    await goTo(page, 'Settings');
    await page.getByText(/Signed in as/).waitFor();
    await page.getByText('These settings only apply in the desktop app.').waitFor();
    assert.equal(await page.getByLabel('Start Safelight when I log in').isDisabled(), true);
    await screenshots(page, 'settings');
    assert.deepEqual(await page.evaluate(unnamedControls), []);
  });

  test('works from the keyboard: Tab reaches the sections, Enter opens one, focus is visible', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Overview' })
      .focus();
    await page.keyboard.press('Tab');
    const onFolders = await page.evaluate(focused);
    assert.equal(onFolders.text, 'Folders');
    assert.notEqual(onFolders.outline, 'none', 'the focused control shows a focus ring');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Folders' }).waitFor();
    assert.equal((await page.evaluate(focused)).tag, 'H1', 'focus moves to the view it opened');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    assert.match((await page.evaluate(focused)).label, /^Open /);
    await page.keyboard.press(' ');
    await page.getByRole('tab', { name: 'Files' }).waitFor();
  });

  test('the page ran under its strict CSP without a single violation, and the engine hit no error', async () => {
    assert.deepEqual(await cspViolationsOf(page), []);
    assert.deepEqual(world.log, []);
  });
});
