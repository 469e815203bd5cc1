// A connected folder's local subfolders beside the SmugMug folders and galleries they become:
// for a preview (nothing exists yet) and for a folder already backed up (what exists, and where
// to see it on the web).
import { basename } from 'node:path';
import { type MirrorPlan, planMirror } from '../plan/mirror.ts';
import { ALBUM_CAPACITY, overflowKey, overflowName } from '../plan/overflow.ts';
import type { MappingNodeData } from '../protocol/schema.ts';
import type { NodeType, Privacy } from '../smugmug/types.ts';
import type { FolderRow, NodeRow, Store } from '../store/store.ts';
import { splitOverflow } from '../sync/remote-tree.ts';

/** What SmugMug says about a node that exists: where to see it, and its privacy now. */
export interface RemoteFacts {
  webUrl: string | null;
  privacy?: Privacy;
}

export interface MappingInput {
  plan: MirrorPlan;
  /** The SmugMug folder the connected folder goes into, '/'-separated ('' = the account's root). */
  target: string;
  /** Media files directly in each local dir. */
  filesByDir: ReadonlyMap<string, number>;
  /** Nodes already on SmugMug, by plan key. */
  stored?: ReadonlyMap<string, NodeRow>;
  /** Uploaded files per gallery key, to split a dir's files over its overflow galleries. */
  uploadedByGallery?: ReadonlyMap<string, number>;
  /** Looked up on SmugMug, by node URI. */
  remote?: ReadonlyMap<string, RemoteFacts>;
}

/** Files at or below each dir. */
function filesBelow(filesByDir: ReadonlyMap<string, number>): Map<string, number> {
  const below = new Map<string, number>();
  for (const [dir, n] of filesByDir) {
    below.set('', (below.get('') ?? 0) + n);
    for (let i = dir.indexOf('/'); ; i = dir.indexOf('/', i + 1)) {
      const prefix = i === -1 ? dir : dir.slice(0, i);
      if (prefix !== '') below.set(prefix, (below.get(prefix) ?? 0) + n);
      if (i === -1) break;
    }
  }
  return below;
}

/** Overflow galleries of `key` after the first: those on SmugMug, else those its file count will need. */
function overflowParts(key: string, files: number, input: MappingInput): { index: number; files: number }[] {
  const stored = [...(input.stored?.keys() ?? [])]
    .map(splitOverflow)
    .filter((s) => s.base === key && s.index > 1)
    .sort((a, b) => a.index - b.index);
  if (stored.length > 0) {
    return stored.map((s) => ({
      index: s.index,
      files: input.uploadedByGallery?.get(overflowKey(key, s.index)) ?? 0,
    }));
  }
  const parts: { index: number; files: number }[] = [];
  for (let index = 2; (index - 1) * ALBUM_CAPACITY < files; index++) {
    parts.push({ index, files: Math.min(ALBUM_CAPACITY, files - (index - 1) * ALBUM_CAPACITY) });
  }
  return parts;
}

export function mappingNodes(input: MappingInput): MappingNodeData[] {
  const below = filesBelow(input.filesByDir);
  const paths = new Map<string, string>();
  const join = (parent: string, name: string) => (parent === '' ? name : `${parent}/${name}`);
  const out: MappingNodeData[] = [];
  const add = (
    key: string,
    parentPath: string,
    name: string,
    node: Omit<MappingNodeData, 'smugmugPath' | 'exists' | 'webUrl'>,
  ) => {
    const stored = input.stored?.get(key);
    const remote = stored ? input.remote?.get(stored.node_uri) : undefined;
    const smugmugPath = join(parentPath, stored?.name ?? name);
    paths.set(key, smugmugPath);
    out.push({
      ...node,
      privacy: remote?.privacy ?? node.privacy,
      smugmugPath,
      exists: stored !== undefined,
      webUrl: remote?.webUrl ?? null,
    });
  };
  for (const node of input.plan.nodes) {
    const parentPath = node.parentKey === null ? input.target : (paths.get(node.parentKey) ?? input.target);
    const base = { localPath: node.relPath, type: node.type, privacy: node.privacy, taken: null };
    if (node.type === 'Folder') {
      add(node.key, parentPath, node.name, { ...base, files: below.get(node.relPath) ?? 0 });
      continue;
    }
    const files = input.filesByDir.get(node.relPath) ?? 0;
    const parts = overflowParts(node.key, files, input);
    const inOverflow = parts.reduce((n, p) => n + p.files, 0);
    add(node.key, parentPath, node.name, { ...base, files: Math.max(0, files - inOverflow) });
    for (const part of parts) {
      add(overflowKey(node.key, part.index), parentPath, overflowName(node.name, part.index), {
        ...base,
        files: part.files,
      });
    }
  }
  return out;
}

/** '/'-separated SmugMug folder names without empty parts. */
export function normalTarget(target: string): string {
  return target
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean)
    .join('/');
}

/**
 * A connected folder's mapping as the engine plans it now: from the files it keeps in galleries
 * (uploaded or to upload) and the nodes already on SmugMug, which keep their type.
 */
export function folderMappingNodes(
  store: Store,
  folder: FolderRow,
  stored: ReadonlyMap<string, NodeRow>,
  remote: ReadonlyMap<string, RemoteFacts>,
): MappingNodeData[] {
  const kept = store.keptCounts(folder.id);
  const existing = new Map<string, NodeType>();
  for (const [key, node] of stored) {
    if (key.startsWith('D:') && splitOverflow(key).index === 1)
      existing.set(key.slice(2), node.type as NodeType);
  }
  const target = normalTarget(folder.target);
  const plan = planMirror(
    kept.map((k) => ({ relPath: k.dir, mediaCount: k.files })),
    {
      rootName: basename(folder.path),
      privacy: folder.privacy as Privacy,
      baseDepth: target === '' ? 0 : target.split('/').length,
      existing,
    },
  );
  return mappingNodes({
    plan,
    target,
    filesByDir: new Map(kept.map((k) => [k.dir, k.files])),
    stored,
    uploadedByGallery: store.uploadedCountsByGallery(folder.id),
    remote,
  });
}
