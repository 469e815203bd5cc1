// Date mode (DESIGN.md plan/): for folders that are a camera's or a phone's dump (DCIM/100APPLE,
// an Apple Photos export), galleries by year and month of capture instead of the folder tree:
// "Safelight Uploads" → "2024" → "2024-07 July". Months fill galleries as mirror mode's folders
// do, spilling over 5,000 into "2024-07 July (2)", and a file once placed never moves.

import type { NodeType, Privacy } from '../smugmug/types.ts';
import { ALBUM_CAPACITY, assignOverflow, overflowKey, overflowName } from './overflow.ts';
import { baseUrlName, displayName, uniqueUrlName } from './url-name.ts';

export interface DatedFile {
  /** Path relative to the connected folder, '/' separators. */
  relPath: string;
  /** The wall-clock capture date (CaptureDate.date); only the year and month are used. */
  date: { year: number; month: number };
  /** Where the date came from; files dated by modification time are counted in a warning. */
  source?: 'exif' | 'quicktime-keys' | 'quicktime-mvhd' | 'mtime';
  /** Key of the gallery an earlier plan put this file in: it stays there. */
  placedIn?: string;
}

export interface DateModeOptions {
  /** SmugMug folder (in the chosen target) that holds everything; null = the target itself. */
  folderName?: string | null;
  /** A folder per year around the month galleries; default true. */
  yearFolders?: boolean;
  /** Year folder name; tokens as for galleryFormat. Default "{YYYY}". */
  yearFormat?: string;
  /**
   * Gallery name: {YYYY} 2024, {YY} 24, {MM} 07, {M} 7, {MMMM} July, {MMM} Jul.
   * Default "{YYYY}-{MM} {MMMM}".
   */
  galleryFormat?: string;
  /** Language of month names (BCP 47); default "en". */
  locale?: string;
  /** For new galleries and folders; default Private. */
  privacy?: Privacy;
  /** SmugMug folder level of the chosen target: 0 = account root. */
  baseDepth?: number;
  maxFolderDepth?: number;
  capacity?: number;
  /** Images already in a gallery (by key) beyond the files listed, e.g. found on SmugMug. */
  existingCounts?: ReadonlyMap<string, number>;
}

export interface DateNode {
  /** 'U:' for the uploads folder, 'Y:2024' for a year, 'M:2024-07' (then 'M:2024-07//2'…) for a month. */
  key: string;
  /** Null = the chosen target folder. */
  parentKey: string | null;
  type: NodeType;
  name: string;
  urlName: string;
  privacy: Privacy;
  year: number | null;
  month: number | null;
  /** 1 for a month's first gallery, 2 for "(2)"…; 0 for folders. */
  part: number;
}

export interface DatePlan {
  /** Parents before children; years and months in calendar order. */
  nodes: DateNode[];
  /** relPath → key of the gallery the file goes into. */
  galleryFor: Map<string, string>;
  warnings: string[];
}

export const DEFAULT_UPLOADS_FOLDER = 'Safelight Uploads';
export const DEFAULT_YEAR_FORMAT = '{YYYY}';
export const DEFAULT_GALLERY_FORMAT = '{YYYY}-{MM} {MMMM}';
const DEFAULT_MAX_FOLDER_DEPTH = 5;
const UPLOADS_KEY = 'U:';
const MONTH_KEY = /^M:(\d{4})-(\d{2})(?:\/\/(\d+))?$/;
const TOKEN = /\{(YYYY|YY|MMMM|MMM|MM|M)\}/g;

