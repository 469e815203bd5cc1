// Choosing how to watch a folder: mountinfo parsing (escapes, nested and stacked mounts), network
// file systems, the inotify watch limit read from a fake /proc written in a temporary folder, the
// per-folder setting, systems without /proc, and plain words for native start-up failures.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  chooseWatchMode,
  describeNativeFailure,
  isNetworkFs,
  mountOf,
  PER_FOLDER_ABOVE_FILES,
  pollingReason,
} from '../../src/library/watch/mode.ts';

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '40 27 0:50 / /mnt/My\\040Photos rw,relatime shared:20 master:3 - nfs4 nas:/photos rw,vers=4.2',
  '41 40 8:17 / /mnt/My\\040Photos/local\\011tab rw - ext4 /dev/sdb1 rw',
  '42 27 0:51 / /mnt/nas rw - cifs //nas/share rw',
  '43 27 8:33 / /media/usb rw - vfat /dev/sdc1 rw',
  '44 43 0:52 / /media/usb rw - fuse.sshfs me@host:/ rw',
  '45 27 0:53 /sub /back\\134slash rw - btrfs /dev/sdd rw',
  '',
].join('\n');

describe('mountOf', () => {
  test('picks the longest mount point, unescaping octal escapes', () => {
    assert.deepEqual(mountOf('/mnt/My Photos/2023/a.jpg', MOUNTINFO), {
      mountPoint: '/mnt/My Photos',
      fsType: 'nfs4',
    });
    assert.deepEqual(mountOf('/mnt/My Photos/local\ttab/x', MOUNTINFO), {
      mountPoint: '/mnt/My Photos/local\ttab',
      fsType: 'ext4',
    });
    assert.deepEqual(mountOf('/back\\slash/y', MOUNTINFO), { mountPoint: '/back\\slash', fsType: 'btrfs' });
  });

  test('matches on whole path segments only', () => {
    assert.deepEqual(mountOf('/mnt/nasbackup/photos', MOUNTINFO), { mountPoint: '/', fsType: 'ext4' });
    assert.deepEqual(mountOf('/mnt/nas', MOUNTINFO), { mountPoint: '/mnt/nas', fsType: 'cifs' });
    assert.deepEqual(mountOf('/mnt/nas/', MOUNTINFO), { mountPoint: '/mnt/nas', fsType: 'cifs' });
    assert.deepEqual(mountOf('/', MOUNTINFO), { mountPoint: '/', fsType: 'ext4' });
  });

  test('a mount stacked on the same point wins over the one below it', () => {
    assert.deepEqual(mountOf('/media/usb/DCIM', MOUNTINFO), {
      mountPoint: '/media/usb',
      fsType: 'fuse.sshfs',
    });
  });

  test('no mount covers the path, or the text is not mountinfo', () => {
    assert.equal(mountOf('/anything', '22 27 0:21 / /proc rw,relatime - proc proc rw\n'), null);
    assert.equal(mountOf('/anything', 'garbage\n\nmore garbage'), null);
  });
});

