// Mirror mode (DESIGN.md plan/): the connected folder's tree becomes the same tree of SmugMug
// folders and galleries, bent only where SmugMug's rules force it (API-NOTES §5.3, §8.1).

import type { NodeType, Privacy } from '../smugmug/types.ts';
import { baseUrlName, displayName, uniqueUrlName } from './url-name.ts';

export interface LocalDir {
  /** Path relative to the connected folder, '/' separators; '' is the connected folder itself. */
  relPath: string;
  /** Media files directly in this folder (not in subfolders). */
  mediaCount: number;
}

export interface MirrorOptions {
  /** Name for the connected folder's own node (usually its basename). */
  rootName: string;
  /** For new galleries and folders. */
  privacy: Privacy;
  /** How many SmugMug folder levels the target SmugMug folder already sits at: 0 = account root. */
  baseDepth: number;
  /** SmugMug allows five folder levels below the account root; albums do not count. */
  maxFolderDepth?: number;
  /**
   * What local dirs already are on SmugMug (relPath → type of their 'D:' node). A node keeps
   * its type: a gallery that gains subfolders stays a gallery (they become galleries beside
   * it, as for folders too deep), and a folder that loses its subfolders stays a folder.
   */
  existing?: ReadonlyMap<string, NodeType>;
}

export interface PlannedNode {
  /** Stable key: 'D:<relPath>' for the node standing for a local dir; 'F:<relPath>' for the gallery holding the own files of a dir that is also a folder. */
  key: string;
  /** Key of the parent node; null = the target SmugMug folder. */
  parentKey: string | null;
  type: NodeType;
  name: string;
  urlName: string;
  privacy: Privacy;
  /** The local dir this node stands for. */
  relPath: string;
}

export interface MirrorPlan {
  /** Parents always before children, in a deterministic order (by relPath, segment by segment, by code unit). */
  nodes: PlannedNode[];
  /** For each local dir that has media: key of the gallery its files go into. */
  galleryFor: Map<string, string>;
  /** Plain-language notes for the person about where SmugMug's rules moved their photos. */
  warnings: string[];
}

export const DEFAULT_MAX_FOLDER_DEPTH = 5;
const UNTITLED = 'Untitled';

interface DirInfo {
  relPath: string;
  sortKey: string;
  parent: DirInfo | undefined;
  /** Display names: [connected folder, ...path segments]; a dir at depth k has k + 1 of them. */
  names: string[];
  hasMedia: boolean;
  hasChildren: boolean;
}

export function planMirror(dirs: LocalDir[], options: MirrorOptions): MirrorPlan {
  const maxFolderDepth = options.maxFolderDepth ?? DEFAULT_MAX_FOLDER_DEPTH;
  checkDepthOption('baseDepth', options.baseDepth, 0);
  checkDepthOption('maxFolderDepth', maxFolderDepth, 1);
  // Deepest local depth ('' = 0) whose dir may still be a SmugMug folder; -1 when not even the
  // connected folder may be one.
  const maxFolderK = Math.max(-1, maxFolderDepth - options.baseDepth - 1);
  const rootName = displayName(options.rootName, UNTITLED);

  const tree = relevantDirs(dirs, rootName);
  const plan: MirrorPlan = { nodes: [], galleryFor: new Map(), warnings: [] };
  const lowerUrlNamesByParent = new Map<string | null, Set<string>>();
  const add = (key: string, parentKey: string | null, type: NodeType, name: string, relPath: string) => {
    let taken = lowerUrlNamesByParent.get(parentKey);
    if (taken === undefined) {
      taken = new Set();
      lowerUrlNamesByParent.set(parentKey, taken);
    }
    const urlName = uniqueUrlName(baseUrlName(name, type === 'Folder' ? 'Folder' : 'Gallery'), taken);
    taken.add(urlName.toLowerCase());
    plan.nodes.push({ key, parentKey, type, name, urlName, privacy: options.privacy, relPath });
  };

  const existing = options.existing ?? new Map<string, NodeType>();
  for (const dir of tree) {
    const depth = dir.names.length - 1;
    const ownName = dir.names[depth] ?? rootName;
    const dKey = `D:${dir.relPath}`;
    // Depth of the shallowest ancestor (or self) that is already a gallery: nothing at or
    // below it can be a folder.
    const albumDepth = shallowestAlbum(dir, existing);
    const foldStart = Math.min(maxFolderK + 1, albumDepth ?? Number.POSITIVE_INFINITY);
    const wantsFolder = dir.hasChildren || existing.get(dir.relPath) === 'Folder';
    if (wantsFolder && depth < foldStart) {
      add(dKey, ancestorKey(dir, depth - 1), 'Folder', ownName, dir.relPath);
      if (dir.hasMedia) {
        const fKey = `F:${dir.relPath}`;
        add(fKey, dKey, 'Album', displayName(`Images from folder ${ownName}`, UNTITLED), dir.relPath);
        plan.galleryFor.set(dir.relPath, fKey);
      }
      continue;
    }
    if (!dir.hasMedia) continue;
    // Below the last allowed folder level, every dir's photos go into a gallery beside the others
    // in the deepest allowed folder, named after the path from the first level that did not fit.
    const firstFolded = Math.min(depth, foldStart);
    const anchorDepth = Math.min(depth - 1, foldStart - 1);
    const parentKey = ancestorKey(dir, anchorDepth);
    const name = displayName(dir.names.slice(firstFolded).join(' - '), UNTITLED);
    add(dKey, parentKey, 'Album', name, dir.relPath);
    plan.galleryFor.set(dir.relPath, dKey);
    if (albumDepth !== undefined && albumDepth <= maxFolderK && depth > albumDepth) {
      const gallery =
        dir.names
          .slice(0, albumDepth + 1)
          .slice(1)
          .join('/') || rootName;
      plan.warnings.push(
        `Folder "${gallery}" is already a gallery on SmugMug, and galleries cannot hold folders; ` +
          `the photos of "${dir.relPath}" go into gallery "${name}" beside it.`,
      );
    } else if (depth > maxFolderK + 1 || (dir.hasChildren && depth > maxFolderK)) {
      const where = anchorDepth < 0 ? 'the SmugMug folder you chose' : `"${dir.names[anchorDepth]}"`;
      const limit = `SmugMug's ${levels(maxFolderDepth)} folder levels`;
      const why =
        dir.relPath === ''
          ? `The connected folder "${rootName}" cannot be a folder on SmugMug, because the SmugMug folder you chose already uses all of ${limit}`
          : `Folder "${dir.relPath}" is deeper than ${limit}`;
      plan.warnings.push(`${why}; its photos go into gallery "${name}" inside ${where}.`);
    }
  }
  return plan;
}

