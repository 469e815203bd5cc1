// Waking from sleep: the service notices a jump of the clock between two of its checks (the OS
// gives a plain Node process no suspend event) and walks every folder. The clock and the timers
// are Node's test mocks; a real suspend cannot happen here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { Store } from '../../src/store/store.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { WatchService } from '../../src/sync/watch-service.ts';

test('a clock jump between two checks is a wake: every folder is walked once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'safelight-wake-'));
  const store = new Store(join(dir, 'state.db'));
  // No folders: nothing is watched, so only the service's own timers run.
  const engine = new SyncEngine({ store, client: {} as never, settings: DEFAULT_SETTINGS });
  const service = new WatchService({
    store,
    engine,
    settings: { settleMs: 1000, reconcileMs: 3_600_000, pollIntervalMs: 1000 },
  });
  let walks = 0;
  service.reconcile = () => {
    walks++;
  };
  mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
  try {
    await service.start();
    // Awake: the checks come every 30 s and the clock moves with them.
    for (let i = 0; i < 10; i++) mock.timers.tick(30_000);
    assert.equal(walks, 0);
    // A check 50 s late (a busy computer) is not a wake.
    mock.timers.setTime(Date.now() + 50_000);
    mock.timers.tick(30_000);
    assert.equal(walks, 0);
    // Asleep for 10 minutes: the clock jumps, no timer ran meanwhile.
    mock.timers.setTime(Date.now() + 10 * 60_000);
    mock.timers.tick(30_000);
    assert.equal(walks, 1);
    mock.timers.tick(30_000);
    assert.equal(walks, 1, 'once per wake');
    // The hourly walk still comes on its own.
    for (let i = 0; i < 120; i++) mock.timers.tick(30_000);
    assert.equal(walks, 2);
  } finally {
    mock.timers.reset();
    await service.stop(0);
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
