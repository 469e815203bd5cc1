// Every command the UI can send the engine (request → reply) and every event the engine sends
// the UI, declared once as runtime schemas (valibot) from which the TypeScript types are
// inferred. The engine validates each incoming request against these before acting on it.
// Browser-safe: the renderer imports this file, so nothing here may import a Node module.
import * as v from 'valibot';
import { GALLERY_FORMAT_MAX, galleryFormatProblem } from '../plan/date-options.ts';

const id = v.pipe(v.number(), v.integer(), v.minValue(1));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const timestamp = v.number();
const nothing = v.null();

export const PRIVACY = ['Private', 'Unlisted', 'Public'] as const;
export const MAPPING_MODES = ['mirror', 'date'] as const;
export const WATCH_SETTINGS = ['auto', 'native', 'polling'] as const;
export const FILE_FILTERS = [
  'all',
  'pending',
  'uploading',
  'uploaded',
  'failed',
  'skipped',
  'deleted',
  'ignored',
] as const;

// ---- values shared by several messages -------------------------------------------------------

export const FolderState = v.picklist([
  'starting',
  'scanning',
  'settling',
  'uploading',
  'up-to-date',
  'paused',
  'offline',
  'rate-limited',
  'failed-items',
  'signed-out',
]);

export const Counts = v.object({
  total: count,
  pending: count,
  uploading: count,
  uploaded: count,
  failed: count,
  skipped: count,
  deleted: count,
  ignored: count,
});

export const FolderInfo = v.object({
  id,
  path: v.string(),
  /** The folder's own name, for lists. */
  name: v.string(),
  mode: v.picklist(MAPPING_MODES),
  privacy: v.picklist(PRIVACY),
  /** SmugMug folder the connected folder goes into ('' = the account's root). */
  target: v.string(),
  watch: v.object({
    setting: v.picklist(WATCH_SETTINGS),
    /** How it is watched now; null while it is offline or starting. */
    mode: v.nullable(v.picklist(['native', 'polling'])),
    reason: v.string(),
  }),
  state: FolderState,
  /** The state in a few plain words, e.g. "Uploading 3 of 120", "Offline: drive not found". */
  stateText: v.string(),
  counts: Counts,
  /** Files waiting for their settle window. */
  settling: count,
  /** When an offline or rate-limited folder is tried again. */
  retryAt: v.nullable(timestamp),
  problem: v.nullable(v.string()),
  lastSyncAt: v.nullable(timestamp),
});

export const UploadInfo = v.object({
  fileId: id,
  folderId: id,
  relPath: v.string(),
  sent: count,
  size: count,
});

export const Progress = v.object({
  filesDone: count,
  filesTotal: count,
  bytesDone: count,
  bytesTotal: count,
  /** Bytes per second over the last few seconds. */
  rate: v.number(),
  etaSeconds: v.nullable(v.number()),
});

export const PauseInfo = v.object({
  paused: v.boolean(),
  /** Set for "pause for 1 hour": when uploads resume by themselves. */
  until: v.nullable(timestamp),
  /** Why nothing uploads: the person, the schedule, the battery, sleep. */
  reason: v.nullable(v.picklist(['user', 'schedule', 'battery', 'suspended'])),
});

export const AccountInfo = v.object({
  state: v.picklist(['signed-out', 'signed-in', 'needs-attention']),
  nickname: v.nullable(v.string()),
  /** The API the account talks to; a sandbox is named as such in the UI. */
  apiBaseUrl: v.nullable(v.string()),
  sandbox: v.boolean(),
  problem: v.nullable(v.string()),
});

export const Overview = v.object({
  state: v.picklist(['up-to-date', 'working', 'paused', 'attention', 'signed-out', 'empty']),
  /** One line that says whether everything is backed up, e.g. "Everything is backed up". */
  headline: v.string(),
  detail: v.nullable(v.string()),
});

