// Photos that say when they were taken, as a phone writes them: small real JPEGs with EXIF
// DateTimeOriginal and OffsetTimeOriginal.
import sharp from 'sharp';

/** A JPEG taken at `at` ('2024-07-14 18:22:01', the clock where it was taken), unique per `label`. */
export async function datedJpeg(at: string, label: string, offset = '+02:00'): Promise<Buffer> {
  const shade = [...label].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 256, 7);
  return sharp({ create: { width: 16, height: 12, channels: 3, background: { r: shade, g: 90, b: 140 } } })
    .jpeg()
    .withExif({ IFD2: { DateTimeOriginal: at.replaceAll('-', ':'), OffsetTimeOriginal: offset } })
    .toBuffer();
}
