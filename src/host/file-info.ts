// One listed item as the window shows it: the file, when it was taken and how that is known, and
// for a Live Photo both halves in one item whose state is the worse of the two.
import type { FileInfoData } from '../protocol/schema.ts';
import type { ItemRow } from '../store/store.ts';

type CaptureSource = NonNullable<FileInfoData['capture']>['source'];

const SOURCE_TEXT: Record<CaptureSource, string> = {
  exif: 'from EXIF',
  'quicktime-keys': "from the video's creation date",
  'quicktime-mvhd': "from the video's creation time (no time zone inside)",
  mtime: 'no date inside: file modified time',
};

function isSource(source: string | null): source is CaptureSource {
  return source !== null && Object.hasOwn(SOURCE_TEXT, source);
}

function captureOf(row: ItemRow): FileInfoData['capture'] {
  const source = row.capture_source;
  if (row.capture_at === null || !isSource(source)) return null;
  return {
    at: row.capture_at,
    offsetMinutes: row.capture_offset,
    source,
    sourceText: SOURCE_TEXT[source],
    note: row.capture_note,
  };
}

/** `sent`: bytes sent so far of each file being uploaded, by file id. */
export function fileInfo(row: ItemRow, sent: (fileId: number) => number | undefined): FileInfoData {
  const live =
    row.video_id === null || row.video_state === null || row.live_with === null
      ? null
      : {
          video: row.live_with,
          videoId: row.video_id,
          videoSize: row.video_size ?? 0,
          videoState: row.video_state,
          videoError: row.video_error,
          stillState: row.state,
        };
  const state = row.item_state;
  // Of a Live Photo, the half that is uploading now is the one whose progress shows.
  const sending = live?.videoState === 'uploading' && row.state !== 'uploading' ? live.videoId : row.id;
  const error =
    live?.videoState === 'failed' && row.state !== 'failed'
      ? `The video: ${live.videoError ?? 'could not be uploaded'}`
      : row.last_error;
  return {
    id: row.id,
    folderId: row.folder_id,
    relPath: row.rel_path,
    size: row.size,
    state,
    sent: state === 'uploading' ? (sent(sending) ?? 0) : null,
    error,
    webUrl: row.web_url,
    uploadedAt: row.uploaded_at,
    capture: captureOf(row),
    live,
  };
}
