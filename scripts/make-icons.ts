// Draws the tray icons and the app icon from the SVG sources in build/:
//   build/tray/<state>.svg → build/tray/png/<state>Template.png (+ @2x): macOS template images,
//     black on transparent, which macOS tints for light and dark menu bars itself;
//   → <state>-on-light.png / <state>-on-dark.png (+ @2x): Windows and Linux, whose bars the app
//     must match itself: a dark glyph for a light bar, a light one for a dark bar;
//   build/icon.svg → build/icon.png (1024 px), from which electron-builder makes .icns/.ico.
// In a source, `currentColor` is the glyph and class="accent" marks the state's symbol, which the
// colour variants tint. Usage: node scripts/make-icons.ts
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export const TRAY_STATES = ['up-to-date', 'uploading', 'paused', 'attention'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** Logical size of a tray icon; @2x files are twice this for HiDPI screens. */
export const TRAY_SIZE = 16;

interface Variant {
  suffix: string;
  glyph: string;
  accent: Record<TrayState, string>;
}

const BLACK: Record<TrayState, string> = {
  'up-to-date': '#000000',
  uploading: '#000000',
  paused: '#000000',
  attention: '#000000',
};

export const VARIANTS: readonly Variant[] = [
  { suffix: 'Template', glyph: '#000000', accent: BLACK },
  {
    suffix: '-on-light',
    glyph: '#1d1d1f',
    accent: { 'up-to-date': '#1e7d45', uploading: '#1f5fcc', paused: '#9a5b00', attention: '#c4311b' },
  },
  {
    suffix: '-on-dark',
    glyph: '#f5f5f7',
    accent: { 'up-to-date': '#5ccf8d', uploading: '#7eaaff', paused: '#f2b04e', attention: '#ff7a66' },
  },
];

/** The source with its glyph and accent colours set. */
export function colorize(svg: string, glyph: string, accent: string): string {
  return svg
    .replace(/<svg\b/, `<svg color="${glyph}"`)
    .replaceAll('class="accent"', `class="accent" color="${accent}"`);
}

async function png(svg: string, size: number): Promise<Buffer> {
  // Rasterise at the target size (not scaled down from 32 px), so thin strokes stay crisp.
  return sharp(Buffer.from(svg), { density: (72 * size) / 32 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Writes every tray icon for every variant and scale into `outDir`; returns the file names. */
export async function makeTrayIcons(sourceDir: string, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const state of TRAY_STATES) {
    const source = await readFile(join(sourceDir, `${state}.svg`), 'utf8');
    for (const variant of VARIANTS) {
      const svg = colorize(source, variant.glyph, variant.accent[state]);
      for (const [scale, size] of [
        ['', TRAY_SIZE],
        ['@2x', TRAY_SIZE * 2],
      ] as const) {
        const name = `${state}${variant.suffix}${scale}.png`;
        await writeFile(join(outDir, name), await png(svg, size));
        written.push(name);
      }
    }
  }
  return written;
}

export async function makeAppIcon(source: string, out: string): Promise<void> {
  const svg = await readFile(source);
  await sharp(svg, { density: 72 }).resize(1024, 1024).png({ compressionLevel: 9 }).toFile(out);
}

if (import.meta.main) {
  const build = new URL('../build/', import.meta.url).pathname;
  const files = await makeTrayIcons(join(build, 'tray'), join(build, 'tray', 'png'));
  await makeAppIcon(join(build, 'icon.svg'), join(build, 'icon.png'));
  console.log(`wrote ${files.length} tray icons and the app icon`);
}
