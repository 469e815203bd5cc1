// Telling a camera card or phone import from a folder tree a person arranged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { looksLikeCameraDump } from '../../src/plan/camera-dump.ts';

describe('looksLikeCameraDump', () => {
  test('a DCIM folder, in any case', () => {
    assert.deepEqual(looksLikeCameraDump(['Card/DCIM/100CANON/IMG_0001.CR3']), {
      likely: true,
      reason: 'it has a "DCIM" folder, as camera cards and phones do',
    });
    assert.equal(looksLikeCameraDump(['dcim/Camera/PXL_20240714_182201123.jpg']).likely, true);
  });

  test('DCF camera folders: 100APPLE, 101CANON, 100_FUJI, 100MSDCF, 100GOPRO', () => {
    for (const folder of ['100APPLE', '101CANON', '100_FUJI', '100MSDCF', '100GOPRO', '999NIKON']) {
      assert.deepEqual(
        looksLikeCameraDump([`import/${folder}/anything.jpg`]),
        { likely: true, reason: `it has a camera folder "${folder}"` },
        folder,
      );
    }
    for (const folder of ['2024', '100 photos', '099APPLE', '100apple', 'Trips']) {
      assert.equal(
        looksLikeCameraDump([`${folder}/a.jpg`, `${folder}/b.jpg`, `${folder}/c.jpg`]).likely,
        false,
        folder,
      );
    }
  });

  test('camera file names dominating a flat export', () => {
    const names = [
      'IMG_1234.HEIC',
      'IMG_E1234.HEIC',
      'DSC_0042.NEF',
      '_DSC0043.ARW',
      'DSCF0044.RAF',
      'P1000123.RW2',
      'GOPR0001.MP4',
      'GH010002.MP4',
      'DJI_0005.JPG',
      'PXL_20240714_182201123.jpg',
      'VID_20240714_182201.mp4',
      '20240714_182201.jpg',
      'MVI_0001.MOV',
    ];
    const verdict = looksLikeCameraDump(names.map((n) => `Export/${n}`));
    assert.deepEqual(verdict, {
      likely: true,
      reason: '13 of its 13 photos and videos have names a camera gave them (like "IMG_1234.HEIC")',
    });
  });

  test('named by a person: not a dump; sidecars and documents do not count either way', () => {
    const verdict = looksLikeCameraDump([
      'Rome/Colosseum at dusk.jpg',
      'Rome/IMG_0001.JPG',
      'Rome/Trevi.heic',
      'Rome/notes.txt',
      'Rome/IMG_0001.AAE',
    ]);
    assert.deepEqual(verdict, {
      likely: false,
      reason: 'no camera folders (DCIM, 100APPLE…), and only 1 of 3 photos and videos have camera names',
    });
  });

  test('at least 80% and at least three files', () => {
    const mostly = ['IMG_0001.JPG', 'IMG_0002.JPG', 'IMG_0003.JPG', 'IMG_0004.JPG', 'party.jpg'];
    assert.equal(looksLikeCameraDump(mostly).likely, true);
    assert.equal(looksLikeCameraDump([...mostly, 'cake.jpg']).likely, false);
    assert.equal(looksLikeCameraDump(['IMG_0001.JPG', 'IMG_0002.JPG']).likely, false);
  });

  test('an empty folder', () => {
    assert.deepEqual(looksLikeCameraDump([]), { likely: false, reason: 'it has no photos or videos yet' });
  });
});
