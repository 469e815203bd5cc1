// Why uploads wait: paused by the person (for a while or until resumed), the upload schedule, the
// battery and sleep. The rules with plain times, then the host holding real uploads back.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, mock, test } from 'node:test';
import { type Conditions, inSchedule, nextChange, pauseInfo } from '../../src/host/conditions.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type World, world } from './world.ts';

const at = (hour: number, minute = 0) => new Date(2025, 5, 10, hour, minute);
const schedule = (startHour: number, endHour: number, enabled = true) => ({ enabled, startHour, endHour });
const idle: Conditions = { user: null, onBattery: false, suspended: false };
const rules = { schedule: schedule(22, 7, false), pauseOnBattery: false };

describe('the rules', () => {
  test('the schedule: a window within a day, one across midnight, off, and all day', () => {
    const night = schedule(22, 7);
    assert.deepEqual(
      [21, 22, 23, 0, 3, 6, 7, 12].map((h) => inSchedule(night, at(h, 30))),
      [false, true, true, true, true, true, false, false],
    );
    const office = schedule(9, 17);
    assert.deepEqual(
      [8, 9, 16, 17].map((h) => inSchedule(office, at(h))),
      [false, true, true, false],
    );
    assert.equal(inSchedule(schedule(9, 17, false), at(3)), true);
    assert.equal(inSchedule(schedule(5, 5), at(3)), true);
  });

  test('what pauses, and what wins when several do', () => {
    const now = at(12).getTime();
    assert.deepEqual(pauseInfo(idle, rules, now), { paused: false, until: null, reason: null });
    const hour = { ...idle, user: { until: now + 3_600_000 } };
    assert.deepEqual(pauseInfo(hour, rules, now), { paused: true, until: now + 3_600_000, reason: 'user' });
    assert.equal(pauseInfo(hour, rules, now + 3_600_000).paused, false, 'a timed pause ends by itself');
    const all: Conditions = { user: null, onBattery: true, suspended: true };
    const strict = { schedule: schedule(22, 7), pauseOnBattery: true };
    assert.equal(pauseInfo(all, strict, now).reason, 'suspended');
    assert.equal(pauseInfo({ ...all, suspended: false }, strict, now).reason, 'battery');
    assert.equal(
      pauseInfo({ ...all, suspended: false }, rules, now).paused,
      false,
      'battery only when asked',
    );
    assert.deepEqual(pauseInfo(idle, strict, now), {
      paused: true,
      until: at(22).getTime(),
      reason: 'schedule',
    });
    assert.equal(pauseInfo(idle, strict, at(23).getTime()).paused, false);
  });

  test('when the pause changes by itself', () => {
    const now = at(12).getTime();
    assert.equal(nextChange(idle, rules, now), null, 'nothing to wait for: no timer');
    assert.equal(nextChange({ ...idle, user: { until: now + 60_000 } }, rules, now), now + 60_000);
    assert.equal(nextChange({ ...idle, user: { until: null } }, rules, now), null);
    const night = { schedule: schedule(22, 7), pauseOnBattery: false };
    assert.equal(nextChange(idle, night, now), at(22).getTime());
    assert.equal(nextChange(idle, night, at(23).getTime()), new Date(2025, 5, 11, 7).getTime());
  });
});

