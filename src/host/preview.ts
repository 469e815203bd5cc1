// What connecting a folder would do, before anything is created: whether the folder can be
// connected at all, whether it looks like a camera or phone import, and the SmugMug folders and
// galleries it would become: its subfolders (mirror mode), or months of capture read from a sample
// of its files (date mode). The walk stops after a bounded number of files so a huge folder
// answers quickly (the counts are then a lower bound).
import { realpath } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { readCaptureDate } from '../library/capture-date.ts';
import { contains, FolderProblem, overlapProblem, resolveFolder } from '../library/connectable.ts';
import { type MediaSettings, makeClassifier, makeDirFilter } from '../library/media.ts';
import { walk } from '../library/walk.ts';
import { looksLikeCameraDump } from '../plan/camera-dump.ts';
import { type DatedFile, planByDate } from '../plan/date-mode.ts';
import { type DateOptionsInput, dateFolderOptions } from '../plan/date-options.ts';
import { planMirror } from '../plan/mirror.ts';
import type { PreviewData } from '../protocol/schema.ts';
import type { Privacy } from '../smugmug/types.ts';
import { dateMappingNodes } from './date-mapping.ts';
import { mappingNodes, normalTarget } from './mapping.ts';

const MAX_FILES = 20_000;
// A slow network share answers within this too, with what was found so far.
const MAX_WALK_MS = 10_000;
// Date mode reads the capture dates of this many files, spread over the folder, and for no longer
// than this: enough to show which months there are without reading a whole library.
const DATE_SAMPLE = 500;
const DATE_READERS = 8;
const MAX_DATES_MS = 8000;

export interface FolderChoice {
  path: string;
  mode: 'mirror' | 'date';
  privacy: Privacy;
  target: string;
  dateOptions?: DateOptionsInput;
}

/** The media files a bounded walk found, in the order found. */
export interface MediaSample {
  relPaths: string[];
  /** The walk stopped early (a very large or slow folder). */
  truncated: boolean;
}

export interface ConnectContext {
  /** Paths of the folders already connected. */
  connected: string[];
  /** Safelight's own data folder: connecting it (or a folder holding it) would back up its thumbnails. */
  home: string;
  media: MediaSettings;
  maxFiles?: number;
}

/** The folder as it would be stored; throws a FolderProblem saying why it cannot be connected. */
export async function checkFolder(path: string, ctx: ConnectContext): Promise<string> {
  if (!isAbsolute(path)) throw new FolderProblem(`choose the folder by its full path ("${path}" is not one)`);
  const resolved = await resolveFolder(path);
  const overlap = overlapProblem(resolved, ctx.connected);
  if (overlap) throw new FolderProblem(overlap);
  const home = await realpath(ctx.home).catch(() => ctx.home);
  if (contains(resolved, home) || contains(home, resolved)) {
    throw new FolderProblem(
      `${resolved} overlaps Safelight's own data folder ${home}; choose another folder`,
    );
  }
  return resolved;
}

/** The folder's photos and videos, up to `maxFiles` of them or as many as MAX_WALK_MS finds. */
export async function sampleMedia(
  path: string,
  media: MediaSettings,
  maxFiles = MAX_FILES,
): Promise<MediaSample> {
  const classify = makeClassifier(media);
  const relPaths: string[] = [];
  const deadline = performance.now() + MAX_WALK_MS;
  for await (const item of walk(path, { descend: makeDirFilter(media) })) {
    if (performance.now() > deadline) return { relPaths, truncated: true };
    if (item.type !== 'file' || classify(item.relPath).kind !== 'media') continue;
    relPaths.push(item.relPath);
    if (relPaths.length >= maxFiles) return { relPaths, truncated: true };
  }
  return { relPaths, truncated: false };
}

/**
 * Whether a folder that looks like a camera import should start in date mode rather than only be
 * offered it: subfolders a person named ("Lisbon 2023") say how the photos are sorted, while a
 * camera's folders (DCIM, 100APPLE) or no subfolders at all say nothing.
 */
