// When SmugMug fails, the window says what failed, why, and what to do; Retry and Ignore work
// from the Failures view. Failures come from the sandbox's switchable faults and its real
// refusal of a file type, not from a stub.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
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

describe('failures in the window', () => {
  let world: World;
  let page: Page;

  before(async () => {
    // Every upload's connection is reset halfway: the files fail once their retries run out.
    world = await startWorld({
      sandbox: { faults: { resetUpload: 1 } },
      settings: { fileTypes: { photos: true, videos: true, raw: true } },
    });
    const folder = join(world.photos, 'Card 12');
    await writeFiles(folder, {
      'IMG_2001.JPG': await photo('card 1'),
      'IMG_2002.JPG': await photo('card 2'),
      'IMG_2003.JPG': await photo('card 3'),
      // RAW without SmugMug's Source add-on is refused whatever the network does.
      'IMG_2004.DNG': await photo('raw'),
    });
    await world.host.handlers.addFolder({
      path: folder,
      mode: 'mirror',
      privacy: 'Private',
      target: '',
      watch: 'auto',
    });
    page = await world.open();
  });

  after(async () => {
    await world?.close();
  });

  test('the failures are counted in the sidebar and the overview says what happened', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Failures: 4 files' })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: '4 files could not be backed up' }).waitFor();
    await page.getByRole('button', { name: 'Review failures' }).waitFor();
    await screenshots(page, 'overview-failures');
  });

  test('the folder lists each failed file with its error', async () => {
    await goTo(page, 'Folders');
    await page.getByText('Some files failed').waitFor();
    await page.getByRole('button', { name: 'Open Card 12' }).click();
    await page.getByRole('button', { name: /^Failed/ }).click();
    const list = page.getByRole('list', { name: 'Files in Card 12' });
    await until(
      'four failed rows',
      async () => (await list.getByText('Failed', { exact: true }).count()) === 4,
    );
    await list.getByText(/RAW uploads require the Source add-on/).waitFor();
    await screenshots(page, 'folder-failed');
  });

  test('failures are grouped by reason, in plain words, with what to do', async () => {
    await goTo(page, 'Failures');
    const refused = page.getByRole('region', { name: 'SmugMug takes RAW files only with its Source add-on' });
    await refused.waitFor();
    await refused.getByText('What to do:').waitFor();
    await refused.getByText('IMG_2004.DNG').waitFor();
    const network = page.getByRole('region', { name: 'SmugMug could not be reached, or had a problem' });
    await network.getByText('IMG_2001.JPG').waitFor();
    assert.equal(await network.getByRole('button', { name: /^Retry IMG_/ }).count(), 3);
    await screenshots(page, 'failures');
  });

  test('Ignore takes a file off the list; Retry uploads once SmugMug works again', async () => {
    await page.getByRole('button', { name: 'Ignore IMG_2004.DNG' }).click();
    await page
      .getByRole('region', { name: 'SmugMug takes RAW files only with its Source add-on' })
      .waitFor({ state: 'detached' });
    await page.getByText('3 files could not be backed up.').waitFor();

    world.sandbox.setFaults({});
    // The folder's sync that Retry starts also retries its other files that failed for a passing reason.
    await page.getByRole('button', { name: 'Retry IMG_2001.JPG' }).click();
    await page.getByText('Nothing has failed').waitFor({ timeout: 30_000 });
    assert.equal(world.sandbox.stats().uploadsAccepted, 3);
    // The list is fetched on its own; the count beside "Failures" follows with the next snapshot.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Failures:/ })
      .waitFor({ state: 'detached', timeout: 5000 });
  });

  test('new failures appear while the view is open, and Retry all uploads them', async () => {
    world.sandbox.setFaults({ resetUpload: 1 });
    await writeFiles(join(world.photos, 'Card 12'), {
      'IMG_2005.JPG': await photo('card 5'),
      'IMG_2006.JPG': await photo('card 6'),
    });
    await page.getByText('2 files could not be backed up.').waitFor({ timeout: 60_000 });
    world.sandbox.setFaults({});
    await page.getByRole('button', { name: 'Retry all' }).click();
    await page.getByText('Nothing has failed').waitFor({ timeout: 30_000 });
    await goTo(page, 'Overview');
    await page
      .getByRole('heading', { level: 1, name: 'Everything is backed up' })
      .waitFor({ timeout: 30_000 });
    assert.equal(world.sandbox.stats().uploadsAccepted, 5);
    assert.deepEqual(await cspViolationsOf(page), []);
  });
});
