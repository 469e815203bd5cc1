// A person connects an iPhone import folder through the window: it is recognised as a camera
// import and sorted by date taken (mirroring one click away), the gallery names follow the format
// typed with a live example, the preview shows one gallery per month of capture, and once backed
// up the folder shows its month galleries and a Live Photo as one item — against the real daemon,
// engine and sandbox, with dates read from the photos' own EXIF.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { unnamedControls } from './in-page.ts';
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

const MEDIA = join(import.meta.dirname, '../fixtures/media');

/** A photo as a phone writes it: EXIF DateTimeOriginal ('2024-05-02 09:00:00') with its zone. */
async function taken(at: string, label: string): Promise<Buffer> {
  return sharp(await photo(label))
    .jpeg({ quality: 85 })
    .withExif({ IFD2: { DateTimeOriginal: at.replaceAll('-', ':'), OffsetTimeOriginal: '+02:00' } })
    .toBuffer();
}

describe('an iPhone import sorted by date taken', () => {
  let world: World;
  let page: Page;
  let folder: string;

  before(async () => {
    world = await startWorld();
    folder = join(world.photos, 'iPhone');
    await writeFiles(folder, {
      'DCIM/100APPLE/IMG_0101.JPG': await taken('2024-05-02 09:00:00', 'May 1'),
      'DCIM/100APPLE/IMG_0102.JPG': await taken('2024-05-19 17:45:00', 'May 2'),
      'DCIM/100APPLE/IMG_0103.JPG': await taken('2024-06-10 12:30:00', 'June 1'),
      'DCIM/101APPLE/IMG_0104.JPG': await taken('2024-06-30 23:59:59', 'June 2'),
      'DCIM/101APPLE/IMG_0105.JPG': await taken('2024-07-01 00:00:01', 'July 1'),
      // A Live Photo as the iPhone writes it: a HEIC and a MOV sharing a content identifier.
      'DCIM/101APPLE/IMG_0001.HEIC': await readFile(join(MEDIA, 'IMG_0001.HEIC')),
      'DCIM/101APPLE/IMG_0001.MOV': await readFile(join(MEDIA, 'IMG_0001.MOV')),
    });
    page = await world.open();
  });

  after(async () => {
    await world?.close();
  });

  test('a camera import is sorted by date taken, with a month gallery per month in the preview', async () => {
    await goTo(page, 'Add folder');
    await page.getByLabel('Folder on this computer').fill(folder);
    await page.getByText('7 photos and videos found').waitFor();
    await page.getByText(/^Sorted by date taken, as this looks like a phone or camera import/).waitFor();
    assert.equal(await page.getByRole('radio', { name: /Sort by date taken/ }).isChecked(), true);
    assert.equal(await page.getByRole('radio', { name: /Private/ }).isChecked(), true, 'private by default');

    const tree = page.getByRole('list', { name: 'Galleries and folders that will be created' });
    for (const name of ['Safelight Uploads', '2024', '2024-05 May', '2024-06 June', '2024-07 July']) {
      await tree.getByText(name, { exact: true }).waitFor();
    }
    await tree.getByText('Gallery · 3 files · Private').waitFor();
    assert.deepEqual(
      await tree.locator('.tree-name').allTextContents(),
      ['Your SmugMug account', 'Safelight Uploads', '2024', '2024-05 May', '2024-06 June', '2024-07 July'],
      'calendar order, inside the uploads folder and the year',
    );
    await page.getByText('July 2024 is called 2024-07 July').waitFor();
    await screenshots(page, 'add-folder-by-date');
  });

  test('mirroring is one click away, and sorting by date one click back', async () => {
    await page.getByRole('button', { name: 'Mirror its subfolders instead' }).click();
    assert.equal(await page.getByRole('radio', { name: /Mirror my subfolders/ }).isChecked(), true);
    const tree = page.getByRole('list', { name: 'Galleries and folders that will be created' });
    await tree.getByText('100APPLE', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Gallery name').count(), 0, 'no date choices in mirror mode');
    await page.getByRole('button', { name: 'Sort by date', exact: true }).click();
    assert.equal(await page.getByRole('radio', { name: /Sort by date taken/ }).isChecked(), true);
    await tree.getByText('2024-07 July', { exact: true }).waitFor();
  });

  test('the gallery names follow the format typed, and a format without a month is refused', async () => {
    const format = page.getByLabel('Gallery name');
    const tree = page.getByRole('list', { name: 'Galleries and folders that will be created' });
    await format.fill('{MMMM} {YYYY}');
    await page.getByText('July 2024 is called July 2024').waitFor();
    await tree.getByText('June 2024', { exact: true }).waitFor();

    await format.fill('{YYYY}');
    await page.getByText(/the gallery name format "\{YYYY\}" has no month/).waitFor();
    assert.equal(await format.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Back up this folder' }).isDisabled(), true);
    await screenshots(page, 'add-folder-by-date-invalid');

    await page.getByLabel('SmugMug folder for the years').fill('');
    await format.fill('{YYYY}-{MM} {MMMM}');
    await page.getByText('A photo taken in July 2024 goes to 2024 › 2024-07 July.').waitFor();
    await until(
      'the years straight in the account',
      async () => (await tree.getByText('Safelight Uploads').count()) === 0,
    );
    await page.getByLabel('SmugMug folder for the years').fill('Safelight Uploads');
    await tree.getByText('Safelight Uploads', { exact: true }).waitFor();
    assert.deepEqual(await page.evaluate(unnamedControls), []);
  });

  test('connecting it backs it up into three month galleries', async () => {
    await page.getByRole('button', { name: 'Back up this folder' }).click();
    await page.getByRole('heading', { level: 1, name: 'iPhone' }).waitFor();
    await page.getByText('By month of capture (year / month)').waitFor();
    await goTo(page, 'Overview');
    await page
      .getByRole('heading', { level: 1, name: 'Everything is backed up' })
      .waitFor({ timeout: 60_000 });

    await goTo(page, 'Folders');
    await page.getByText('Up to date, by month of capture').waitFor();
    await page.getByRole('button', { name: 'Open iPhone' }).click();
    await page.getByRole('tab', { name: 'Galleries on SmugMug' }).click();
    const table = page.getByRole('table');
    for (const path of [
      'Safelight Uploads/2024/2024-05 May',
      'Safelight Uploads/2024/2024-06 June',
      'Safelight Uploads/2024/2024-07 July',
    ]) {
      await table.getByText(path, { exact: true }).waitFor();
    }
    await table.getByText('Taken in July 2024').waitFor();
    await until(
      'every gallery created',
      async () => (await table.getByText('Not yet created').count()) === 0,
    );
    assert.equal(await table.getByRole('row').count(), 1 + 5, 'the uploads folder, the year, three months');
    await screenshots(page, 'folder-mapping-by-date');
  });

  test('the files show when each was taken, and the Live Photo is one item', async () => {
    await page.getByRole('tab', { name: 'Files' }).click();
    const list = page.getByRole('list', { name: 'Files in iPhone' });
    await until(
      'six items, backed up',
      async () => (await list.locator('.badge').filter({ hasText: 'Backed up' }).count()) === 6,
    );
    await list.getByText('IMG_0001.HEIC').waitFor();
    assert.equal(
      await list.getByText('IMG_0001.MOV', { exact: true }).count(),
      0,
      'the video is not listed apart',
    );
    const live = list.getByRole('listitem').filter({ hasText: 'IMG_0001.HEIC' });
    await live.locator('.live-badge').waitFor();
    assert.match(
      (await live.locator('.live-badge').getAttribute('title')) ?? '',
      /^Live Photo: photo Backed up, video IMG_0001\.MOV Backed up$/,
    );
    assert.equal(await list.getByText('from EXIF').count(), 6);
    await page.getByText('1 Live Photo, each listed once for its photo and its video.').waitFor();
    await live.hover();
    await screenshots(page, 'folder-files-live-photo');
  });

  test('the page ran under its strict CSP without a single violation, and the engine hit no error', async () => {
    assert.deepEqual(await cspViolationsOf(page), []);
    assert.deepEqual(world.log, []);
  });
});
