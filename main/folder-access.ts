// Main's check of a folder the person picked or dropped, before any window may use it: it must
// be an absolute path to a folder that exists. Its real path (links resolved) is what gets
// allowed, so the engine connects the same folder the person saw.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

export type FolderCheck = { ok: true; path: string } | { ok: false; problem: string };

export async function checkFolder(path: string): Promise<FolderCheck> {
  if (path.length === 0 || path.length > 4096 || !isAbsolute(path) || path.includes('\0')) {
    return { ok: false, problem: 'not a folder on this computer' };
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { ok: false, problem: `${path} does not exist` };
  }
  const info = await stat(real).catch(() => null);
  if (!info?.isDirectory()) return { ok: false, problem: `${path} is not a folder` };
  return { ok: true, path: real };
}

/** Checks the folder and, when it passes, grants it; its real path, or null when refused. */
export async function allowFolder(
  path: string,
  grant: (path: string) => Promise<void>,
  log: (message: string) => void,
): Promise<string | null> {
  const check = await checkFolder(path);
  if (!check.ok) {
    log(`refused folder: ${check.problem}`);
    return null;
  }
  await grant(check.path);
  return check.path;
}
