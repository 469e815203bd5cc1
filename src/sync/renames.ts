// Which local folders were renamed since SmugMug was last brought up to date. A renamed folder
// looks like a folder whose files all went away plus a new folder with the same files, so it is
// recognised by content (file names and sizes), and only between folders with the same parent:
// a folder moved elsewhere is handled file by file (its photos are moved, never uploaded again).
// Pure, so every case is tested with plain values.
import type { FileRow, NodeRow } from '../store/store.ts';
import { splitOverflow } from './remote-tree.ts';

export interface DirRename {
  from: string;
  to: string;
}

export function dirOf(relPath: string): string {
  const i = relPath.lastIndexOf('/');
  return i < 0 ? '' : relPath.slice(0, i);
}

function fingerprint(row: FileRow): string {
  return `${row.rel_path.slice(row.rel_path.lastIndexOf('/') + 1)}\0${row.size}`;
}

function groupByDir(rows: FileRow[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const dir = dirOf(r.rel_path);
    let set = out.get(dir);
    if (!set) {
      set = new Set();
      out.set(dir, set);
    }
    set.add(fingerprint(r));
  }
  return out;
}

function under(rel: string, dir: string): boolean {
  return rel === dir || rel.startsWith(`${dir}/`);
}

/**
 * `rows` are the folder's file records after a scan, `keptDirs` the local dirs that still hold
 * media, `nodes` the local dir → SmugMug node mapping. A dir that has a gallery but no media any
 * more, whose uploaded files (at least half of them) reappeared in one new dir without a gallery,
 * was renamed. Renames are given at the level where the name changed: "A/Day 1" → "B/Day 1" is
 * the rename "A" → "B", which carries every node below it along.
 */
export function findRenamedDirs(
  rows: FileRow[],
  keptDirs: Set<string>,
  nodes: Map<string, NodeRow>,
): DirRename[] {
  const mapped = new Set<string>();
  for (const key of nodes.keys()) {
    if (key.startsWith('D:') || key.startsWith('F:')) mapped.add(splitOverflow(key).base.slice(2));
  }
  const orphans = new Set([...mapped].filter((d) => d !== '' && nodes.has(`D:${d}`) && !keptDirs.has(d)));
  const newDirs = [...keptDirs].filter((d) => d !== '' && !mapped.has(d));
  if (orphans.size === 0 || newDirs.length === 0) return [];

  const gone = groupByDir(rows.filter((r) => r.state === 'deleted' && r.image_uri !== null));
  const arrived = groupByDir(rows.filter((r) => r.state === 'pending' && r.image_uri === null));
  const renames: DirRename[] = [];
  const used = new Set<string>();
  for (const to of newDirs.sort()) {
    const files = arrived.get(to);
    if (!files) continue;
    let best: { dir: string; matches: number } | undefined;
    for (const from of orphans) {
      const left = gone.get(from);
      if (!left || used.has(from)) continue;
      let matches = 0;
      for (const f of files) if (left.has(f)) matches++;
      if (matches > 0 && matches * 2 >= left.size && matches > (best?.matches ?? 0)) {
        best = { dir: from, matches };
      }
    }
    if (!best) continue;
    used.add(best.dir);
    const a = best.dir.split('/');
    const b = to.split('/');
    while (a.length > 1 && b.length > 1 && a.at(-1) === b.at(-1)) {
      a.pop();
      b.pop();
    }
    const rename = { from: a.join('/'), to: b.join('/') };
    if (dirOf(rename.from) !== dirOf(rename.to)) continue;
    // The old name must be gone entirely and the new one must not have a node yet: otherwise a
    // folder moved from one parent to another would look like its parents being renamed.
    if ([...keptDirs].some((d) => under(d, rename.from))) continue;
    if ([...mapped].some((d) => under(d, rename.to))) continue;
    if (renames.some((r) => r.from === rename.from)) continue;
    renames.push(rename);
  }
  return renames;
}
