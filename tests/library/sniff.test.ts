// Telling formats apart by their first bytes: every fixture, plus the RAW and movie variants
// whose headers differ from the plain case.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type MediaFormat, SNIFF_BYTES, sniffFormat } from '../../src/library/sniff.ts';
import { box, fixtureBytes, ftyp } from './boxes.ts';

const head = (name: string) => fixtureBytes(name).subarray(0, SNIFF_BYTES);

describe('sniffFormat', () => {
  test('the fixtures', () => {
    const table: [string, MediaFormat][] = [
      ['abroad.jpg', 'jpeg'],
      ['bare.jpg', 'jpeg'],
      ['IMG_0001.HEIC', 'heif'],
      ['IMG_0001.MOV', 'movie'],
      ['clip.mp4', 'movie'],
      ['mdat64.mp4', 'movie'],
      ['DSC_0042.NEF', 'tiff'],
      ['IMG_0042.DNG', 'tiff'],
      ['IMG_0043.CR3', 'cr3'],
      ['DSCF0044.RAF', 'raf'],
      ['IMG_0001.AAE', 'unknown'],
      ['.IMG_0003.HEIC.icloud', 'unknown'],
    ];
    for (const [name, format] of table) assert.equal(sniffFormat(head(name)), format, name);
  });

  test('TIFF relatives: big-endian TIFF, Olympus ORF and Panasonic RW2 magic numbers', () => {
    assert.equal(sniffFormat(Buffer.from('MM\x00\x2a\x00\x00\x00\x08', 'latin1')), 'tiff');
    assert.equal(sniffFormat(Buffer.from('IIRO\x08\x00\x00\x00', 'latin1')), 'tiff');
    assert.equal(sniffFormat(Buffer.from('MMOR\x00\x00\x00\x08', 'latin1')), 'tiff');
    assert.equal(sniffFormat(Buffer.from('IIRS\x08\x00\x00\x00', 'latin1')), 'tiff');
    assert.equal(sniffFormat(Buffer.from('IIU\x00\x18\x00\x00\x00', 'latin1')), 'tiff');
    assert.equal(sniffFormat(Buffer.from('II\x00\x00\x08\x00\x00\x00', 'latin1')), 'unknown');
  });

  test('ftyp brands: HEIF and AVIF stills, CR3, and everything else a movie', () => {
    assert.equal(sniffFormat(ftyp('mif1')), 'heif');
    assert.equal(sniffFormat(ftyp('avif')), 'heif');
    assert.equal(sniffFormat(ftyp('crx ')), 'cr3');
    assert.equal(sniffFormat(ftyp('isom')), 'movie');
    assert.equal(sniffFormat(ftyp('M4V ')), 'movie');
  });

  test('movies that start without ftyp, PNG, and too little to tell', () => {
    assert.equal(sniffFormat(box('wide')), 'movie');
    assert.equal(sniffFormat(box('mdat', Buffer.alloc(8))), 'movie');
    assert.equal(sniffFormat(Buffer.from('\x89PNG\r\n\x1a\n\x00\x00', 'latin1')), 'png');
    assert.equal(sniffFormat(Buffer.alloc(0)), 'unknown');
    assert.equal(sniffFormat(Buffer.from([0xff, 0xd8])), 'unknown');
    assert.equal(sniffFormat(Buffer.from('RIFF\x00\x00\x00\x00AVI ', 'latin1')), 'unknown');
  });
});