export const Snapshot = v.object({
  overview: Overview,
  progress: Progress,
  uploads: v.array(UploadInfo),
  pause: PauseInfo,
  account: AccountInfo,
  folders: v.array(FolderInfo),
  failures: count,
  /** True in the desktop app, where desktop-only settings (start at login, battery) apply. */
  desktop: v.boolean(),
});

const FileState = v.picklist(['pending', 'uploading', 'uploaded', 'failed', 'skipped', 'deleted', 'ignored']);

export const FileInfo = v.object({
  id,
  folderId: id,
  relPath: v.string(),
  size: count,
  /** For a Live Photo, the worse of its two halves' states (failed if either failed). */
  state: FileState,
  /** Bytes sent so far while uploading. */
  sent: v.nullable(count),
  error: v.nullable(v.string()),
  webUrl: v.nullable(v.string()),
  uploadedAt: v.nullable(timestamp),
  /** When it was taken, once read (the engine reads it before uploading). */
  capture: v.nullable(
    v.object({
      /** The clock where it was taken: 'YYYY-MM-DDTHH:MM:SS'. */
      at: v.string(),
      /** Minutes east of UTC where it was taken, when the file says. */
      offsetMinutes: v.nullable(v.number()),
      source: v.picklist(['exif', 'quicktime-keys', 'quicktime-mvhd', 'mtime']),
      /** Where the date came from, in words: "from EXIF", "no date inside: file modified time". */
      sourceText: v.string(),
      /** Why the file's own date was passed over, when it was. */
      note: v.nullable(v.string()),
    }),
  ),
  /** A Live Photo: this item is its still, listed once with its video (which is not listed apart). */
  live: v.nullable(
    v.object({
      video: v.string(),
      videoId: id,
      videoSize: count,
      videoState: FileState,
      videoError: v.nullable(v.string()),
      /** The still's own state; `state` above is the item's. */
      stillState: FileState,
    }),
  ),
});

export const MappingNode = v.object({
  /** Local subfolder relative to the connected folder ('' = the folder itself). */
  localPath: v.string(),
  /** Where it lands on SmugMug, '/'-separated Names from the account's root. */
  smugmugPath: v.string(),
  type: v.picklist(['Folder', 'Album']),
  privacy: v.picklist(PRIVACY),
  files: count,
  /** Whether the node already exists on SmugMug (false in a preview). */
  exists: v.boolean(),
  webUrl: v.nullable(v.string()),
  /** Date mode: the year ('2024') or month ('2024-07') of capture it holds; null otherwise. */
  taken: v.nullable(v.string()),
});

export const FailureItem = v.object({
  fileId: id,
  folderId: id,
  relPath: v.string(),
  /** The folder's path, so the UI can show the full path. */
  folderPath: v.string(),
  error: v.string(),
  kind: v.picklist(['permanent', 'transient']),
  attempts: count,
  updatedAt: timestamp,
});

export const FailureGroup = v.object({
  /** The reason in plain words, shared by every file in the group. */
  reason: v.string(),
  /** What the person can do about it. */
  advice: v.string(),
  count,
  /** The first files of the group (at most 200). */
  files: v.array(FailureItem),
});

export const ActivityItem = v.object({
  fileId: id,
  folderId: id,
  relPath: v.string(),
  name: v.string(),
  uploadedAt: timestamp,
  what: v.picklist(['uploaded', 'replaced', 'moved', 'already-there']),
  webUrl: v.nullable(v.string()),
  isVideo: v.boolean(),
});

export const AppSettings = v.object({
  /** Bytes per second over all uploads; 0 = unlimited. */
  bandwidthLimit: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e12)),
  parallelUploads: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  /** Upload only between these hours (local time; end before start spans midnight). */
  schedule: v.object({
    enabled: v.boolean(),
    startHour: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23)),
    endHour: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23)),
  }),
  fileTypes: v.object({ photos: v.boolean(), videos: v.boolean(), raw: v.boolean() }),
  /** Glob patterns applied to every connected folder, as in `safelight add --ignore`. */
  ignorePatterns: v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(500))),
  /** Desktop only. */
  startAtLogin: v.boolean(),
  /** Desktop only. */
  pauseOnBattery: v.boolean(),
});