test('isNetworkFs', () => {
  for (const type of ['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'afpfs', 'fuse.sshfs', 'sshfs', '9p']) {
    assert.equal(isNetworkFs(type), true, type);
  }
  for (const type of ['davfs', 'fuse.davfs2', 'ceph', 'glusterfs', 'fuse.rclone', 'virtiofs', 'vboxsf']) {
    assert.equal(isNetworkFs(type), true, type);
  }
  for (const type of ['ext4', 'btrfs', 'xfs', 'zfs', 'apfs', 'vfat', 'exfat', 'ntfs3', 'fuseblk', 'tmpfs']) {
    assert.equal(isNetworkFs(type), false, type);
  }
  assert.equal(isNetworkFs('fuse.mergerfs'), false);
});

test('pollingReason words the interval', () => {
  assert.equal(pollingReason(30_000, 'set for this folder'), 'polling every 30 s: set for this folder');
  assert.equal(pollingReason(100), 'polling every 100 ms');
  assert.equal(pollingReason(120_000, 'x'), 'polling every 2 min: x');
  assert.equal(pollingReason(1500, 'x'), 'polling every 1.5 s: x');
});

describe('chooseWatchMode', () => {
  let base: string;
  let library: string;
  const opts = { dirCount: 10, fileCount: 100, pollIntervalMs: 30_000 };

  // A fake /proc: mountinfo puts `library` on a file system of the given type.
  async function fakeProc(name: string, fsType: string | null, maxWatches: string | null): Promise<string> {
    const proc = join(base, name);
    await mkdir(join(proc, 'self'), { recursive: true });
    await mkdir(join(proc, 'sys', 'fs', 'inotify'), { recursive: true });
    if (fsType !== null) {
      const escaped = library.replaceAll(' ', '\\040');
      await writeFile(
        join(proc, 'self', 'mountinfo'),
        `1 0 253:0 / / rw - ext4 /dev/vda rw\n2 1 0:50 / ${escaped} rw shared:7 - ${fsType} server:/x rw\n`,
      );
    }
    if (maxWatches !== null)
      await writeFile(join(proc, 'sys', 'fs', 'inotify', 'max_user_watches'), maxWatches);
    return proc;
  }

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'safelight-watch-mode-')));
    library = join(base, 'My Photos');
    await mkdir(library);
    await symlink(library, join(base, 'link to photos'));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test('network shares are polled, naming the file system', async () => {
    for (const type of ['nfs4', 'cifs']) {
      const procRoot = await fakeProc(`proc-${type}`, type, '524288\n');
      assert.deepEqual(await chooseWatchMode(library, 'auto', { ...opts, procRoot }), {
        mode: 'polling',
        reason: `polling every 30 s: network share (${type})`,
      });
      // The mount is found for the folder a symbolic link points to.
      const viaLink = await chooseWatchMode(join(base, 'link to photos'), 'auto', { ...opts, procRoot });
      assert.equal(viaLink.mode, 'polling');
    }
  });

  test('local disks get native events', async () => {
    const procRoot = await fakeProc('proc-ext4', 'ext4', '524288\n');
    assert.deepEqual(await chooseWatchMode(library, 'auto', { ...opts, procRoot }), {
      mode: 'native',
      reason: 'native file events',
    });
  });

  test('too few inotify watches for the folder: polling, with how to raise the limit', async () => {
    const procRoot = await fakeProc('proc-small', 'ext4', '100\n');
    assert.deepEqual(await chooseWatchMode(library, 'auto', { ...opts, dirCount: 500, procRoot }), {
      mode: 'polling',
      reason:
        'polling every 30 s: the system allows 100 inotify watches and this folder needs about 1,600; ' +
        'raise the limit with: sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it)',
    });
    const typical = await fakeProc('proc-8192', 'xfs', '8192');
    assert.equal(
      (await chooseWatchMode(library, 'auto', { ...opts, dirCount: 10_000, procRoot: typical })).reason,
      'polling every 30 s: the system allows 8,192 inotify watches and this folder needs about 12,000; ' +
        'raise the limit with: sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it)',
    );
    // A library bigger than the usual advice gets advice that fits it.
    const huge = await chooseWatchMode(library, 'auto', { ...opts, dirCount: 400_000, procRoot });
    assert.match(huge.reason, /needs about 450,000; .*max_user_watches=1048576 /);
  });

  test('the margin leaves room for other programs', async () => {
    const procRoot = await fakeProc('proc-margin', 'ext4', '2000');
    assert.equal(
      (await chooseWatchMode(library, 'auto', { ...opts, dirCount: 900, procRoot })).mode,
      'native',
    );
    assert.equal(
      (await chooseWatchMode(library, 'auto', { ...opts, dirCount: 950, procRoot })).mode,
      'polling',
    );
  });

  test('the setting for the folder is honoured', async () => {
    const nfs = await fakeProc('proc-set-nfs', 'nfs4', '100');
    assert.deepEqual(await chooseWatchMode(library, 'native', { ...opts, dirCount: 5000, procRoot: nfs }), {
      mode: 'native',
      reason: 'native file events: set for this folder',
    });
    const ext4 = await fakeProc('proc-set-ext4', 'ext4', '524288');
    assert.deepEqual(await chooseWatchMode(library, 'polling', { ...opts, procRoot: ext4 }), {
      mode: 'polling',
      reason: 'polling every 30 s: set for this folder',
    });
  });

  test('on Linux, a folder of more files than the threshold gets one watch per folder', async () => {
    const procRoot = await fakeProc('proc-per-folder', 'ext4', '524288');
    const perFolder = {
      mode: 'native',
      reason:
        'native file events, one watch per folder (too many files to keep a copy of every name in memory)',
      perFolder: true,
    };
    const linux = { ...opts, dirCount: 10_000, procRoot, platform: 'linux' } as const;
    assert.deepEqual(
      await chooseWatchMode(library, 'auto', { ...linux, fileCount: PER_FOLDER_ABOVE_FILES + 1 }),
      perFolder,
    );
    assert.deepEqual(
      await chooseWatchMode(library, 'auto', { ...linux, fileCount: PER_FOLDER_ABOVE_FILES }),
      {
        mode: 'native',
        reason: 'native file events',
      },
    );
    assert.equal(PER_FOLDER_ABOVE_FILES, 250_000);
    // The threshold can be lowered (for tests of the service), and a folder set to native events
    // keeps the setting in its reason.
    assert.deepEqual(
      await chooseWatchMode(library, 'auto', { ...linux, fileCount: 3, perFolderAbove: 2 }),
      perFolder,
    );
    assert.deepEqual(await chooseWatchMode(library, 'native', { ...linux, fileCount: 1_000_000 }), {
      ...perFolder,
      reason: `${perFolder.reason}: set for this folder`,
    });
  });

  test('one watch per folder still needs a watch per folder: too few, and it is polling', async () => {
    const procRoot = await fakeProc('proc-per-folder-small', 'ext4', '8192');
    const choice = await chooseWatchMode(library, 'auto', {
      ...opts,
      dirCount: 10_000,
      fileCount: 1_000_000,
      procRoot,
      platform: 'linux',
    });
    assert.equal(choice.mode, 'polling');
    assert.equal(choice.perFolder, undefined);
    assert.match(choice.reason, /the system allows 8,192 inotify watches and this folder needs about 12,000/);
  });

  test('on macOS and Windows a big folder keeps @parcel/watcher', async () => {
    const procRoot = await fakeProc('proc-other-systems', 'ext4', '524288');
    for (const platform of ['darwin', 'win32'] as const) {
      assert.deepEqual(
        await chooseWatchMode(library, 'auto', { ...opts, fileCount: 1_000_000, procRoot, platform }),
        { mode: 'native', reason: 'native file events' },
      );
    }
  });

  test('without /proc (macOS, Windows) native events are used', async () => {
    const procRoot = await fakeProc('proc-empty', null, null);
    const expected = { mode: 'native', reason: 'native file events' };
    assert.deepEqual(
      await chooseWatchMode(library, 'auto', { ...opts, dirCount: 10_000_000, procRoot }),
      expected,
    );
    const onlyMounts = await fakeProc('proc-mounts-only', 'ext4', null);
    assert.deepEqual(
      await chooseWatchMode(library, 'auto', { ...opts, dirCount: 10_000_000, procRoot: onlyMounts }),
      expected,
    );
    assert.deepEqual(
      await chooseWatchMode(join(base, 'missing'), 'auto', { ...opts, procRoot: join(base, 'no-proc') }),
      expected,
    );
  });
});

