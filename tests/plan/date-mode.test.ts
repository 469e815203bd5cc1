// Date mode plans: year folders and month galleries inside the uploads folder, name formats,
// overflow past 5,000 with files staying where they were put, and the five-level limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DatedFile,
  type DateNode,
  DEFAULT_GALLERY_FORMAT,
  DEFAULT_UPLOADS_FOLDER,
  formatPeriod,
  monthKey,
  planByDate,
} from '../../src/plan/date-mode.ts';

const dated = (relPath: string, year: number, month: number, extra: Partial<DatedFile> = {}): DatedFile => ({
  relPath,
  date: { year, month },
  ...extra,
});

const shape = (nodes: DateNode[]) => nodes.map((n) => [n.key, n.parentKey, n.type, n.name, n.urlName]);

describe('formatPeriod', () => {
  test('tokens for years and months, in English by default', () => {
    assert.equal(formatPeriod(DEFAULT_GALLERY_FORMAT, 2024, 7), '2024-07 July');
    assert.equal(formatPeriod('{MMM} {YY} ({M}/{YYYY})', 2024, 9), 'Sep 24 (9/2024)');
    assert.equal(formatPeriod('{YYYY} {unknown} {MM}', 987, 1), '0987 {unknown} 01');
  });

  test('month names in the chosen language', () => {
    assert.equal(formatPeriod('{MMMM} {YYYY}', 2024, 7, 'de'), 'Juli 2024');
    assert.equal(formatPeriod('{MMMM}', 2024, 2, 'fr'), 'février');
  });
});

