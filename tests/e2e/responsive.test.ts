// The window stays responsive with a 100k-file folder: while the engine walks it and starts
// uploading (a snapshot and change events several times a second), the virtual file list is
// scrolled from top to bottom and filtered, and the page never runs a task of 100 ms or more
// (a long task over 100 ms only passes when the trace shows its thread was waiting for a CPU,
// not working: see main-thread.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { longTasks } from './in-page.ts';
import { startTrace, stopTrace } from './main-thread.ts';
import { goTo, screenshots, startWorld, until, type World } from './support.ts';

const DIRS = 100;
const PER_DIR = 1000;
const FILES = DIRS * PER_DIR;
const LONG_TASK_LIMIT_MS = 100;

/** 100k tiny, distinct JPEG-signed files, on tmpfs where there is one (it is written in seconds). */
async function writeLibrary(root: string): Promise<void> {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  const jobs: Array<() => Promise<void>> = [];
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, `Roll ${String(d).padStart(3, '0')}`);
    await mkdir(dir, { recursive: true });
    for (let f = 0; f < PER_DIR; f++) {
      const name = `IMG_${String(d * PER_DIR + f).padStart(6, '0')}.JPG`;
      jobs.push(() => writeFile(join(dir, name), Buffer.concat([head, Buffer.from(`${dir}/${name}\n`)])));
    }
  }
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) await job();
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

function scrollList(page: Page, to: 'top' | 'bottom' | number): Promise<void> {
  return page.getByTestId('file-list').evaluate((el, where) => {
    const list = el as unknown as { scrollTop: number; scrollHeight: number };
    list.scrollTop = where === 'top' ? 0 : where === 'bottom' ? list.scrollHeight : list.scrollHeight * where;
  }, to);
}

describe('a 100k-file folder in the window', () => {
  let world: World;
  let page: Page;
  let scratch: string;

  before(async () => {
    scratch = await mkdtemp(
      join(existsSync('/dev/shm') ? '/dev/shm' : join(process.cwd(), '.'), 'safelight-100k-'),
    );
    const library = join(scratch, 'Library');
    await writeLibrary(library);
    world = await startWorld({ settings: { parallelUploads: 3 } });
    page = await world.open({ height: 900 });
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    // Only what happens from here on counts: loading the page itself is not under test.
    await page.evaluate(() => {
      (globalThis as unknown as { __longTasks: unknown[] }).__longTasks = [];
    });
    await startTrace(world.browser, page);
    await world.host.handlers.addFolder({
      path: library,
      mode: 'mirror',
      privacy: 'Private',
      target: '',
      watch: 'auto',
    });
  });

  after(async () => {
    await world?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('while the engine walks and uploads it, scrolling and filtering 100k rows has no long task', async (t) => {
    await goTo(page, 'Folders');
    await page.getByRole('button', { name: 'Open Library' }).click();
    const all = page.getByRole('button', { name: /^All / });
    await until(
      'all 100,000 files listed',
      async () => (await all.innerText()).replace(/\D/g, '') === String(FILES),
      180_000,
    );
    await page.getByRole('button', { name: /^Backed up / }).waitFor({ timeout: 60_000 });

    const list = page.getByRole('list', { name: 'Files in Library' });
    await page.getByTestId('file-list').hover();
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 1500);
      await page.waitForTimeout(40);
    }
    for (const at of [0.25, 0.5, 0.75, 'bottom', 0.1, 'top'] as const) {
      await scrollList(page, at);
      await page.waitForTimeout(150);
    }
    await scrollList(page, 'bottom');
    const lastRow = list.locator(`li[aria-posinset="${FILES}"]`);
    await lastRow.getByText(/^IMG_\d{6}\.JPG$/).waitFor();

    await page.getByRole('button', { name: /^Not yet backed up / }).click();
    await list
      .getByText(/^IMG_\d{6}\.JPG$/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: /^Backed up / }).click();
    await list.getByText('Backed up', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: /^All / }).click();
    await scrollList(page, 0.6);
    await page.waitForTimeout(1000);

    const tasks = await stopTrace(world.browser, page, await page.evaluate(longTasks));
    const over = tasks.filter((x) => x.duration >= LONG_TASK_LIMIT_MS);
    const own = over.filter((x) => x.cpu === null || x.cpu >= LONG_TASK_LIMIT_MS);
    const round = (n: number | null) => (n === null ? null : Math.round(n));
    t.diagnostic(
      `long tasks (over 50 ms): ${tasks.length}; longest ${round(Math.max(0, ...tasks.map((x) => x.duration)))} ms ` +
        `wall; most CPU in one ${round(Math.max(0, ...tasks.map((x) => x.cpu ?? 0)))} ms; ` +
        `${over.length} over ${LONG_TASK_LIMIT_MS} ms, of which ${own.length} busy rather than waiting for a CPU`,
    );
    assert.deepEqual(
      own.map((x) => ({ wall: round(x.duration), cpu: round(x.cpu) })),
      [],
      'the page itself worked 100 ms or more in one task',
    );
    await screenshots(page, 'folder-100k');
  });
});
