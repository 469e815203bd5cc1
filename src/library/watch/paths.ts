// Paths as watchers report them: relative to the connected folder, '/'-separated, and never one
// the person left out with an ignore glob.
import { relative, sep } from 'node:path';
import picomatch from 'picomatch/posix.js';

export function toRelPath(root: string, absPath: string): string {
  const rel = relative(root, absPath);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

// A path is ignored when it or any folder above it matches: @parcel/watcher on macOS and Windows
// reports paths inside an ignored folder, and '**/@eaDir' alone does not match '@eaDir/x.jpg'.
export function makeIgnoreMatcher(globs: string[]): (relPath: string) => boolean {
  if (globs.length === 0) return () => false;
  const isMatch = picomatch(globs, { dot: true });
  return (relPath) => {
    let end = relPath.indexOf('/');
    while (end !== -1) {
      if (isMatch(relPath.slice(0, end))) return true;
      end = relPath.indexOf('/', end + 1);
    }
    return isMatch(relPath);
  };
}
