// Names for SmugMug nodes (API-NOTES §5.1, §5.2): the Name a person sees, and the UrlName that
// must start with a capital letter or digit, use only [A-Za-z0-9-], stay within 60 characters
// and be unique among siblings (a clash is a 409 from the server).

import { clipText } from './clip.ts';

export const URL_NAME_MAX = 60;
export const NAME_MAX = 254;

const VALID_URL_NAME = /^[A-Z0-9][A-Za-z0-9-]{0,59}$/;

// Latin letters that NFKD does not split into base letter + mark, so stripping marks alone
// would turn "Straße" or "Łódź" into hyphens.
const TRANSLITERATIONS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
};
const TRANSLITERATED = new RegExp(`[${Object.keys(TRANSLITERATIONS).join('')}]`, 'gu');

export function isValidUrlName(s: string): boolean {
  return VALID_URL_NAME.test(s);
}

/** Display name: trimmed, inner whitespace runs collapsed, at most 254 chars (never splitting an emoji); empty -> fallback. */
export function displayName(name: string, fallback: string): string {
  // NFC so a name read from macOS (decomposed) and from Windows (composed) is the same Name.
  const cleaned = clipText(
    name
      .normalize('NFC')
      .replace(/[\s\p{Cc}]+/gu, ' ')
      .trim(),
    NAME_MAX,
  );
  return cleaned === '' ? fallback : cleaned;
}

/**
 * A valid SmugMug UrlName for a display name, unique against `taken` (compared case-insensitively)
 * by appending "-2", "-3"…; names with no usable characters get `fallback`. Does not add to `taken`.
 */
export function urlNameFor(name: string, taken: ReadonlySet<string>, fallback = 'Untitled'): string {
  const lowerTaken = new Set<string>();
  for (const t of taken) lowerTaken.add(t.toLowerCase());
  return uniqueUrlName(baseUrlName(name, fallback), lowerTaken);
}

/** The UrlName for `name` before any uniqueness suffix. */
export function baseUrlName(name: string, fallback: string): string {
  return slug(name) || slug(fallback) || 'Untitled';
}

/**
 * `base` (already valid) made unique against `lowerTaken`, which holds lower-cased UrlNames.
 * Lets a caller that names many siblings keep one lower-cased set instead of rebuilding it per name.
 */
export function uniqueUrlName(base: string, lowerTaken: ReadonlySet<string>): string {
  const plain = cutAtWord(base, URL_NAME_MAX);
  if (!lowerTaken.has(plain.toLowerCase())) return plain;
  // Every candidate ends in its own "-n" (a cut base never ends in '-'), so they are all
  // different and one of the first taken.size + 1 must be free.
  for (let n = 2; n <= lowerTaken.size + 2; n++) {
    const suffix = `-${n}`;
    const candidate = cutAtWord(base, URL_NAME_MAX - suffix.length) + suffix;
    if (!lowerTaken.has(candidate.toLowerCase())) return candidate;
  }
  throw new Error(`No free UrlName for "${base}" among ${lowerTaken.size} siblings`);
}

function slug(name: string): string {
  const ascii = name
    .replace(TRANSLITERATED, (ch) => TRANSLITERATIONS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  const hyphenated = ascii.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (hyphenated === '') return '';
  return hyphenated.charAt(0).toUpperCase() + hyphenated.slice(1);
}

/** `s` in at most `max` characters, cut at a hyphen when that keeps at least half of the room. */
function cutAtWord(s: string, max: number): string {
  if (s.length <= max) return s;
  const hyphen = s.lastIndexOf('-', max);
  // Cutting "A-Very…long…word" at its only hyphen would leave just "A"; a hard cut says more.
  const end = hyphen >= max / 2 ? hyphen : max;
  return s.slice(0, end).replace(/-+$/, '');
}