const GalleryFormat = v.pipe(
  v.string(),
  v.maxLength(GALLERY_FORMAT_MAX),
  v.check(
    (format) => galleryFormatProblem(format) === null,
    (issue) => galleryFormatProblem(String(issue.input)) ?? 'not a gallery name format',
  ),
);

const FolderChoice = v.object({
  path: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  mode: v.picklist(MAPPING_MODES),
  privacy: v.picklist(PRIVACY),
  /** SmugMug folder to put it in, '/'-separated names; '' = the account's root. */
  target: v.pipe(v.string(), v.maxLength(1000)),
  watch: v.optional(v.picklist(WATCH_SETTINGS), 'auto'),
  /** Date mode: where the month galleries go and their names; what is left out takes its default. */
  dateOptions: v.optional(
    v.object({
      /** SmugMug folder holding the years (default "Safelight Uploads"); null = none. */
      folderName: v.optional(
        v.nullable(
          v.pipe(
            v.string(),
            v.trim(),
            v.minLength(1, 'name the folder for the dated galleries, or give null for none'),
            v.maxLength(254),
          ),
        ),
      ),
      /** "{YYYY}-{MM} {MMMM}" (the default) names July 2024's gallery "2024-07 July". */
      galleryFormat: v.optional(GalleryFormat),
      yearFolders: v.optional(v.boolean()),
    }),
  ),
});

export const Preview = v.object({
  /** The folder as it will be stored (absolute, links resolved); null when it cannot be used. */
  path: v.nullable(v.string()),
  /** Why the folder cannot be connected, in plain words; null when it can. */
  problem: v.nullable(v.string()),
  nodes: v.array(MappingNode),
  files: count,
  /** The walk stopped early (a very large folder): the counts are a lower bound. */
  truncated: v.boolean(),
  /** The folder looks like a camera or phone import (DCIM, IMG_ names), where date mode fits. */
  looksLikeCameraDump: v.boolean(),
  /** Why it does or does not, in words: 'it has a "DCIM" folder, as camera cards and phones do'. */
  cameraDumpReason: v.string(),
  /**
   * Date mode is the better first choice, not only worth offering: a camera's own folders (DCIM,
   * 100APPLE), or camera-named photos not sorted into subfolders at all.
   */
  prefersDateMode: v.boolean(),
  /** Date mode: the galleries come from capture dates read from the first photos and videos. */
  dates: v.nullable(
    v.object({
      /** How many files' dates were read (at most a few hundred; `files` may be more). */
      sampled: count,
      /** Of those, how many had no date inside and go by the file's modified time. */
      undated: count,
      /** What the person should know about the plan ("too deep for year folders"). */
      warnings: v.array(v.string()),
    }),
  ),
});

// ---- commands ---------------------------------------------------------------------------------

