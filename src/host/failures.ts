// Failed files grouped by what went wrong, each group in plain words with what the person can do.
// The reasons come from the engine (failure.ts), the media rules (media.ts) and the walk
// (walk.ts); one group can gather several exact messages ("too large: 3.2 GB…", "too large: 4 GB…").
import type { FailureGroupData, FailureItemData } from '../protocol/schema.ts';
import type { FileRow, Store } from '../store/store.ts';

export interface Explanation {
  reason: string;
  advice: string;
}

const RULES: { test: RegExp; explain: Explanation }[] = [
  {
    test: /RAW uploads require the Source/i,
    explain: {
      reason: 'SmugMug takes RAW files only with its Source add-on',
      advice: 'Add Source to your SmugMug plan and press Retry, or turn RAW files off in Settings.',
    },
  },
  {
    test: /^SmugMug refused this file/,
    explain: {
      reason: 'SmugMug refused these files',
      advice: 'SmugMug does not accept them as they are. Save them as JPEG and they upload; or Ignore them.',
    },
  },
  {
    test: /^too (large|long): /,
    explain: {
      reason: 'Too large or too long for SmugMug',
      advice:
        'SmugMug takes photos up to 500 MB and videos up to 3 GB and 20 minutes. Make a smaller or shorter copy, or Ignore them.',
    },
  },
  {
    test: /permission denied|operation not permitted/,
    explain: {
      reason: 'Safelight is not allowed to read these files',
      advice:
        'Let your user account read them (on a Mac: give Safelight Full Disk Access in System Settings), then press Retry.',
    },
  },
  {
    test: /input\/output error/,
    explain: {
      reason: 'The disk could not read these files',
      advice: 'The disk or network share may be failing or was disconnected. Check it, then press Retry.',
    },
  },
  {
    test: /^kept changing while uploading/,
    explain: {
      reason: 'These files kept changing while they were uploaded',
      advice:
        'Something is still writing to them. They upload once they stop changing; press Retry when they are done.',
    },
  },
  {
    test: /^file vanished/,
    explain: {
      reason: 'Moved or deleted before they could be uploaded',
      advice: 'Nothing to do if you moved them on purpose; press Retry to look for them again.',
    },
  },
  {
    test: /will try again on the next sync$/,
    explain: {
      reason: 'SmugMug could not be reached, or had a problem',
      advice: 'Safelight tries again by itself. Press Retry to try now.',
    },
  },
  {
    test: /symbolic link|folder loop|same folder as/,
    explain: {
      reason: 'Links that loop or repeat a folder',
      advice:
        'These links lead back into the folder, so they are left out. Remove the links, or Ignore them.',
    },
  },
  {
    test: /not valid UTF-8/,
    explain: {
      reason: 'Names Safelight cannot read',
      advice: 'These names came from an older system. Rename the files, then press Retry.',
    },
  },
  {
    test: /path is too long/,
    explain: {
      reason: 'Paths too long to read',
      advice: 'Shorten the folder or file names, then press Retry.',
    },
  },
];

/** The group a failure reason belongs to; an unknown reason is a group of its own. */
export function explain(reason: string): Explanation {
  const rule = RULES.find((r) => r.test.test(reason));
  if (rule) return rule.explain;
  const text = reason === '' ? 'Failed for an unknown reason' : reason[0]?.toUpperCase() + reason.slice(1);
  return { reason: text, advice: 'Press Retry; if it fails again, the reason above says what went wrong.' };
}

const FILES_PER_GROUP = 200;

function item(row: FileRow, folderPaths: Map<number, string>): FailureItemData {
  return {
    fileId: row.id,
    folderId: row.folder_id,
    relPath: row.rel_path,
    folderPath: folderPaths.get(row.folder_id) ?? '',
    error: row.last_error ?? '',
    kind: row.error_kind ?? 'permanent',
    attempts: row.attempts,
    updatedAt: row.updated_at,
  };
}

/** Every failure, grouped; the biggest groups first, each with its first files. */
export function failureGroups(store: Store): { total: number; groups: FailureGroupData[] } {
  const byGroup = new Map<string, { explain: Explanation; reasons: string[]; count: number }>();
  let total = 0;
  for (const { reason, count } of store.failureReasons()) {
    const e = explain(reason);
    const group = byGroup.get(e.reason) ?? { explain: e, reasons: [], count: 0 };
    group.reasons.push(reason);
    group.count += count;
    byGroup.set(e.reason, group);
    total += count;
  }
  const folderPaths = new Map(store.folders().map((f) => [f.id, f.path]));
  const groups = [...byGroup.values()]
    .sort((a, b) => b.count - a.count)
    .map((g) => ({
      ...g.explain,
      count: g.count,
      files: store.failedWith(g.reasons, FILES_PER_GROUP).map((r) => item(r, folderPaths)),
    }));
  return { total, groups };
}
