// The log file: main's own lines and the engine's (its stderr), in the OS's log folder for the
// app, which the tray's "Open log folder" shows. Files rotate at 5 MB and the last three are
// kept, so a long-running tray app never fills the disk with logs.
import { renameSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

/** main.log → main.1.log → main.2.log …, the oldest beyond `keep` removed. Synchronous, as electron-log asks. */
export function rotateLog(file: string, keep: number = LOG_KEEP): void {
  const ext = extname(file);
  const base = file.slice(0, file.length - ext.length);
  const numbered = (n: number) => `${base}.${n}${ext}`;
  rmSync(numbered(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    try {
      renameSync(numbered(n), numbered(n + 1));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  renameSync(file, numbered(1));
}

/** The parts of electron-log's main logger this configures. */
export interface FileLogger<LogFile extends { path: string }> {
  transports: {
    file: {
      resolvePathFn: (variables: never) => string;
      maxSize: number;
      archiveLogFn: (file: LogFile) => void;
      level: string | false;
    };
    console: { level: string | false };
  };
}

export function configureLog<LogFile extends { path: string }>(
  log: FileLogger<LogFile>,
  options: { dir: string; packaged: boolean },
): string {
  const file = join(options.dir, 'main.log');
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.archiveLogFn = (old) => rotateLog(old.path);
  log.transports.file.level = 'info';
  log.transports.console.level = options.packaged ? false : 'info';
  return dirname(file);
}
