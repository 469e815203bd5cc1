// Whether a folder can be connected: it exists, is a folder Safelight can read, and neither
// contains nor sits inside a folder already connected (each file belongs to one folder only).
import { opendir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Why a folder cannot be connected, in words the person can act on. */
export class FolderProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderProblem';
  }
}

/** `child` is `parent` or inside it. */
export function contains(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/** The folder as it is stored: absolute, links resolved; throws a FolderProblem when it is no use. */
export async function resolveFolder(input: string): Promise<string> {
  let path: string;
  try {
    path = await realpath(resolve(input));
    if (!(await stat(path)).isDirectory()) throw new FolderProblem(`${input} is not a folder`);
    // A folder that cannot be listed would look empty rather than fail later.
    await (await opendir(path)).close();
  } catch (e) {
    if (e instanceof FolderProblem) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FolderProblem(
      code === 'ENOENT'
        ? `${input} does not exist`
        : code === 'EACCES' || code === 'EPERM'
          ? `cannot read ${input}: permission denied`
          : `cannot open ${input} (${code ?? (e as Error).message})`,
    );
  }
  return path;
}

/** Why `path` cannot be connected beside the folders already connected, or null. */
export function overlapProblem(path: string, connected: readonly string[]): string | null {
  for (const other of connected) {
    if (contains(other, path) || contains(path, other)) {
      return other === path
        ? `${path} is already connected`
        : `${path} overlaps the connected folder ${other}; connect folders that do not contain each other`;
    }
  }
  return null;
}
