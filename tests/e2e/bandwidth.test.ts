// The upload speed limit is changed in Settings while files upload, and the rate the overview
// shows follows it, up and down, without restarting anything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadSettings } from '../../src/config/settings.ts';
import { goTo, screenshots, startWorld, type World, writeFiles } from './support.ts';

const UNITS: Record<string, number> = { bytes: 1, KB: 1e3, MB: 1e6, GB: 1e9 };

/** The rate the overview shows, in bytes per second ("312 KB/s" → 312000); null when none is shown. */
async function shownRate(page: Page): Promise<number | null> {
  const rate = page.getByTestId('upload-rate');
  if ((await rate.count()) === 0) return null;
  const m = /^([\d.]+) (bytes|KB|MB|GB)\/s$/.exec((await rate.innerText()).trim());
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? Number.NaN) : null;
}

/** Waits (bounded) until the shown rate satisfies `ok`; returns it. */
async function rateWhere(page: Page, what: string, ok: (rate: number) => boolean): Promise<number> {
  const end = Date.now() + 25_000;
  let last: number | null = null;
  while (Date.now() < end) {
    last = await shownRate(page);
    if (last !== null && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the overview last showed ${last} bytes/s`);
}

async function setLimit(page: Page, value: string, unit: 'KB/s' | 'MB/s'): Promise<void> {
  await goTo(page, 'Settings');
  await page.getByLabel('Unit').selectOption(unit);
  const field = page.getByLabel('Upload speed limit');
  await field.fill(value);
  await field.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await goTo(page, 'Overview');
}

describe('changing the upload speed limit while uploading', () => {
  let world: World;
  let page: Page;

  before(async () => {
    world = await startWorld({ settings: { bandwidthLimit: 200_000, parallelUploads: 2 } });
    const files: Record<string, Buffer> = {};
    // Incompressible bytes behind a JPEG signature: 30 MB, far more than the test lets finish.
    for (let i = 0; i < 30; i++) {
      files[`IMG_${3000 + i}.JPG`] = Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
        randomBytes(1_000_000),
      ]);
    }
    const folder = join(world.photos, 'Big');
    await writeFiles(folder, files);
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

  test('at 200 KB/s the overview shows about 200 KB/s', async () => {
    await page.getByRole('heading', { name: 'Uploading now' }).waitFor({ timeout: 20_000 });
    const rate = await rateWhere(page, 'a rate near 200 KB/s', (r) => r > 120_000 && r < 260_000);
    assert.ok(rate < 260_000);
  });

  test('raised to 1.5 MB/s in Settings, the rate climbs to it', async () => {
    await setLimit(page, '1.5', 'MB/s');
    await rateWhere(page, 'a rate above 900 KB/s', (r) => r > 900_000 && r < 1_900_000);
    await screenshots(page, 'overview-fast');
  });

  test('lowered to 100 KB/s, the rate falls to it', async () => {
    await setLimit(page, '100', 'KB/s');
    await rateWhere(page, 'a rate near 100 KB/s', (r) => r < 160_000);
    assert.equal(loadSettings(world.paths.settings).bandwidthLimit, 100_000);
    assert.ok(world.sandbox.stats().uploadsAccepted < 30, 'the limit held back the uploads');
  });

  test('Pause stops the uploads, Resume starts them again, and "Pause for 1 hour" says until when', async () => {
    await setLimit(page, '1', 'MB/s');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Paused: \d+ files not backed up yet$/ }).waitFor();
    await page
      .getByRole('heading', { name: 'Uploading now' })
      .waitFor({ state: 'detached', timeout: 20_000 });
    const held = world.sandbox.stats().uploadsAccepted;
    await page.waitForTimeout(1500);
    assert.equal(world.sandbox.stats().uploadsAccepted, held, 'nothing is uploaded while paused');
    await screenshots(page, 'overview-paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('heading', { name: 'Uploading now' }).waitFor();
    await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
    await page
      .getByRole('region', { name: /^Paused/ })
      .getByText(/^Paused until \d\d:\d\d$/)
      .waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('heading', { level: 1, name: /^Backing up / }).waitFor();
  });
});
