// Which reader a media file needs, from its first bytes rather than its extension: exports and
// copy tools do write HEIC data under .JPG names and Live Photo videos without an 'ftyp' box.

export type MediaFormat = 'jpeg' | 'png' | 'tiff' | 'heif' | 'raf' | 'cr3' | 'movie' | 'unknown';

/** How many leading bytes sniffFormat looks at (enough for an 'ftyp' box with its brands). */
export const SNIFF_BYTES = 64;

// Brands of still-image HEIF files (HEIC, AVIF); any other 'ftyp' is a movie.
const IMAGE_BRANDS = new Set([
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);

// Top-level QuickTime atoms a movie can start with when it has no 'ftyp'.
const MOVIE_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

export function sniffFormat(head: Buffer): MediaFormat {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (head.length >= 15 && head.toString('latin1', 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  if (head.length >= 4) {
    // TIFF and the RAW formats built on it: CR2, NEF, ARW and DNG use the TIFF magic 42; ORF
    // ('IIRO', 'MMOR') and RW2 ('IIU\0') change it but keep the TIFF directory layout.
    const order = head.toString('latin1', 0, 2);
    if (order === 'II' || order === 'MM') {
      const magic = order === 'II' ? head.readUInt16LE(2) : head.readUInt16BE(2);
      if (magic === 42 || magic === 0x4f52 || magic === 0x5352 || magic === 0x55) return 'tiff';
    }
  }
  if (head.length >= 8) {
    const type = head.toString('latin1', 4, 8);
    if (type === 'ftyp' && head.length >= 12) {
      const size = head.readUInt32BE(0);
      const brands = [head.toString('latin1', 8, 12)];
      for (let at = 16; at + 4 <= Math.min(size, head.length); at += 4)
        brands.push(head.toString('latin1', at, at + 4));
      if (brands.includes('crx ')) return 'cr3';
      if (brands.some((brand) => IMAGE_BRANDS.has(brand))) return 'heif';
      return 'movie';
    }
    if (MOVIE_FIRST_BOXES.has(type)) return 'movie';
  }
  return 'unknown';
}
