// What SmugMug will refuse, said before any byte is sent: photos over 500 MB, videos over 3 GB
// or 20 minutes ("videos under 3 GB and 20 minutes", smughelp; API-NOTES §2.7), and RAW files
// unless the person turned RAW on (and then only with SmugMug's Source plan).

import { BoxFormatError } from './iso-boxes.ts';
import { type MediaKind, sizeProblem } from './media.ts';
import { readMovieFile } from './quicktime.ts';

export const MAX_VIDEO_SECONDS = 20 * 60;

export const RAW_OFF_REASON = 'RAW files are turned off in settings (SmugMug needs the Source plan for RAW)';
export const RAW_PLAN_NOTE =
  'SmugMug accepts RAW files only on its Source plan; other plans refuse the upload';

export interface LimitInput {
  media: MediaKind;
  size: number;
  /** Length of a video in seconds; null or absent when unknown. */
  durationSeconds?: number | null;
  /** Whether the person turned RAW upload on. */
  raw: boolean;
}

export interface LimitCheck {
  /** Why SmugMug would refuse the file; null when it may be sent. */
  problem: string | null;
  /** Something worth telling the person even when the file may be sent. */
  note: string | null;
}

export function checkLimits(input: LimitInput): LimitCheck {
  if (input.media === 'raw' && !input.raw) return { problem: RAW_OFF_REASON, note: null };
  const note = input.media === 'raw' ? RAW_PLAN_NOTE : null;
  const size = sizeProblem(input.media, input.size);
  if (size !== null) return { problem: size, note };
  const seconds = input.durationSeconds;
  if (input.media === 'video' && seconds != null && seconds > MAX_VIDEO_SECONDS) {
    return {
      problem: `too long: ${formatDuration(seconds)}; SmugMug accepts videos up to 20 minutes`,
      note,
    };
  }
  return { problem: null, note };
}

/**
 * checkLimits for a file on disk: a video's length comes from its QuickTime/MP4 header (other
 * containers, or a damaged header, leave it unknown, with a note saying so).
 */
export async function checkFileLimits(
  path: string,
  media: MediaKind,
  size: number,
  settings: { raw: boolean },
): Promise<LimitCheck & { durationSeconds: number | null }> {
  let durationSeconds: number | null = null;
  let unknownLength: string | null = null;
  if (media === 'video') {
    try {
      durationSeconds = (await readMovieFile(path)).durationSeconds;
    } catch (error) {
      if (!(error instanceof BoxFormatError)) throw error;
      unknownLength = `could not read the video's length (${error.message})`;
    }
  }
  const check = checkLimits({ media, size, durationSeconds, raw: settings.raw });
  return { ...check, note: check.note ?? unknownLength, durationSeconds };
}

/** "21 min 5 s", "1 h 2 min", "45 s". */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}
