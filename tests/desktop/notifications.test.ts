// Notifications: files that failed for good (not those the engine will retry by itself) and an
// account that must sign in again are announced, at most once per interval for each kind (what
// arrives meanwhile is summed into the next), what was wrong at start is not announced, and a
// click opens the view that explains it.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { allowFolder } from '../../main/folder-access.ts';
import {
  type NoticeFacts,
  NoticePolicy,
  permanentFailures,
  setupNotifications,
} from '../../main/notifications.ts';
import type { FailureGroupData, SnapshotData } from '../../src/protocol/schema.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { FakeNotification } from './fakes.ts';
import { type DesktopWorld, desktopWorld, waitFor } from './world.ts';

let w: DesktopWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const SIGNED_IN = {
  state: 'signed-in',
  nickname: 'me',
  apiBaseUrl: null,
  sandbox: false,
  problem: null,
} as const;

function facts(permanent: number, account: SnapshotData['account'] = SIGNED_IN): NoticeFacts {
  return { permanentFailures: permanent, account };
}

function snapshot(failures: number, account: SnapshotData['account'] = SIGNED_IN): SnapshotData {
  return {
    overview: { state: 'attention', headline: '', detail: null },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    uploads: [],
    pause: { paused: false, until: null, reason: null },
    account,
    folders: [],
    failures,
    desktop: true,
  };
}

const ATTENTION = {
  ...SIGNED_IN,
  state: 'needs-attention',
  problem: 'SmugMug no longer accepts this sign-in',
} as const;

test('failures are announced once per interval, summed, and not again at start', () => {
  const policy = new NoticePolicy(60_000);
  assert.deepEqual(policy.observe(facts(7), 0), [], 'failures from before the start are only a baseline');
  const first = policy.observe(facts(8), 1000);
  assert.deepEqual(first, [
    {
      kind: 'failures',
      title: '1 file could not be backed up',
      body: 'Click to see which, and what to do about them.',
      view: 'failures',
    },
  ]);
  // A burst within the interval is held back, and remembered.
  for (let n = 9; n <= 508; n++) assert.deepEqual(policy.observe(facts(n), 2000 + n), []);
  assert.equal(policy.retryAt(facts(508)), 61_000);
  const summed = policy.observe(facts(508), 61_000);
  assert.equal(summed.length, 1);
  assert.equal(summed[0]?.title, '500 files could not be backed up');
  assert.equal(policy.retryAt(facts(508)), null, 'nothing waits any more');

  // Retried files lower the mark; new failures after that are announced again.
  assert.deepEqual(policy.observe(facts(0), 70_000), []);
  assert.deepEqual(policy.observe(facts(2), 130_000)[0]?.title, '2 files could not be backed up');
});

test('an account that needs attention is announced once, and again only after it recovered', () => {
  const policy = new NoticePolicy(60_000);
  policy.observe(facts(0), 0);
  const notices = policy.observe(facts(0, ATTENTION), 100_000);
  assert.deepEqual(notices, [
    {
      kind: 'account',
      title: 'Sign in to SmugMug again',
      body: 'SmugMug no longer accepts this sign-in',
      view: 'settings',
    },
  ]);
  assert.deepEqual(policy.observe(facts(0, ATTENTION), 300_000), [], 'said once is enough');
  policy.observe(facts(0), 310_000);
  assert.equal(policy.observe(facts(0, ATTENTION), 320_000).length, 1, 'a new problem is said again');
  policy.observe(facts(0), 330_000);
  assert.equal(policy.observe(facts(0, ATTENTION), 340_000).length, 0, 'but not twice within the interval');
  assert.equal(policy.retryAt(facts(0, ATTENTION)), 380_000);
  assert.equal(policy.observe(facts(0, ATTENTION), 380_000).length, 1);

  const atStart = new NoticePolicy(60_000);
  assert.deepEqual(
    atStart.observe(facts(0, ATTENTION), 0),
    [],
    'a problem already there at start is shown in the window only',
  );
});

function group(count: number, kinds: Array<'permanent' | 'transient'>): FailureGroupData {
  return {
    reason: 'a reason',
    advice: 'advice',
    count,
    files: kinds.map((kind, i) => ({
      fileId: i + 1,
      folderId: 1,
      relPath: `f${i}.jpg`,
      folderPath: '/p',
      error: 'e',
      kind,
      attempts: 1,
      updatedAt: 0,
    })),
  };
}

test('failures for good are counted from the failure groups', () => {
  assert.equal(permanentFailures([]), 0);
  assert.equal(permanentFailures([group(2, ['permanent', 'permanent']), group(1, ['transient'])]), 2);
  // A group lists its first 200 files only; the rest count in the same proportion.
  const big = group(1000, [...Array(150).fill('permanent'), ...Array(50).fill('transient')]);
  assert.equal(permanentFailures([big]), 750);
});

