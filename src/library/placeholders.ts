// Files that iCloud lists but has not downloaded. With "Optimise Mac Storage" or iCloud Drive,
// a folder holds stand-ins: ".IMG_1234.HEIC.icloud" stubs (iCloud Drive), or files with the real
// name whose data is not on disk. macOS marks the second kind with the SF_DATALESS flag, which
// Node's stat does not show; copied elsewhere they arrive as zero-length files. Uploading either
// would put an empty or missing picture on SmugMug, so they wait until the data is there.

import { classify, type MediaSettings } from './media.ts';

export const ICLOUD_REASON = 'not on this computer yet (iCloud)';

export interface Placeholder {
  /** The real file this stands for, relative to the connected folder. */
  relPath: string;
  reason: string;
}

// Every media kind on: whether a stand-in is media must not depend on what is uploaded.
const ALL_MEDIA: MediaSettings = { videos: true, raw: true, ignore: [] };

/**
 * The media file that `relPath` stands in for while it is only in iCloud, or null when it is
 * an ordinary file. `size` is the file's size in bytes.
 */
export function placeholderFor(relPath: string, size: number): Placeholder | null {
  const slash = relPath.lastIndexOf('/');
  const folder = relPath.slice(0, slash + 1);
  const name = relPath.slice(slash + 1);
  const stub = /^\.(.+)\.icloud$/i.exec(name);
  if (stub?.[1] !== undefined) {
    const realPath = `${folder}${stub[1]}`;
    return isMedia(realPath) ? { relPath: realPath, reason: ICLOUD_REASON } : null;
  }
  if (size === 0 && isMedia(relPath)) return { relPath, reason: ICLOUD_REASON };
  return null;
}

function isMedia(relPath: string): boolean {
  return classify(relPath, ALL_MEDIA).kind === 'media';
}
