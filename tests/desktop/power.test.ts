// Power and sleep: the OS's events become the engine's conditions (a pure function), reach a
// real engine (pause on battery when the person asked for it, nothing new while asleep, a walk on
// waking), and are told again to an engine that restarted.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { allowFolder } from '../../main/folder-access.ts';
import { nextConditions, type PowerConditions, setupPower } from '../../main/power.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { FakePowerMonitor } from './fakes.ts';
import { type DesktopWorld, desktopWorld, waitFor } from './world.ts';

let w: DesktopWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const AWAKE_ON_AC: PowerConditions = { onBattery: false, suspended: false };

test('power events become conditions', () => {
  assert.deepEqual(nextConditions(AWAKE_ON_AC, 'on-battery', false), { onBattery: true, suspended: false });
  assert.deepEqual(nextConditions({ onBattery: true, suspended: false }, 'on-ac', true), AWAKE_ON_AC);
  assert.deepEqual(nextConditions(AWAKE_ON_AC, 'suspend', false), { onBattery: false, suspended: true });
  // Unplugged while asleep: waking trusts what the OS says now.
  assert.deepEqual(nextConditions({ onBattery: false, suspended: true }, 'resume', true), {
    onBattery: true,
    suspended: false,
  });
  assert.deepEqual(nextConditions({ onBattery: true, suspended: false }, 'poll', false), AWAKE_ON_AC);
  assert.deepEqual(nextConditions({ onBattery: false, suspended: true }, 'poll', true), {
    onBattery: true,
    suspended: true,
  });
});

test('only changes are reported, starting with the state at launch', (t) => {
  const monitor = new FakePowerMonitor();
  monitor.onBattery = true;
  const reported: PowerConditions[] = [];
  const power = setupPower({ powerMonitor: monitor, report: (c) => reported.push(c), pollMs: 10 });
  t.after(() => power.stop());
  assert.deepEqual(reported, [{ onBattery: true, suspended: false }]);
  monitor.emit('on-battery');
  assert.equal(reported.length, 1, 'no change, nothing reported');
  monitor.onBattery = false;
  monitor.emit('on-ac');
  monitor.emit('suspend');
  monitor.emit('resume');
  assert.deepEqual(reported.slice(1), [
    { onBattery: false, suspended: false },
    { onBattery: false, suspended: true },
    { onBattery: false, suspended: false },
  ]);
  assert.deepEqual(power.current(), AWAKE_ON_AC);
});

test('a system that never sends on-battery is polled', async (t) => {
  const monitor = new FakePowerMonitor();
  const reported: PowerConditions[] = [];
  const power = setupPower({ powerMonitor: monitor, report: (c) => reported.push(c), pollMs: 20 });
  t.after(() => power.stop());
  monitor.onBattery = true;
  await waitFor('the poll to notice', () => (reported.length === 2 ? true : undefined), 2000);
  assert.deepEqual(reported[1], { onBattery: true, suspended: false });
});

test('battery, AC, sleep and waking reach the real engine', async () => {
  w = await desktopWorld();
  const world = w;
  const monitor = new FakePowerMonitor();
  const power = setupPower({ powerMonitor: monitor, report: (c) => world.control.setConditions(c) });
  try {
    await world.snapshotWhere('the engine', (s) => s.account.state === 'signed-in');
    const win = await world.window();
    const photos = join(world.root, 'Photos');
    await writeTree(photos, { 'a.jpg': photoBytes('a') });
    const path = await allowFolder(
      photos,
      (p) => world.supervisor.grant(p),
      () => {},
    );
    assert.ok(path);
    await win.request('addFolder', {
      path,
      mode: 'mirror',
      privacy: 'Private',
      target: '',
      watch: 'polling',
    });
    await world.snapshotWhere('up to date', (s) => s.overview.state === 'up-to-date');

    // On battery, uploads go on unless the person asked otherwise.
    monitor.onBattery = true;
    monitor.emit('on-battery');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(world.control.snapshot?.pause.paused, false);
    await win.request('setSettings', { pauseOnBattery: true });
    const onBattery = await world.snapshotWhere('paused on battery', (s) => s.pause.reason === 'battery');
    assert.equal(onBattery.overview.state, 'paused');
    assert.equal(world.tray.image, '/icons/paused-on-dark.png');

    monitor.onBattery = false;
    monitor.emit('on-ac');
    await world.snapshotWhere('resumed on AC', (s) => !s.pause.paused);

    // A restarted engine is told again: it starts on battery, paused.
    monitor.onBattery = true;
    monitor.emit('on-battery');
    await world.snapshotWhere('paused on battery again', (s) => s.pause.reason === 'battery');
    world.started[0]?.kill();
    await waitFor('a new engine', () => (world.started.length === 2 ? true : undefined));
    await world.snapshotWhere('the new engine paused on battery', (s) => s.pause.reason === 'battery');
    monitor.onBattery = false;
    monitor.emit('on-ac');
    await world.snapshotWhere('resumed on AC', (s) => !s.pause.paused);

    // Asleep: nothing new starts. Waking walks the folders and finds what arrived meanwhile.
    monitor.emit('suspend');
    await world.snapshotWhere('suspended', (s) => s.pause.reason === 'suspended');
    await writeFile(join(photos, 'b.jpg'), photoBytes('b'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(world.sandbox.dump().ImageCount, 1);
    monitor.emit('resume');
    await waitFor('the photo found on waking', () =>
      world.sandbox.dump().ImageCount === 2 ? true : undefined,
    );
    assert.equal(world.control.snapshot?.pause.paused, false);
  } finally {
    power.stop();
  }
});