test('notifications are shown, clicked open their view, and held-back ones come later', async () => {
  const created: FakeNotification[] = [];
  const opened: string[] = [];
  let groups: FailureGroupData[] = [];
  let fetched = 0;
  const notifications = setupNotifications({
    create: (content) => {
      const n = new FakeNotification(content);
      created.push(n);
      return n;
    },
    open: (view) => opened.push(view),
    failureGroups: async () => {
      fetched += 1;
      return groups;
    },
    policy: new NoticePolicy(150),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  try {
    notifications.observe(snapshot(0));
    await settle();
    groups = [group(3, ['permanent', 'permanent', 'permanent'])];
    notifications.observe(snapshot(3));
    await settle();
    assert.equal(created.length, 1);
    assert.equal(created[0]?.shown, true);
    assert.equal(created[0]?.title, '3 files could not be backed up');
    created[0]?.emit('click');
    assert.deepEqual(opened, ['failures']);

    const before = fetched;
    notifications.observe(snapshot(3));
    await settle();
    assert.equal(fetched, before, 'an unchanged snapshot fetches nothing');

    // Failures the engine will retry by itself are not announced.
    groups = [group(3, ['permanent', 'permanent', 'permanent']), group(4, ['transient'])];
    notifications.observe(snapshot(7));
    await settle();
    groups = [...groups, group(6, ['permanent'])];
    notifications.observe(snapshot(13));
    await settle();
    assert.equal(created.length, 1, 'within the interval nothing more is shown');
    await waitFor('the held-back notification', () => (created.length === 2 ? true : undefined), 3000);
    assert.equal(created[1]?.title, '6 files could not be backed up');

    // One retried file uploaded, another failed for good: the same count, told by the engine.
    groups = [
      group(3, ['permanent', 'permanent', 'permanent']),
      group(4, ['transient']),
      group(7, ['permanent']),
    ];
    notifications.failuresChanged();
    await waitFor('the changed failures', () => (created.length === 3 ? true : undefined), 3000);
    assert.equal(created[2]?.title, '1 file could not be backed up');

    notifications.observe(snapshot(13, ATTENTION));
    await waitFor('the account notice', () => (created.length === 4 ? true : undefined), 3000);
    assert.equal(created[3]?.title, 'Sign in to SmugMug again');
    created[3]?.emit('click');
    assert.deepEqual(opened, ['failures', 'settings']);
  } finally {
    notifications.stop();
  }
});

test('files failing for good on the real engine are announced; retried ones are not', async () => {
  // RAW on: the sandbox, like SmugMug without Source, refuses RAW files for good.
  w = await desktopWorld({ settings: { fileTypes: { photos: true, videos: true, raw: true } } });
  const world = w;
  const created: FakeNotification[] = [];
  const notifications = setupNotifications({
    create: (content) => {
      const n = new FakeNotification(content);
      created.push(n);
      return n;
    },
    open: () => {},
    failureGroups: () => world.control.failureGroups(),
    // No interval: every new failure for good would be announced at once.
    policy: new NoticePolicy(0),
  });
  world.control.on('snapshot', (s) => notifications.observe(s));
  world.control.on('failures', () => notifications.failuresChanged());
  try {
    await world.snapshotWhere('the engine', (s) => s.account.state === 'signed-in');
    const dir = join(world.root, 'Shoot');
    await writeTree(dir, { 'ok.jpg': photoBytes('ok'), 'raw/a.CR2': photoBytes('a') });
    const path = await allowFolder(
      dir,
      (p) => world.supervisor.grant(p),
      () => {},
    );
    assert.ok(path);
    const win = await world.window();
    await win.request('addFolder', {
      path,
      mode: 'mirror',
      privacy: 'Private',
      target: '',
      watch: 'polling',
    });
    await waitFor('the RAW file announced', () => (created.length === 1 ? true : undefined));
    assert.equal(created[0]?.title, '1 file could not be backed up');

    // The upload's connection is reset every time: it fails, and will be tried again by itself.
    world.sandbox.forceFault('reset', 3);
    await writeFile(join(dir, 'flaky.jpg'), photoBytes('flaky', 50_000));
    world.control.syncNow();
    await world.snapshotWhere('the flaky file failed', (s) => s.failures === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(created.length, 1, 'a failure that will be retried is not announced');

    await writeFile(join(dir, 'raw', 'b.NEF'), photoBytes('b'));
    world.control.syncNow();
    await waitFor('the second RAW file announced', () => (created.length === 2 ? true : undefined));
    assert.equal(created[1]?.title, '1 file could not be backed up');
  } finally {
    notifications.stop();
  }
});
