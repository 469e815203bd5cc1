// How the page reaches the engine: only with the token from the printed link (kept out of the
// address bar once read), a clear "not authorized" page without it, and a banner plus automatic
// reconnection when the daemon goes away and comes back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cspViolationsOf, screenshots, startWorld, type World } from './support.ts';

describe('the connection between the page and the engine', () => {
  let world: World;

  before(async () => {
    world = await startWorld();
  });

  after(async () => {
    await world?.close();
  });

  test('opened without the token, the page says it is not authorized and how to get in', async () => {
    const page = await world.open({ url: `${world.daemon.origin}/` });
    await page.getByRole('heading', { level: 1, name: 'This page is not authorized' }).waitFor();
    await page.getByText('safelight serve').waitFor();
    await screenshots(page, 'not-authorized');
    assert.deepEqual(await cspViolationsOf(page), []);
  });

  test('opened with a token the daemon does not know, it says the same', async () => {
    const page = await world.open({ url: `${world.daemon.origin}/#token=${'x'.repeat(43)}` });
    await page.getByRole('heading', { level: 1, name: 'This page is not authorized' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Sections' }).count(), 0);
  });

  test('with the token it connects, and takes the token out of the address bar', async () => {
    const page = await world.open();
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    assert.equal(new URL(page.url()).hash, '');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
  });

  test('when the daemon goes away a banner says so, and the page reconnects by itself', async () => {
    const page = await world.open();
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    await world.stopDaemon();
    const banner = page.getByRole('alert').filter({ hasText: 'Connection to Safelight lost.' });
    await banner.waitFor();
    await page.getByRole('button', { name: 'Reconnect now' }).waitFor();
    await screenshots(page, 'connection-lost');

    await world.restartDaemon();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: 'No folders connected yet' }).waitFor();
    assert.deepEqual(await cspViolationsOf(page), []);
  });
});