/** A name format filled in for a month: formatPeriod('{YYYY}-{MM} {MMMM}', 2024, 7) = "2024-07 July". */
export function formatPeriod(format: string, year: number, month: number, locale = 'en'): string {
  const yyyy = String(year).padStart(4, '0');
  return format.replace(TOKEN, (_, token: string) => {
    switch (token) {
      case 'YYYY':
        return yyyy;
      case 'YY':
        return yyyy.slice(-2);
      case 'MM':
        return String(month).padStart(2, '0');
      case 'M':
        return String(month);
      default:
        return monthName(locale, month, token === 'MMMM' ? 'long' : 'short');
    }
  });
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

function monthName(locale: string, month: number, width: 'long' | 'short'): string {
  const id = `${locale}\u0000${width}`;
  let format = monthFormats.get(id);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { month: width, timeZone: 'UTC' });
    monthFormats.set(id, format);
  }
  return format.format(Date.UTC(2000, month - 1, 1));
}

export function monthKey(year: number, month: number): string {
  return `M:${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function planByDate(files: readonly DatedFile[], options: DateModeOptions = {}): DatePlan {
  const privacy = options.privacy ?? 'Private';
  const locale = options.locale ?? 'en';
  const capacity = options.capacity ?? ALBUM_CAPACITY;
  const baseDepth = options.baseDepth ?? 0;
  const maxFolderDepth = options.maxFolderDepth ?? DEFAULT_MAX_FOLDER_DEPTH;
  if (!Number.isInteger(baseDepth) || baseDepth < 0 || baseDepth > maxFolderDepth) {
    throw new RangeError(
      `planByDate: baseDepth must be a whole number from 0 to ${maxFolderDepth}, got ${baseDepth}`,
    );
  }
  const plan: DatePlan = { nodes: [], galleryFor: new Map(), warnings: [] };
  if (files.length === 0) return plan;

  // SmugMug allows five folder levels; galleries do not count. Year folders go first when
  // the chosen target leaves too few, then the uploads folder.
  const room = maxFolderDepth - baseDepth;
  const folderName = displayName(options.folderName ?? DEFAULT_UPLOADS_FOLDER, DEFAULT_UPLOADS_FOLDER);
  let useFolder = options.folderName !== null;
  let useYears = options.yearFolders ?? true;
  if (useYears && room < (useFolder ? 2 : 1)) {
    useYears = false;
    plan.warnings.push(
      'The SmugMug folder you chose is too deep for year folders (SmugMug allows five folder levels); the month galleries go straight into it.',
    );
  }
  if (useFolder && room < 1) {
    useFolder = false;
    plan.warnings.push(
      `The SmugMug folder you chose is too deep for a "${folderName}" folder inside it (SmugMug allows five folder levels); the galleries go straight into it.`,
    );
  }
  let galleryFormat = options.galleryFormat ?? DEFAULT_GALLERY_FORMAT;
  if (!useYears && !/\{YY(YY)?\}/.test(galleryFormat)) {
    // Without year folders, "July" of two years would be two galleries of the same name.
    galleryFormat = `{YYYY} ${galleryFormat}`;
  }

  const months = groupByMonth(files, plan);
  const taken = new Map<string | null, Set<string>>();
  const add = (node: Omit<DateNode, 'urlName' | 'privacy'>) => {
    let siblings = taken.get(node.parentKey);
    if (siblings === undefined) {
      siblings = new Set();
      taken.set(node.parentKey, siblings);
    }
    const urlName = uniqueUrlName(
      baseUrlName(node.name, node.type === 'Folder' ? 'Folder' : 'Gallery'),
      siblings,
    );
    siblings.add(urlName.toLowerCase());
    plan.nodes.push({ ...node, urlName, privacy });
  };

  if (useFolder) {
    add({
      key: UPLOADS_KEY,
      parentKey: null,
      type: 'Folder',
      name: folderName,
      year: null,
      month: null,
      part: 0,
    });
  }
  const top = useFolder ? UPLOADS_KEY : null;
  let lastYear: number | null = null;
  for (const [key, group] of [...months].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { year, month } = group;
    if (useYears && year !== lastYear) {
      const name = displayName(
        formatPeriod(options.yearFormat ?? DEFAULT_YEAR_FORMAT, year, 1, locale),
        String(year),
      );
      add({
        key: `Y:${String(year).padStart(4, '0')}`,
        parentKey: top,
        type: 'Folder',
        name,
        year,
        month: null,
        part: 0,
      });
      lastYear = year;
    }
    const parentKey = useYears ? `Y:${String(year).padStart(4, '0')}` : top;
    const name = displayName(formatPeriod(galleryFormat, year, month, locale), key.slice(2));
    const counts = new Map<number, number>();
    for (const [galleryKey, count] of options.existingCounts ?? []) {
      const parsed = parseMonthKey(galleryKey);
      if (parsed !== null && parsed.key === key)
        counts.set(parsed.part, (counts.get(parsed.part) ?? 0) + count);
    }
    const parts = assignOverflow(group.files, capacity, counts);
    const used = [...new Set(parts.values())].sort((a, b) => a - b);
    for (const part of used) {
      add({
        key: overflowKey(key, part),
        parentKey,
        type: 'Album',
        name: overflowName(name, part),
        year,
        month,
        part,
      });
    }
    for (const [relPath, part] of parts) plan.galleryFor.set(relPath, overflowKey(key, part));
  }
  return plan;
}

interface MonthFiles {
  year: number;
  month: number;
  files: { name: string; index?: number }[];
}

function groupByMonth(files: readonly DatedFile[], plan: DatePlan): Map<string, MonthFiles> {
  const months = new Map<string, MonthFiles>();
  let byMtime = 0;
  for (const file of files) {
    const placed = file.placedIn === undefined ? null : parseMonthKey(file.placedIn);
    let year = file.date.year;
    let month = file.date.month;
    if (placed !== null) ({ year, month } = placed);
    else checkDate(file);
    if (file.source === 'mtime' && placed === null) byMtime++;
    const key = monthKey(year, month);
    let entry = months.get(key);
    if (entry === undefined) {
      entry = { year, month, files: [] };
      months.set(key, entry);
    }
    entry.files.push(placed === null ? { name: file.relPath } : { name: file.relPath, index: placed.part });
  }
  if (byMtime > 0) {
    plan.warnings.push(
      `${byMtime === 1 ? '1 file has' : `${byMtime} files have`} no capture date inside; ` +
        'placed by the date the file was last modified.',
    );
  }
  return months;
}

function parseMonthKey(key: string): { key: string; year: number; month: number; part: number } | null {
  const match = MONTH_KEY.exec(key);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const part = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12 || part < 1) return null;
  return { key: monthKey(year, month), year, month, part };
}

function checkDate(file: DatedFile): void {
  const { year, month } = file.date;
  if (
    !Number.isInteger(year) ||
    year < 1 ||
    year > 9999 ||
    !Number.isInteger(month) ||
    month < 1 ||
    month > 12
  ) {
    throw new RangeError(`"${file.relPath}" has an impossible capture date (year ${year}, month ${month})`);
  }
}

/** What a date-mode folder keeps (folders.date_options, JSON): where its galleries go and their names. */
export interface DateFolderOptions {
  /** SmugMug folder inside the folder's target that holds the years; null = the target itself. */
  folderName: string | null;
  yearFolders: boolean;
  galleryFormat: string;
}

export const DEFAULT_DATE_FOLDER_OPTIONS: DateFolderOptions = {
  folderName: DEFAULT_UPLOADS_FOLDER,
  yearFolders: true,
  galleryFormat: DEFAULT_GALLERY_FORMAT,
};

/** A folder's stored date options; anything missing or of the wrong kind takes its default. */
export function parseDateFolderOptions(json: string): DateFolderOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = {};
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_DATE_FOLDER_OPTIONS;
  return {
    folderName: o.folderName === null || typeof o.folderName === 'string' ? o.folderName : d.folderName,
    yearFolders: typeof o.yearFolders === 'boolean' ? o.yearFolders : d.yearFolders,
    galleryFormat:
      typeof o.galleryFormat === 'string' && o.galleryFormat.trim() !== ''
        ? o.galleryFormat
        : d.galleryFormat,
  };
}
