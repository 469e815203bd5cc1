// `safelight add --by-date` and its choices, the note `add` gives for a phone or camera import
// connected without choosing a mode, `status` saying how each folder's galleries are made, and
// `remove`, which the note points to for switching a folder to date mode.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { homePaths } from '../../src/config/home.ts';
import { type FolderRow, Store } from '../../src/store/store.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';

const BIN = fileURLToPath(new URL('../../bin/safelight.js', import.meta.url));

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('safelight add --by-date / status / remove', () => {
  let root: string;
  let home: string;
  let phone: string;
  let card: string;
  let holidays: string;

  const cli = (args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { ...process.env, SAFELIGHT_HOME: home }, timeout: 30_000 },
        (error, out, err) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
        },
      );
    });

  const folders = (): FolderRow[] => {
    const store = new Store(homePaths({ SAFELIGHT_HOME: home }).state);
    try {
      return store.folders();
    } finally {
      store.close();
    }
  };
  const folderAt = (path: string) => folders().find((f) => f.path === path);

  before(async () => {
    // As stored and printed: links resolved (macOS's temp folder is behind one).
    root = await realpath(await mkdtemp(join(tmpdir(), 'safelight-cli-date-')));
    home = join(root, 'home');
    phone = join(root, 'iPhone');
    card = join(root, 'Card');
    holidays = join(root, 'Holidays');
    await writeTree(phone, {
      'DCIM/100APPLE/IMG_0001.HEIC': photoBytes('1'),
      'DCIM/100APPLE/IMG_0001.MOV': photoBytes('1v'),
      'DCIM/100APPLE/IMG_0002.JPG': photoBytes('2'),
    });
    await writeTree(card, { 'DCIM/100CANON/IMG_0001.JPG': photoBytes('c1') });
    await writeTree(holidays, { 'Rome/a.jpg': photoBytes('a'), 'Paris/b.jpg': photoBytes('b') });
  });

  after(() => rm(root, { recursive: true, force: true }));

  test('a camera import added without a mode is mirrored, with a note on date mode and how to choose it', async () => {
    const r = await cli(['add', phone]);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      `Connected ${phone}: it goes into the top of your SmugMug site as Private galleries like its subfolders. ` +
        'Run "safelight sync" to back it up and keep watching it.\n' +
        '\n' +
        'This looks like a phone or camera import: it has a "DCIM" folder, as camera cards and phones do.\n' +
        'Galleries by month of capture usually suit it better: "Safelight Uploads" → "2024" → "2024-07 July".\n' +
        `To back it up that way instead: safelight remove "${phone}" && safelight add "${phone}" --by-date\n` +
        'To keep mirroring its subfolders and not see this again, add --mirror.\n',
    );
    assert.equal(folderAt(phone)?.mode, 'mirror', 'mirror stays the default');

    const plain = await cli(['add', holidays]);
    assert.equal(plain.code, 0, plain.err);
    assert.doesNotMatch(plain.out, /camera/, 'no note for a folder of named subfolders');
    const chosen = await cli(['add', card, '--mirror']);
    assert.equal(chosen.code, 0, chosen.err);
    assert.doesNotMatch(chosen.out, /camera/, 'no note once mirror mode is chosen');
    assert.equal(folderAt(card)?.mode, 'mirror');
  });

  test('the note is followed: remove, then add --by-date with a folder name and gallery format', async () => {
    const removed = await cli(['remove', phone]);
    assert.equal(removed.code, 0, removed.err);
    assert.equal(
      removed.out,
      `Stopped backing up ${phone}. Nothing was deleted on SmugMug or on this computer.\n`,
    );
    assert.equal(folderAt(phone), undefined);

    const r = await cli([
      'add',
      phone,
      '--by-date',
      '--target',
      'Phones',
      '--date-folder',
      'iPhone imports',
      '--gallery-format',
      '{MMMM} {YYYY}',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /as Private galleries by month of capture: a photo taken in July 2024 goes to "Phones\/iPhone imports\/2024\/July 2024"\./,
    );
    assert.doesNotMatch(r.out, /looks like a phone/);
    const row = folderAt(phone);
    assert.equal(row?.mode, 'date');
    assert.deepEqual(JSON.parse(row?.date_options ?? ''), {
      folderName: 'iPhone imports',
      yearFolders: true,
      galleryFormat: '{MMMM} {YYYY}',
    });

    await cli(['remove', card]);
    const none = await cli(['add', card, '--mode', 'date', '--no-date-folder']);
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, /goes to "2024\/2024-07 July"\./);
    assert.deepEqual(JSON.parse(folderAt(card)?.date_options ?? ''), {
      folderName: null,
      yearFolders: true,
      galleryFormat: '{YYYY}-{MM} {MMMM}',
    });
  });

  test('date choices that cannot work are refused with the reason, and nothing is connected', async () => {
    const extra = join(root, 'Extra');
    await writeTree(extra, { 'IMG_0001.JPG': photoBytes('x') });
    const cases: [string[], string][] = [
      [
        ['--by-date', '--gallery-format', '{YYYY}'],
        'safelight: --gallery-format: the gallery name format "{YYYY}" has no month: add {MM} (07), {M} (7), ' +
          '{MMMM} (July) or {MMM} (Jul), or the months of a year would share one gallery name\n',
      ],
      [
        ['--by-date', '--gallery-format', '{YYYY}/{DD}'],
        'safelight: --gallery-format: "{DD}" in the gallery name format is not a token: ' +
          'use {YYYY} {YY} {MM} {M} {MMMM} {MMM}\n',
      ],
      [
        ['--by-date', '--date-folder', ' '],
        'safelight: --date-folder needs a name; --no-date-folder puts the years straight into --target\n',
      ],
      [
        ['--gallery-format', '{MMMM}'],
        'safelight: --date-folder, --no-date-folder and --gallery-format are for date mode: add --by-date\n',
      ],
      [
        ['--mirror', '--no-date-folder'],
        'safelight: --date-folder, --no-date-folder and --gallery-format are for date mode: add --by-date\n',
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['add', extra, ...flags]);
      assert.equal(r.code, 1, flags.join(' '));
      assert.equal(r.err, message);
    }
    const both = await cli(['add', extra, '--by-date', '--mirror']);
    assert.equal(both.code, 1);
    assert.match(both.err, /option '--by-date' cannot be used with option '--mirror'/);
    assert.equal(folderAt(extra), undefined);
  });

  test('status says how each folder is backed up', async () => {
    const text = await cli(['status']);
    assert.equal(text.code, 0, text.err);
    assert.match(
      text.out,
      new RegExp(
        `${holidays}  →  the top of your SmugMug site, Private\\n  galleries like its subfolders\\n` +
          '  watching: native file events\\n',
      ),
    );
    assert.match(
      text.out,
      new RegExp(
        `${phone}  →  SmugMug folder "Phones", Private\\n  galleries by month of capture: a photo taken in July 2024 goes to "Phones/iPhone imports/2024/July 2024"\\n`,
      ),
    );
    const json = JSON.parse((await cli(['status', '--json'])).out);
    const of = (path: string) =>
      json.folders.find((f: { path: string }) => f.path === path) as {
        mode: string;
        dateOptions: unknown;
        watching: string;
      };
    assert.equal(of(phone).mode, 'date');
    assert.equal(of(holidays).watching, 'native file events');
    assert.deepEqual(of(phone).dateOptions, {
      folderName: 'iPhone imports',
      yearFolders: true,
      galleryFormat: '{MMMM} {YYYY}',
    });
    assert.equal(of(holidays).mode, 'mirror');
    assert.equal(of(holidays).dateOptions, null);
  });
});