describe('planByDate', () => {
  test('defaults: Private, "Safelight Uploads" → year folders → "YYYY-MM Month" galleries', () => {
    const plan = planByDate([
      dated('DCIM/100APPLE/IMG_0002.JPG', 2024, 7),
      dated('DCIM/100APPLE/IMG_0001.HEIC', 2024, 8),
      dated('DCIM/100APPLE/IMG_0900.HEIC', 2023, 12),
      dated('DCIM/100APPLE/IMG_0003.MOV', 2024, 7),
    ]);
    assert.deepEqual(shape(plan.nodes), [
      ['U:', null, 'Folder', DEFAULT_UPLOADS_FOLDER, 'Safelight-Uploads'],
      ['Y:2023', 'U:', 'Folder', '2023', '2023'],
      ['M:2023-12', 'Y:2023', 'Album', '2023-12 December', '2023-12-December'],
      ['Y:2024', 'U:', 'Folder', '2024', '2024'],
      ['M:2024-07', 'Y:2024', 'Album', '2024-07 July', '2024-07-July'],
      ['M:2024-08', 'Y:2024', 'Album', '2024-08 August', '2024-08-August'],
    ]);
    assert.ok(plan.nodes.every((n) => n.privacy === 'Private'));
    assert.deepEqual(
      plan.nodes.map((n) => [n.year, n.month, n.part]),
      [
        [null, null, 0],
        [2023, null, 0],
        [2023, 12, 1],
        [2024, null, 0],
        [2024, 7, 1],
        [2024, 8, 1],
      ],
    );
    assert.deepEqual(
      plan.galleryFor,
      new Map([
        ['DCIM/100APPLE/IMG_0002.JPG', 'M:2024-07'],
        ['DCIM/100APPLE/IMG_0001.HEIC', 'M:2024-08'],
        ['DCIM/100APPLE/IMG_0900.HEIC', 'M:2023-12'],
        ['DCIM/100APPLE/IMG_0003.MOV', 'M:2024-07'],
      ]),
    );
    assert.deepEqual(plan.warnings, []);
  });

  test('the wall-clock month decides: 00:30 on 1 August abroad is an August photo', () => {
    // CaptureDate.date for abroad.jpg (2024-08-01 00:30 at +02:00, 2024-07-31 in UTC).
    const plan = planByDate([dated('abroad.jpg', 2024, 8)]);
    assert.equal(plan.galleryFor.get('abroad.jpg'), 'M:2024-08');
  });

  test('a chosen folder name, privacy, formats and language', () => {
    const plan = planByDate([dated('a.jpg', 2024, 3)], {
      folderName: '  iPhone  Imports ',
      privacy: 'Unlisted',
      yearFormat: 'Year {YYYY}',
      galleryFormat: '{MMMM} {YYYY}',
      locale: 'de',
    });
    assert.deepEqual(shape(plan.nodes), [
      ['U:', null, 'Folder', 'iPhone Imports', 'IPhone-Imports'],
      ['Y:2024', 'U:', 'Folder', 'Year 2024', 'Year-2024'],
      ['M:2024-03', 'Y:2024', 'Album', 'März 2024', 'Marz-2024'],
    ]);
    assert.ok(plan.nodes.every((n) => n.privacy === 'Unlisted'));
  });

  test('folderName null puts everything straight into the chosen target; no year folders on request', () => {
    const plan = planByDate([dated('a.jpg', 2024, 3), dated('b.jpg', 2023, 3)], {
      folderName: null,
      yearFolders: false,
    });
    assert.deepEqual(shape(plan.nodes), [
      ['M:2023-03', null, 'Album', '2023-03 March', '2023-03-March'],
      ['M:2024-03', null, 'Album', '2024-03 March', '2024-03-March'],
    ]);
  });

  test('without year folders a format with no year gets one, so two Marches are not both "March"', () => {
    const plan = planByDate([dated('a.jpg', 2024, 3), dated('b.jpg', 2023, 3)], {
      yearFolders: false,
      galleryFormat: '{MMMM}',
    });
    assert.deepEqual(
      plan.nodes.map((n) => n.name),
      [DEFAULT_UPLOADS_FOLDER, '2023 March', '2024 March'],
    );
  });

  test('nothing to place, nothing planned', () => {
    assert.deepEqual(planByDate([]), { nodes: [], galleryFor: new Map(), warnings: [] });
    assert.deepEqual(planByDate([], { baseDepth: 5 }).warnings, []);
  });

  test('over 5,000 in a month overflows into "(2)"; placed files stay, newcomers fill the first with room', () => {
    const capacity = 3;
    const files = ['a', 'b', 'c', 'd', 'e'].map((n) => dated(`${n}.jpg`, 2024, 7));
    const first = planByDate(files, { capacity });
    assert.deepEqual(shape(first.nodes).slice(2), [
      ['M:2024-07', 'Y:2024', 'Album', '2024-07 July', '2024-07-July'],
      ['M:2024-07//2', 'Y:2024', 'Album', '2024-07 July (2)', '2024-07-July-2'],
    ]);
    assert.deepEqual(first.nodes[3]?.part, 2);
    assert.deepEqual(
      [...first.galleryFor.values()],
      ['M:2024-07', 'M:2024-07', 'M:2024-07', 'M:2024-07//2', 'M:2024-07//2'],
    );

    // Later: "a" was deleted locally (its gallery keeps 1 image on SmugMug), "0" is new, and the
    // rest were placed before. The new file takes the free place in the first gallery.
    const again = planByDate(
      [
        dated('0.jpg', 2024, 7),
        ...['b', 'c', 'd', 'e'].map((n) =>
          dated(`${n}.jpg`, 2024, 7, { placedIn: first.galleryFor.get(`${n}.jpg`) }),
        ),
      ],
      { capacity, existingCounts: new Map([['M:2024-07', 1]]) },
    );
    assert.equal(again.galleryFor.get('0.jpg'), 'M:2024-07//2');
    assert.equal(again.galleryFor.get('b.jpg'), 'M:2024-07');
    assert.equal(again.galleryFor.get('e.jpg'), 'M:2024-07//2');
  });

  test('the default capacity is SmugMug’s 5,000', () => {
    const files = Array.from({ length: 5001 }, (_, i) =>
      dated(`IMG_${String(i).padStart(5, '0')}.JPG`, 2024, 7),
    );
    const plan = planByDate(files);
    assert.equal(plan.galleryFor.get('IMG_04999.JPG'), 'M:2024-07');
    assert.equal(plan.galleryFor.get('IMG_05000.JPG'), 'M:2024-07//2');
  });

  test('a file keeps the gallery it was placed in even if its date now reads differently', () => {
    const plan = planByDate([dated('x.jpg', 2025, 1, { placedIn: monthKey(2024, 12) })]);
    assert.equal(plan.galleryFor.get('x.jpg'), 'M:2024-12');
    assert.deepEqual(
      plan.nodes.map((n) => n.key),
      ['U:', 'Y:2024', 'M:2024-12'],
    );
    const stale = planByDate([dated('y.jpg', 2025, 1, { placedIn: 'D:Trips/Rome' })]);
    assert.equal(stale.galleryFor.get('y.jpg'), 'M:2025-01');
  });

  test('files dated by modification time are counted in a warning', () => {
    const plan = planByDate([
      dated('a.jpg', 2024, 7, { source: 'mtime' }),
      dated('b.jpg', 2024, 7, { source: 'exif' }),
      dated('c.jpg', 2024, 7, { source: 'mtime' }),
    ]);
    assert.deepEqual(plan.warnings, [
      '2 files have no capture date inside; placed by the date the file was last modified.',
    ]);
    assert.deepEqual(planByDate([dated('a.jpg', 2024, 7, { source: 'mtime' })]).warnings, [
      '1 file has no capture date inside; placed by the date the file was last modified.',
    ]);
  });

  test('SmugMug’s five folder levels: year folders go first, then the uploads folder', () => {
    const files = [dated('a.jpg', 2024, 7)];
    assert.deepEqual(
      planByDate(files, { baseDepth: 3 }).nodes.map((n) => n.key),
      ['U:', 'Y:2024', 'M:2024-07'],
    );
    const four = planByDate(files, { baseDepth: 4 });
    assert.deepEqual(
      four.nodes.map((n) => [n.key, n.parentKey, n.name]),
      [
        ['U:', null, DEFAULT_UPLOADS_FOLDER],
        ['M:2024-07', 'U:', '2024-07 July'],
      ],
    );
    assert.match(four.warnings[0] ?? '', /too deep for year folders/);
    const five = planByDate(files, { baseDepth: 5 });
    assert.deepEqual(
      five.nodes.map((n) => [n.key, n.parentKey]),
      [['M:2024-07', null]],
    );
    assert.equal(five.warnings.length, 2);
    assert.match(five.warnings[1] ?? '', /too deep for a "Safelight Uploads" folder/);
    assert.throws(() => planByDate(files, { baseDepth: 6 }), RangeError);
    assert.throws(() => planByDate(files, { baseDepth: -1 }), RangeError);
  });

  test('impossible dates are refused with the file named', () => {
    assert.throws(() => planByDate([dated('bad.jpg', 2024, 13)]), /"bad.jpg" has an impossible capture date/);
    assert.throws(() => planByDate([dated('bad.jpg', 0, 1)]), RangeError);
    assert.throws(() => planByDate([dated('bad.jpg', 2024.5, 1)]), RangeError);
  });

  test('UrlNames stay unique among siblings even when names clash', () => {
    const plan = planByDate([dated('a.jpg', 2024, 7), dated('b.jpg', 2024, 8)], { galleryFormat: 'Photos' });
    assert.deepEqual(
      plan.nodes.filter((n) => n.type === 'Album').map((n) => [n.name, n.urlName]),
      [
        ['Photos', 'Photos'],
        ['Photos', 'Photos-2'],
      ],
    );
  });
});