export const commands = {
  /** Everything the window shows at a glance; the same object the `snapshot` event carries. */
  snapshot: { params: v.object({}), result: Snapshot },
  /** Pause uploads (those sending finish); with minutes, resume by itself after that long. */
  pause: {
    params: v.object({
      minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_080))),
    }),
    result: nothing,
  },
  resume: { params: v.object({}), result: nothing },
  /** Walk one folder (or all) now instead of waiting for the next reconciliation. */
  syncNow: { params: v.object({ folderId: v.optional(id) }), result: nothing },
  /** What connecting this folder would create on SmugMug; nothing is created or uploaded. */
  previewFolder: { params: FolderChoice, result: Preview },
  addFolder: { params: FolderChoice, result: FolderInfo },
  /** Stop backing up a folder; nothing on SmugMug or on disk is deleted. */
  removeFolder: { params: v.object({ folderId: id }), result: nothing },
  listFiles: {
    params: v.object({
      folderId: id,
      offset: count,
      limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
      filter: v.optional(v.picklist(FILE_FILTERS), 'all'),
    }),
    result: v.object({ total: count, files: v.array(FileInfo) }),
  },
  /** Local subfolder → SmugMug path for a connected folder. */
  folderMapping: { params: v.object({ folderId: id }), result: v.object({ nodes: v.array(MappingNode) }) },
  listFailures: { params: v.object({}), result: v.object({ total: count, groups: v.array(FailureGroup) }) },
  retry: { params: v.object({ fileIds: v.array(id) }), result: v.object({ retried: count }) },
  retryAll: { params: v.object({}), result: v.object({ retried: count }) },
  /** Stop reporting these failures; the files are not uploaded until retried. */
  ignore: { params: v.object({ fileIds: v.array(id) }), result: v.object({ ignored: count }) },
  recentActivity: {
    params: v.object({ limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)) }),
    result: v.object({ items: v.array(ActivityItem) }),
  },
  /** A small JPEG of the file as a data: URL, or null when none can be made (a video, say). */
  thumbnail: { params: v.object({ fileId: id }), result: v.object({ dataUrl: v.nullable(v.string()) }) },
  getSettings: { params: v.object({}), result: AppSettings },
  /** Changes the given settings (the rest stay) and returns them all. */
  setSettings: { params: v.partial(AppSettings), result: AppSettings },
  /** Starts SmugMug's PIN flow: open authorizeUrl, sign in, allow Safelight, copy the code. */
  loginStart: { params: v.object({}), result: v.object({ authorizeUrl: v.string() }) },
  loginFinish: {
    params: v.object({ code: v.pipe(v.string(), v.regex(/^\d{6}$/, 'the code is six digits')) }),
    result: AccountInfo,
  },
  /** Forgets the account's tokens on this computer; nothing on SmugMug changes. */
  logout: { params: v.object({}), result: nothing },
  /** From the desktop shell: power and sleep, which pause and resume uploads. */
  setConditions: {
    params: v.object({ onBattery: v.optional(v.boolean()), suspended: v.optional(v.boolean()) }),
    result: nothing,
  },
} as const;

// ---- events -----------------------------------------------------------------------------------

export const events = {
  /** The whole Snapshot, sent when it changed, a few times a second at most. */
  snapshot: Snapshot,
  /** Lists the UI fetches by command have changed; it refetches what it shows. */
  changed: v.object({
    topics: v.array(v.picklist(['files', 'failures', 'activity', 'settings', 'folders'])),
    /** For 'files': the folders whose files changed. */
    folderIds: v.array(id),
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type ParamsOf<C extends CommandName> = v.InferInput<Commands[C]['params']>;
export type ResultOf<C extends CommandName> = v.InferOutput<Commands[C]['result']>;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = v.InferOutput<(typeof events)[E]>;

export type SnapshotData = v.InferOutput<typeof Snapshot>;
export type FolderInfoData = v.InferOutput<typeof FolderInfo>;
export type FolderStateName = v.InferOutput<typeof FolderState>;
export type FileInfoData = v.InferOutput<typeof FileInfo>;
export type MappingNodeData = v.InferOutput<typeof MappingNode>;
export type FailureGroupData = v.InferOutput<typeof FailureGroup>;
export type FailureItemData = v.InferOutput<typeof FailureItem>;
export type ActivityItemData = v.InferOutput<typeof ActivityItem>;
export type AppSettingsData = v.InferOutput<typeof AppSettings>;
export type AccountInfoData = v.InferOutput<typeof AccountInfo>;
export type PreviewData = v.InferOutput<typeof Preview>;
export type CountsData = v.InferOutput<typeof Counts>;
