// A date-mode folder's SmugMug tree as the window shows it: the uploads folder, a folder per year
// and a gallery per month of capture, with how many files each holds, for a preview (planned from
// a sample of dates) and for a folder being backed up (the galleries on SmugMug and those its
// waiting files will need).
import { type DatedFile, type DatePlan, parseDateFolderOptions, planByDate } from '../plan/date-mode.ts';
import { overflowKey } from '../plan/overflow.ts';
import type { MappingNodeData } from '../protocol/schema.ts';
import type { Privacy } from '../smugmug/types.ts';
import type { FolderRow, NodeRow, Store } from '../store/store.ts';
import { splitOverflow } from '../sync/remote-tree.ts';
import { normalTarget, type RemoteFacts } from './mapping.ts';

export interface DateMappingInput {
  plan: DatePlan;
  /** The SmugMug folder the dated tree goes into, '/'-separated ('' = the account's root). */
  target: string;
  /** Files per gallery key ('M:2024-07', 'M:2024-07//2'). */
  files: ReadonlyMap<string, number>;
  /** Nodes already on SmugMug, by plan key. */
  stored?: ReadonlyMap<string, NodeRow>;
  /** Looked up on SmugMug, by node URI. */
  remote?: ReadonlyMap<string, RemoteFacts>;
}

const MONTH_GALLERY = /^M:(\d{4})-(\d{2})$/;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function dateMappingNodes(input: DateMappingInput): MappingNodeData[] {
  const parentOf = new Map(input.plan.nodes.map((n) => [n.key, n.parentKey]));
  const below = new Map<string, number>();
  for (const node of input.plan.nodes) {
    if (node.type !== 'Album') continue;
    const files = input.files.get(node.key) ?? 0;
    for (let p = node.parentKey; p !== null; p = parentOf.get(p) ?? null)
      below.set(p, (below.get(p) ?? 0) + files);
  }
  const paths = new Map<string, string>();
  return input.plan.nodes.map((node) => {
    const stored = input.stored?.get(node.key);
    const remote = stored ? input.remote?.get(stored.node_uri) : undefined;
    const parentPath = node.parentKey === null ? input.target : (paths.get(node.parentKey) ?? input.target);
    const name = stored?.name ?? node.name;
    const smugmugPath = parentPath === '' ? name : `${parentPath}/${name}`;
    paths.set(node.key, smugmugPath);
    return {
      localPath: '',
      smugmugPath,
      type: node.type,
      privacy: remote?.privacy ?? node.privacy,
      files: node.type === 'Album' ? (input.files.get(node.key) ?? 0) : (below.get(node.key) ?? 0),
      exists: stored !== undefined,
      webUrl: remote?.webUrl ?? null,
      taken:
        node.year === null
          ? null
          : node.month === null
            ? pad(node.year, 4)
            : `${pad(node.year, 4)}-${pad(node.month, 2)}`,
    };
  });
}

/**
 * A date-mode folder's mapping now: the month galleries its kept files are placed in, those its
 * waiting files will go to (by their month of capture, into the month's last gallery), and every
 * month gallery already on SmugMug, inside their year folders and the uploads folder.
 */
export function dateFolderMappingNodes(
  store: Store,
  folder: FolderRow,
  stored: ReadonlyMap<string, NodeRow>,
  remote: ReadonlyMap<string, RemoteFacts>,
): MappingNodeData[] {
  const files = new Map<string, number>();
  const add = (key: string, n: number) => files.set(key, (files.get(key) ?? 0) + n);
  for (const key of stored.keys()) if (MONTH_GALLERY.test(splitOverflow(key).base)) add(key, 0);
  const unplaced: { month: string; files: number }[] = [];
  for (const row of store.keptCountsByGallery(folder.id)) {
    if (row.key !== null) add(row.key, row.files);
    else if (row.month !== null) unplaced.push({ month: row.month, files: row.files });
  }
  for (const { month, files: n } of unplaced) {
    const base = `M:${month}`;
    const parts = [...files.keys()].map(splitOverflow).filter((s) => s.base === base);
    const last = Math.max(1, ...parts.map((s) => s.index));
    add(overflowKey(base, last), n);
  }
  // One stand-in file per gallery, placed in it, so the plan names and nests exactly these.
  const dated: DatedFile[] = [];
  for (const key of files.keys()) {
    const { base, index } = splitOverflow(key);
    const match = MONTH_GALLERY.exec(base);
    if (match === null || index < 1) continue;
    const year = Number(match[1]);
    const month = Number(match[2]);
    if (year < 1 || month < 1 || month > 12) continue;
    dated.push({ relPath: key, date: { year, month }, placedIn: key });
  }
  const target = normalTarget(folder.target);
  const plan = planByDate(dated, {
    ...parseDateFolderOptions(folder.date_options),
    privacy: folder.privacy as Privacy,
    baseDepth: target === '' ? 0 : target.split('/').length,
  });
  return dateMappingNodes({ plan, target, files, stored, remote });
}