describe('the host', () => {
  let w: World;
  afterEach(() => w.close());

  const addFolder = async (name: string, files: string[]) => {
    const dir = join(w.root, name);
    await writeTree(dir, Object.fromEntries(files.map((f) => [f, photoBytes(f)])));
    return w.client.request('addFolder', { path: dir, mode: 'mirror', privacy: 'Private', target: '' });
  };
  const quiet = () => new Promise((r) => setTimeout(r, 600));

  test('pause for a while holds uploads; resume, or the end of the while, lets them go', async () => {
    w = await world();
    const before = Date.now();
    assert.equal(await w.client.request('pause', { minutes: 60 }), null);
    const paused = await w.snapshotWhere('the pause', (s) => s.pause.paused);
    assert.equal(paused.pause.reason, 'user');
    const until = paused.pause.until ?? 0;
    assert.ok(until >= before + 3_600_000 && until <= Date.now() + 3_600_000, 'an hour from now');
    const folder = await addFolder('Held', ['a.jpg', 'b.jpg']);
    const held = await w.snapshotWhere('the folder to wait', (s) => s.folders[0]?.counts.pending === 2);
    await quiet();
    assert.equal(w.sandbox.dump().ImageCount, 0, 'nothing uploads while paused');
    assert.equal(w.folder(folder.id).state, 'paused');
    assert.match(w.folder(folder.id).stateText, /^Paused until \d\d:\d\d$/);
    assert.equal(held.overview.state, 'paused');
    assert.equal(w.latest().overview.headline, 'Paused: 2 files not backed up yet');

    await w.client.request('resume', {});
    await w.snapshotWhere('the uploads', (s) => s.folders[0]?.state === 'up-to-date' && !s.pause.paused);
    assert.equal(w.sandbox.dump().ImageCount, 2);

    // A pause of a minute ends by itself: with the clock a minute on, the next look finds it over.
    await w.client.request('pause', { minutes: 1 });
    await w.snapshotWhere('the second pause', (s) => s.pause.paused);
    await writeTree(join(w.root, 'Held'), { 'c.jpg': photoBytes('c') });
    await w.snapshotWhere('c.jpg waiting', (s) => s.folders[0]?.counts.pending === 1);
    const realNow = Date.now;
    mock.method(Date, 'now', () => realNow() + 61_000);
    try {
      await w.client.request('setConditions', {});
      await w.snapshotWhere('the pause to be over', (s) => !s.pause.paused);
    } finally {
      mock.restoreAll();
    }
    await w.snapshotWhere('c.jpg uploaded', (s) => s.folders[0]?.counts.uploaded === 3);
  });

  test('outside the upload hours nothing uploads; inside them it does', async () => {
    w = await world();
    const hour = new Date().getHours();
    const closed = await w.client.request('setSettings', {
      schedule: { enabled: true, startHour: (hour + 2) % 24, endHour: (hour + 3) % 24 },
    });
    assert.deepEqual(closed.schedule, {
      enabled: true,
      startHour: (hour + 2) % 24,
      endHour: (hour + 3) % 24,
    });
    const paused = await w.snapshotWhere('the schedule to pause', (s) => s.pause.reason === 'schedule');
    assert.equal(new Date(paused.pause.until ?? 0).getHours(), (hour + 2) % 24);
    const folder = await addFolder('Night', ['n.jpg']);
    await w.snapshotWhere('the folder to wait', (s) => s.folders[0]?.state === 'paused');
    await quiet();
    assert.equal(w.sandbox.dump().ImageCount, 0);
    assert.match(w.folder(folder.id).stateText, /^Paused by the upload schedule until \d\d:00$/);

    await w.client.request('setSettings', {
      schedule: { enabled: true, startHour: hour, endHour: (hour + 2) % 24 },
    });
    await w.snapshotWhere('the upload', (s) => s.folders[0]?.state === 'up-to-date');
    assert.equal(w.sandbox.dump().ImageCount, 1);
    const saved = JSON.parse(await readFile(w.paths.settings, 'utf8'));
    assert.deepEqual(saved.schedule, { enabled: true, startHour: hour, endHour: (hour + 2) % 24 });
  });

  test('on battery (when asked) and asleep nothing uploads; waking up walks every folder', async () => {
    w = await world();
    const folder = await addFolder('Laptop', ['a.jpg']);
    await w.snapshotWhere('the first upload', (s) => s.folders[0]?.state === 'up-to-date');

    await w.client.request('setConditions', { onBattery: true });
    await quiet();
    assert.equal(w.latest().pause.paused, false, 'the battery pauses only when the setting asks');
    await w.client.request('setSettings', { pauseOnBattery: true });
    await w.snapshotWhere('the battery to pause', (s) => s.pause.reason === 'battery');
    await writeTree(join(w.root, 'Laptop'), { 'b.jpg': photoBytes('b') });
    await w.snapshotWhere('b.jpg waiting', (s) => s.folders[0]?.state === 'paused');
    assert.equal(w.folder(folder.id).stateText, 'Paused while the computer runs on battery');
    await quiet();
    assert.equal(w.sandbox.dump().ImageCount, 1);
    await w.client.request('setConditions', { onBattery: false });
    await w.snapshotWhere('b.jpg uploaded', (s) => s.folders[0]?.counts.uploaded === 2);

    await w.client.request('setConditions', { suspended: true });
    const asleep = await w.snapshotWhere('sleep to pause', (s) => s.pause.reason === 'suspended');
    assert.equal(asleep.overview.detail, 'Paused while the computer sleeps');
    const walked = w.folder(folder.id).lastSyncAt ?? 0;
    await w.client.request('setConditions', { suspended: false });
    await w.snapshotWhere(
      'a walk after waking up',
      (s) =>
        !s.pause.paused && (s.folders[0]?.lastSyncAt ?? 0) > walked && s.folders[0]?.state === 'up-to-date',
    );
    assert.equal(w.sandbox.dump().ImageCount, 2);
  });
});
