// A date-mode folder's choices as a person gives them (the window, `safelight add --by-date`):
// the gallery name format is checked before anything is stored, whatever is left out takes its
// default, and an example shows where a July 2024 photo would land.
// Browser-safe: the window checks the format and shows the example as it is typed.
import {
  type DateFolderOptions,
  DEFAULT_DATE_FOLDER_OPTIONS,
  formatPeriod,
  planByDate,
} from './date-mode.ts';

export const GALLERY_TOKENS = ['{YYYY}', '{YY}', '{MM}', '{M}', '{MMMM}', '{MMM}'] as const;
const MONTH_TOKENS: readonly string[] = ['{MM}', '{M}', '{MMMM}', '{MMM}'];
const KNOWN: readonly string[] = GALLERY_TOKENS;
export const GALLERY_FORMAT_MAX = 200;

export interface DateOptionsInput {
  /** SmugMug folder that holds the years; null = none (the years go straight into the target). */
  folderName?: string | null;
  galleryFormat?: string;
  yearFolders?: boolean;
}

/**
 * Why `format` cannot name month galleries, in words a person can act on; null when it can.
 * It needs a month token: with only a year, every month of a year would get the same name.
 */
export function galleryFormatProblem(format: string): string | null {
  const tokens = GALLERY_TOKENS.join(' ');
  if (format.trim() === '') {
    return `the gallery name format is empty: use tokens such as {YYYY}-{MM} {MMMM} (${galleryExample()})`;
  }
  for (const [token] of format.matchAll(/\{[^{}]*\}/g)) {
    if (!KNOWN.includes(token)) return `"${token}" in the gallery name format is not a token: use ${tokens}`;
  }
  if (!MONTH_TOKENS.some((token) => format.includes(token))) {
    return (
      `the gallery name format "${format}" has no month: add {MM} (07), {M} (7), {MMMM} (July) ` +
      `or {MMM} (Jul), or the months of a year would share one gallery name`
    );
  }
  if (format.length > GALLERY_FORMAT_MAX) {
    return `the gallery name format is longer than ${GALLERY_FORMAT_MAX} characters`;
  }
  return null;
}

/** The gallery of July 2024 under `format`: "2024-07 July" for the default. */
export function galleryExample(format = DEFAULT_DATE_FOLDER_OPTIONS.galleryFormat): string {
  return formatPeriod(format, 2024, 7);
}

/** What is stored for a date-mode folder: the choices given, the defaults for the rest. */
export function dateFolderOptions(input: DateOptionsInput = {}): DateFolderOptions {
  const d = DEFAULT_DATE_FOLDER_OPTIONS;
  const folderName = input.folderName === undefined ? d.folderName : input.folderName?.trim() || null;
  return {
    folderName,
    yearFolders: input.yearFolders ?? d.yearFolders,
    galleryFormat: input.galleryFormat ?? d.galleryFormat,
  };
}

/** The SmugMug names a photo taken in July 2024 goes through: ["Safelight Uploads", "2024", "2024-07 July"]. */
export function datePathExample(options: DateFolderOptions): string[] {
  const plan = planByDate([{ relPath: 'example', date: { year: 2024, month: 7 } }], {
    folderName: options.folderName,
    yearFolders: options.yearFolders,
    galleryFormat: options.galleryFormat,
  });
  return plan.nodes.map((n) => n.name);
}
