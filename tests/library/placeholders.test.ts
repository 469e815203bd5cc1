// iCloud stand-ins: ".name.icloud" stubs (one committed, as iCloud Drive writes them) and
// zero-length media files are "not on this computer yet", never empty uploads.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ICLOUD_REASON, placeholderFor } from '../../src/library/placeholders.ts';
import { FIXTURES, fixture } from './boxes.ts';

describe('placeholderFor', () => {
  test('the committed stub stands for IMG_0003.HEIC in the same folder', () => {
    const name = '.IMG_0003.HEIC.icloud';
    assert.ok(readdirSync(FIXTURES).includes(name));
    const size = statSync(fixture(name)).size;
    assert.ok(size > 0, 'the stub has content (a binary plist), so size alone would not catch it');
    assert.deepEqual(placeholderFor(`DCIM/100APPLE/${name}`, size), {
      relPath: 'DCIM/100APPLE/IMG_0003.HEIC',
      reason: ICLOUD_REASON,
    });
    assert.deepEqual(placeholderFor(name, size), { relPath: 'IMG_0003.HEIC', reason: ICLOUD_REASON });
  });

  test('stubs of videos and RAW files count, whatever the case of ".icloud"', () => {
    assert.equal(placeholderFor('a/.IMG_0004.MOV.icloud', 170)?.relPath, 'a/IMG_0004.MOV');
    assert.equal(placeholderFor('a/.DSC_0001.NEF.ICLOUD', 170)?.relPath, 'a/DSC_0001.NEF');
    assert.equal(placeholderFor('a/.My trip – day 1.jpg.icloud', 170)?.relPath, 'a/My trip – day 1.jpg');
  });

  test('stubs of documents and hidden files are not media placeholders', () => {
    assert.equal(placeholderFor('.Budget.xlsx.icloud', 170), null);
    assert.equal(placeholderFor('..hidden.jpg.icloud', 170), null);
    assert.equal(placeholderFor('.icloud', 170), null);
  });

  test('zero-length media files are not downloaded yet; zero-length other files are not this module’s business', () => {
    assert.deepEqual(placeholderFor('2024/IMG_0005.HEIC', 0), {
      relPath: '2024/IMG_0005.HEIC',
      reason: ICLOUD_REASON,
    });
    assert.deepEqual(placeholderFor('IMG_0006.mov', 0), { relPath: 'IMG_0006.mov', reason: ICLOUD_REASON });
    assert.equal(placeholderFor('notes.txt', 0), null);
    assert.equal(placeholderFor('IMG_0005.HEIC', 1), null);
    assert.equal(placeholderFor('IMG_0001.AAE', 0), null);
  });

  test('the reason is the one the person sees', () => {
    assert.equal(ICLOUD_REASON, 'not on this computer yet (iCloud)');
  });
});