function shallowestAlbum(dir: DirInfo, existing: ReadonlyMap<string, NodeType>): number | undefined {
  let found: number | undefined;
  for (let d: DirInfo | undefined = dir, depth = dir.names.length - 1; d; d = d.parent, depth--) {
    if (existing.get(d.relPath) === 'Album') found = depth;
  }
  return found;
}

/** Dirs with media and all their ancestors, parents first, in a locale-independent order. */
function relevantDirs(dirs: LocalDir[], rootName: string): DirInfo[] {
  const byPath = new Map<string, DirInfo>();
  const ensure = (relPath: string): DirInfo => {
    const known = byPath.get(relPath);
    if (known !== undefined) return known;
    let info: DirInfo;
    if (relPath === '') {
      info = {
        relPath,
        sortKey: '',
        names: [rootName],
        parent: undefined,
        hasMedia: false,
        hasChildren: false,
      };
    } else {
      const slash = relPath.lastIndexOf('/');
      const parent = ensure(slash < 0 ? '' : relPath.slice(0, slash));
      parent.hasChildren = true;
      const names = [...parent.names, displayName(relPath.slice(slash + 1), UNTITLED)];
      // NUL cannot appear in a file name, so with '/' mapped to it a plain code-unit compare
      // orders segment by segment: "a" < "a/b" < "a b", and every parent before its children.
      const sortKey = relPath.replaceAll('/', '\u0000');
      info = { relPath, sortKey, names, parent, hasMedia: false, hasChildren: false };
    }
    byPath.set(relPath, info);
    return info;
  };
  for (const dir of dirs) {
    if (!(dir.mediaCount > 0)) continue;
    checkRelPath(dir.relPath);
    ensure(dir.relPath).hasMedia = true;
  }
  return [...byPath.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

function checkRelPath(relPath: string): void {
  if (relPath === '') return;
  if (relPath.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(
      `Local folder path "${relPath}" is not a plain relative path ('/' between names, no empty, "." or ".." parts)`,
    );
  }
}

/** Key of the Folder node standing for the ancestor of `dir` at `depth`; null (the target) below 0. */
function ancestorKey(dir: DirInfo, depth: number): string | null {
  if (depth < 0) return null;
  let ancestor = dir;
  for (let d = dir.names.length - 1; d > depth && ancestor.parent !== undefined; d--) {
    ancestor = ancestor.parent;
  }
  return `D:${ancestor.relPath}`;
}

function checkDepthOption(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`planMirror: ${name} must be a whole number ≥ ${min}, got ${value}`);
  }
}

const LEVEL_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

function levels(n: number): string {
  return LEVEL_WORDS[n] ?? String(n);
}