function prefersDateMode(relPaths: readonly string[], likely: boolean): boolean {
  if (!likely) return false;
  const dirs = new Set<string>();
  for (const relPath of relPaths) {
    const slash = relPath.lastIndexOf('/');
    if (slash !== -1) dirs.add(relPath.slice(0, slash));
  }
  // The folder rule alone: a stand-in name with no extension is never counted as a camera's file.
  return dirs.size === 0 || looksLikeCameraDump([...dirs].map((dir) => `${dir}/-`)).likely;
}

/** Capture dates of up to DATE_SAMPLE of `relPaths`, evenly spread so every part of the folder counts. */
async function sampleDates(root: string, relPaths: readonly string[]): Promise<DatedFile[]> {
  const step = Math.max(1, relPaths.length / DATE_SAMPLE);
  const picked: string[] = [];
  for (let i = 0; i < relPaths.length && picked.length < DATE_SAMPLE; i += step) {
    picked.push(relPaths[Math.floor(i)] as string);
  }
  const dated: DatedFile[] = [];
  const deadline = performance.now() + MAX_DATES_MS;
  let next = 0;
  const reader = async () => {
    while (next < picked.length && performance.now() < deadline) {
      const relPath = picked[next++] as string;
      // A file that went away or cannot be opened now is simply left out of the sample.
      const capture = await readCaptureDate(join(root, relPath)).catch(() => null);
      if (capture === null) continue;
      dated.push({
        relPath,
        date: { year: capture.date.year, month: capture.date.month },
        source: capture.source,
      });
    }
  };
  await Promise.all(Array.from({ length: DATE_READERS }, reader));
  return dated;
}

export async function previewFolder(choice: FolderChoice, ctx: ConnectContext): Promise<PreviewData> {
  let path: string;
  try {
    path = await checkFolder(choice.path, ctx);
  } catch (e) {
    if (!(e instanceof FolderProblem)) throw e;
    return {
      path: null,
      problem: e.message,
      nodes: [],
      files: 0,
      truncated: false,
      looksLikeCameraDump: false,
      cameraDumpReason: '',
      prefersDateMode: false,
      dates: null,
    };
  }
  const { relPaths, truncated } = await sampleMedia(path, ctx.media, ctx.maxFiles);
  const dump = looksLikeCameraDump(relPaths);
  const base = {
    path,
    problem: null,
    files: relPaths.length,
    truncated,
    looksLikeCameraDump: dump.likely,
    cameraDumpReason: dump.reason,
    prefersDateMode: prefersDateMode(relPaths, dump.likely),
  };
  const target = normalTarget(choice.target);
  const baseDepth = target === '' ? 0 : target.split('/').length;
  if (choice.mode === 'date') {
    const dated = await sampleDates(path, relPaths);
    const options = dateFolderOptions(choice.dateOptions);
    const plan = planByDate(dated, { ...options, privacy: choice.privacy, baseDepth });
    const files = new Map<string, number>();
    for (const key of plan.galleryFor.values()) files.set(key, (files.get(key) ?? 0) + 1);
    return {
      ...base,
      nodes: dateMappingNodes({ plan, target, files }),
      dates: {
        sampled: dated.length,
        undated: dated.filter((d) => d.source === 'mtime').length,
        warnings: plan.warnings,
      },
    };
  }
  const filesByDir = new Map<string, number>();
  for (const relPath of relPaths) {
    const slash = relPath.lastIndexOf('/');
    const dir = slash === -1 ? '' : relPath.slice(0, slash);
    filesByDir.set(dir, (filesByDir.get(dir) ?? 0) + 1);
  }
  const plan = planMirror(
    [...filesByDir].map(([relPath, mediaCount]) => ({ relPath, mediaCount })),
    { rootName: basename(path), privacy: choice.privacy, baseDepth },
  );
  return { ...base, nodes: mappingNodes({ plan, target, filesByDir }), dates: null };
}
