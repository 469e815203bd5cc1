// What a failed upload means for the person and for the engine: a reason in plain words, and
// whether waiting and retrying can help. Pure, so every case is tested with plain values.
import { FileChangedError } from '../library/hash.ts';
import { LocalFileError, SmugMugError } from '../smugmug/types.ts';

export type Outcome =
  /** This file cannot be uploaded as it is; recorded and skipped until the person retries. */
  | { action: 'permanent'; reason: string }
  /** Retrying later may work (network, server trouble); the next sync tries again. */
  | { action: 'transient'; reason: string }
  /** The gallery is full (5,000 images): the file goes to the next overflow gallery. */
  | { action: 'gallery-full'; reason: string }
  /** The gallery is gone from SmugMug: it is made again. */
  | { action: 'gallery-missing'; reason: string }
  /** Nothing can be uploaded until the person signs in again. */
  | { action: 'account'; reason: string };

const LOCAL: Record<string, string> = {
  EACCES: 'cannot read file: permission denied',
  EPERM: 'cannot read file: operation not permitted',
  ENOENT: 'file vanished before it could be uploaded (moved or deleted)',
  EISDIR: 'is a folder, not a file',
  EIO: 'cannot read file: the disk reported an input/output error',
  ELOOP: 'symbolic link loop',
  EMFILE: 'too many open files; will try again',
  ENFILE: 'too many open files; will try again',
  EBUSY: 'file is busy; will try again',
};

const TRANSIENT_LOCAL = new Set(['EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']);

export const CHANGED_REASON = 'kept changing while uploading; it will be uploaded once it stops changing';

export function outcomeOf(error: unknown): Outcome {
  if (error instanceof FileChangedError || error instanceof LocalFileError) {
    return { action: 'transient', reason: CHANGED_REASON };
  }
  if (error instanceof SmugMugError) {
    if (error.kind === 'auth') return { action: 'account', reason: error.message };
    if (error.kind === 'upload-failed' && error.code === 63) {
      return { action: 'gallery-full', reason: 'the gallery is full (5,000 images)' };
    }
    if ((error.kind === 'upload-failed' && error.code === 9) || error.kind === 'not-found') {
      return { action: 'gallery-missing', reason: 'the gallery is no longer on SmugMug' };
    }
    if (error.kind === 'upload-failed' && (error.code === 6 || error.code === 64 || error.code === 72)) {
      return { action: 'permanent', reason: `SmugMug refused this file: ${error.message}` };
    }
    if (error.transient)
      return { action: 'transient', reason: `${error.message}; will try again on the next sync` };
    return { action: 'permanent', reason: error.message };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && LOCAL[code]) {
    return TRANSIENT_LOCAL.has(code)
      ? { action: 'transient', reason: LOCAL[code] }
      : { action: 'permanent', reason: LOCAL[code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { action: 'transient', reason: `unexpected error: ${message}` };
}