describe('describeNativeFailure', () => {
  const advice =
    'raise the limit with: sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it)';

  test('the inotify watch limit', () => {
    // As @parcel/watcher words it.
    const parcel = new Error("inotify_add_watch on '/photos/2019/03' failed: No space left on device");
    assert.equal(
      describeNativeFailure(parcel),
      `the system's limit of inotify watches was reached; ${advice}`,
    );
    const coded = Object.assign(new Error('watch failed'), { code: 'ENOSPC' });
    assert.equal(
      describeNativeFailure(coded),
      `the system's limit of inotify watches was reached; ${advice}`,
    );
  });

  test('the inotify instance limit', () => {
    assert.match(
      describeNativeFailure(new Error('Unable to initialize inotify: Too many open files')),
      /limit of inotify instances was reached; raise the limit with: sudo sysctl fs\.inotify\.max_user_instances=1024/,
    );
  });

  test('the native module cannot load', () => {
    const missing = Object.assign(new Error("Cannot find module '@parcel/watcher'\nRequire stack:\n- x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    assert.equal(
      describeNativeFailure(missing),
      "native file events unavailable (Cannot find module '@parcel/watcher')",
    );
    const noBuild = new Error(
      'No prebuild or local build of @parcel/watcher found. Tried @parcel/watcher-x.',
    );
    assert.match(
      describeNativeFailure(noBuild),
      /^native file events unavailable \(No prebuild or local build/,
    );
    const dlopen = Object.assign(new Error('/x/watcher.node: invalid ELF header'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    assert.equal(
      describeNativeFailure(dlopen),
      'native file events unavailable (/x/watcher.node: invalid ELF header)',
    );
  });

  test('anything else keeps its message', () => {
    assert.equal(
      describeNativeFailure(new Error('Permission denied')),
      'native file events failed to start: a folder inside cannot be read (Permission denied)',
    );
    assert.equal(
      describeNativeFailure(new Error('Not a directory')),
      'native file events failed to start (Not a directory)',
    );
    assert.equal(describeNativeFailure('weird'), 'native file events failed to start (weird)');
  });
});
