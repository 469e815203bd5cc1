// Whether a connected folder looks like what a camera card, a phone import or an Apple Photos
// export leaves behind, where the folder names say nothing and galleries by month (date mode)
// serve better than mirroring. Cameras follow the DCF rule: a DCIM folder holding folders of
// three digits and five letters (100APPLE, 101CANON, 100_FUJI, 100MSDCF) holding files of four
// letters and four digits (IMG_1234, DSC_0042, DSCF0044, GOPR0001, P1000123).

export interface CameraDumpVerdict {
  likely: boolean;
  /** In words the person can check: which folder or which names made the call. */
  reason: string;
}

const DCF_FOLDER = /^[1-9]\d{2}[A-Z0-9_]{5}$/;
const CAMERA_NAMES = [
  /^[A-Z0-9_]{4}\d{4}$/i, // DCF: IMG_1234, DSC_0042, _DSC0042, DSCF0044, MVI_0001, GOPR0001, P1000123
  /^IMG_E\d{4}$/i, // iPhone edited copy
  /^(PXL|IMG|VID|MVIMG)_\d{8}_\d{6,9}/i, // Pixel and other Android phones
  /^\d{8}_\d{6}/, // Samsung
  /^DJI_\d{4,}/i, // DJI drones
  /^G[HXP]\d{6}$/i, // GoPro chaptered videos
];
const MEDIA_EXTENSIONS = new Set([
  'jpg',
  'jpeg',
  'heic',
  'heif',
  'png',
  'mov',
  'mp4',
  'm4v',
  'cr2',
  'cr3',
  'nef',
  'arw',
  'raf',
  'orf',
  'rw2',
  'dng',
  'insv',
  'lrv',
]);

/** Most media names camera-made (at least this share and this many) makes a dump. */
const NAME_SHARE = 0.8;
const MIN_FILES = 3;

export function looksLikeCameraDump(relPaths: readonly string[]): CameraDumpVerdict {
  let media = 0;
  let cameraNamed = 0;
  let example: string | null = null;
  for (const relPath of relPaths) {
    const segments = relPath.split('/');
    const name = segments.pop() ?? '';
    for (const folder of segments) {
      if (folder.toUpperCase() === 'DCIM') {
        return { likely: true, reason: `it has a "${folder}" folder, as camera cards and phones do` };
      }
      if (DCF_FOLDER.test(folder)) {
        return { likely: true, reason: `it has a camera folder "${folder}"` };
      }
    }
    const dot = name.lastIndexOf('.');
    if (dot <= 0 || !MEDIA_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) continue;
    media++;
    const stem = name.slice(0, dot);
    if (CAMERA_NAMES.some((pattern) => pattern.test(stem))) {
      cameraNamed++;
      example ??= name;
    }
  }
  if (media >= MIN_FILES && cameraNamed >= media * NAME_SHARE) {
    return {
      likely: true,
      reason: `${cameraNamed} of its ${media} photos and videos have names a camera gave them (like "${example}")`,
    };
  }
  return {
    likely: false,
    reason:
      media === 0
        ? 'it has no photos or videos yet'
        : `no camera folders (DCIM, 100APPLE…), and only ${cameraNamed} of ${media} photos and videos have camera names`,
  };
}
