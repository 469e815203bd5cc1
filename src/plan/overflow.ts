// SmugMug galleries hold at most 5,000 images (API-NOTES §5.3); a local folder with more files
// spills into "Name (2)", "Name (3)"… — the convention of other SmugMug tools (API-NOTES §8.2).

import { clipText } from './clip.ts';
import { NAME_MAX } from './url-name.ts';

export const ALBUM_CAPACITY = 5000;

/** Name of the index-th gallery of a folder: 1 -> name; 2 -> "name (2)", kept within SmugMug's 254 characters. */
export function overflowName(name: string, index: number): string {
  checkIndex(index, 'gallery index');
  if (index === 1) return name;
  const suffix = ` (${index})`;
  return `${clipText(name, NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * Plan key of the index-th gallery: 1 -> key; 2 -> "key//2". A relative path never holds "//",
 * so the suffix cannot be mistaken for part of a folder name ("Roll #2" is a fine name).
 */
export function overflowKey(key: string, index: number): string {
  checkIndex(index, 'gallery index');
  return index === 1 ? key : `${key}//${index}`;
}

/**
 * Sticky assignment of files to the galleries of one local dir: files that already have a gallery index keep it
 * (a file that was uploaded never moves); new files (sorted by name, stable) fill the lowest index with room.
 * `counts` = images already in each gallery index beyond the files listed (e.g. found on SmugMug), default none.
 */
export function assignOverflow(
  files: { name: string; index?: number }[],
  capacity: number = ALBUM_CAPACITY,
  counts: ReadonlyMap<number, number> = new Map(),
): Map<string, number> {
  checkIndex(capacity, 'gallery capacity');
  const used = new Map<number, number>();
  for (const [index, count] of counts) {
    checkIndex(index, 'gallery index in counts');
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`Image count for gallery ${index} must be a whole number ≥ 0, got ${count}`);
    }
    used.set(index, count);
  }

  const assigned = new Map<string, number>();
  const fresh: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.name)) throw new Error(`File "${file.name}" is listed twice for the same folder`);
    seen.add(file.name);
    if (file.index === undefined) {
      fresh.push(file.name);
      continue;
    }
    checkIndex(file.index, `gallery index of "${file.name}"`);
    assigned.set(file.name, file.index);
    used.set(file.index, (used.get(file.index) ?? 0) + 1);
  }

  fresh.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Galleries only fill up here, so the lowest one with room never moves backwards.
  let index = 1;
  for (const name of fresh) {
    while ((used.get(index) ?? 0) >= capacity) index++;
    assigned.set(name, index);
    used.set(index, (used.get(index) ?? 0) + 1);
  }
  return assigned;
}

function checkIndex(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`The ${what} must be a whole number ≥ 1, got ${value}`);
  }
}
