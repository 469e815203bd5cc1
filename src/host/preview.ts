// What connecting a folder would do, before anything is created: whether the folder can be
// connected at all, and the SmugMug folders and galleries its subfolders would become. The walk
// stops after a bounded number of files so a huge folder answers quickly (the counts are then a
// lower bound).
import { realpath } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { contains, FolderProblem, overlapProblem, resolveFolder } from '../library/connectable.ts';
import { type MediaSettings, makeClassifier, makeDirFilter } from '../library/media.ts';
import { walk } from '../library/walk.ts';
import { planMirror } from '../plan/mirror.ts';
import type { PreviewData } from '../protocol/schema.ts';
import type { Privacy } from '../smugmug/types.ts';
import { mappingNodes, normalTarget } from './mapping.ts';

export const DATE_MODE_LATER =
  'date mode arrives with iPhone import support; connect the folder in mirror mode for now';

const MAX_FILES = 20_000;
// A slow network share answers within this too, with what was found so far.
const MAX_WALK_MS = 10_000;

// DCF folder names cameras and phones write under DCIM: 100APPLE, 101MSDCF, 100CANON, 100_PANA.
const CAMERA_DIR = /^(DCIM|[1-9]\d{2}(?=[A-Z0-9_]*[A-Z])[A-Z0-9_]{5})$/;
const CAMERA_NAME = /^(IMG|DSC|DSCF|DSCN|PXL|MVIMG|VID|GOPR|DJI)[_-]?\d/i;

export interface FolderChoice {
  path: string;
  mode: 'mirror' | 'date';
  privacy: Privacy;
  target: string;
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
    };
  }
  const classify = makeClassifier(ctx.media);
  const filesByDir = new Map<string, number>();
  const maxFiles = ctx.maxFiles ?? MAX_FILES;
  let files = 0;
  let cameraNames = 0;
  let cameraDirs = false;
  let truncated = false;
  const deadline = performance.now() + MAX_WALK_MS;
  for await (const item of walk(path, { descend: makeDirFilter(ctx.media) })) {
    if (performance.now() > deadline) {
      truncated = true;
      break;
    }
    if (item.type !== 'file' || classify(item.relPath).kind !== 'media') continue;
    const slash = item.relPath.lastIndexOf('/');
    const dir = slash === -1 ? '' : item.relPath.slice(0, slash);
    filesByDir.set(dir, (filesByDir.get(dir) ?? 0) + 1);
    if (CAMERA_NAME.test(item.relPath.slice(slash + 1))) cameraNames++;
    if (++files >= maxFiles) {
      truncated = true;
      break;
    }
  }
  for (const dir of filesByDir.keys()) {
    if (dir.split('/').some((segment) => CAMERA_DIR.test(segment))) cameraDirs = true;
  }
  const looksLikeCameraDump = cameraDirs || (files > 0 && cameraNames / files > 0.5);
  const base = { path, files, truncated, looksLikeCameraDump };
  if (choice.mode === 'date') return { ...base, problem: DATE_MODE_LATER, nodes: [] };
  const target = normalTarget(choice.target);
  const plan = planMirror(
    [...filesByDir].map(([relPath, mediaCount]) => ({ relPath, mediaCount })),
    {
      rootName: basename(path),
      privacy: choice.privacy,
      baseDepth: target === '' ? 0 : target.split('/').length,
    },
  );
  return { ...base, problem: null, nodes: mappingNodes({ plan, target, filesByDir }) };
}
