// What every way of watching a connected folder promises its consumer, and the one error they all
// give when the folder itself goes away.
import type { WatchMode } from './mode.ts';

export interface FolderWatcher {
  readonly mode: WatchMode;
  readonly reason: string;
  /** Stops all callbacks; a batch not yet delivered is dropped (the next walk finds those changes). */
  close(): Promise<void>;
}

export interface WatchCallbacks {
  /**
   * Paths relative to the root, '/'-separated, each at most once per call. A path may be a file or
   * a folder that was created, changed or deleted. A reported folder may hold files that were never
   * reported on their own (they were written before its watch began), so a folder that exists must
   * be walked, not just stat'ed.
   */
  onChange(relPaths: string[]): void;
  onError(error: Error): void;
}

export function rootGoneError(root: string): Error {
  return new Error(
    `The connected folder ${root} was deleted, moved or unmounted; changes inside it are no longer seen. ` +
      'Watching resumes when the folder is back and the app restarts watching it.',
  );
}
