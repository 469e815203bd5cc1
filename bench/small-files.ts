// Many small files: a whole sync (scan, hash, galleries, uploads) of 5,000 × 200 KB with the
// default parallel uploads against one at a time, each into a fresh sandbox process with a fresh
// SAFELIGHT_HOME, so neither run finds anything already there.
import { join } from 'node:path';
import { addFolder, DEFAULT_ADD_OPTIONS } from '../src/cli/commands.ts';
import type { Context } from '../src/cli/context.ts';
import { homePaths } from '../src/config/home.ts';
import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.ts';
import { Store } from '../src/store/store.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { photoBytes, writeTree } from '../tests/helpers/sync-env.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { type BenchRow, removeDir, tempDir, timed } from './support.ts';

const FILES = 5000;
const FILE_BYTES = 200_000;
const DIRS = 10;
const WRITE_BATCH = 100;
// Uploading in parallel exists to be faster; on a 2-core machine that also runs the server the
// gain is small, but it must never be a loss.
const TARGET = 1;

/** The folder to sync: DIRS sub-folders (one gallery each) of JPEG-like files. */
export async function writeSmallFiles(root: string): Promise<void> {
  const perDir = FILES / DIRS;
  for (let start = 0; start < FILES; start += WRITE_BATCH) {
    const batch: Record<string, Buffer> = {};
    for (let i = start; i < Math.min(FILES, start + WRITE_BATCH); i++) {
      const name = `day-${String(Math.floor(i / perDir)).padStart(2, '0')}/IMG_${String(i).padStart(5, '0')}.jpg`;
      batch[name] = photoBytes(name, FILE_BYTES);
    }
    await writeTree(root, batch);
  }
}

async function syncOnce(folder: string, parallelUploads: number): Promise<number> {
  const sandbox = await startSandboxProcess(`small-p${parallelUploads}`);
  const home = tempDir(`home-p${parallelUploads}`);
  try {
    const paths = homePaths({ SAFELIGHT_HOME: home });
    const settings: Settings = { ...DEFAULT_SETTINGS, parallelUploads };
    const store = new Store(paths.state);
    try {
      const ctx: Context = { paths, store, settings };
      await addFolder(ctx, folder, DEFAULT_ADD_OPTIONS);
      const engine = new SyncEngine({ store, client: sandbox.client(), settings });
      const { value: summaries, ms } = await timed(() => engine.syncFolders(store.folders()));
      const uploaded = summaries.reduce((n, s) => n + s.uploaded, 0);
      const problems = summaries.flatMap((s) =>
        s.error ? [s.error] : s.failed > 0 ? [`${s.failed} failed`] : [],
      );
      if (uploaded !== FILES || problems.length > 0) {
        throw new Error(
          `sync with ${parallelUploads} parallel uploaded ${uploaded} of ${FILES}: ${problems.join('; ')}`,
        );
      }
      return ms;
    } finally {
      store.close();
    }
  } finally {
    removeDir(home);
    await sandbox.close();
  }
}

export async function benchSmallFiles(): Promise<BenchRow> {
  const dir = tempDir('small');
  try {
    const folder = join(dir, 'photos');
    await writeSmallFiles(folder);
    const serialMs = await syncOnce(folder, 1);
    const parallelMs = await syncOnce(folder, DEFAULT_SETTINGS.parallelUploads);
    const parallel = FILES / (parallelMs / 1000);
    const serial = FILES / (serialMs / 1000);
    return {
      name: `sync ${FILES} × ${FILE_BYTES / 1000} KB, ${DEFAULT_SETTINGS.parallelUploads} vs 1 parallel`,
      safelight: `${parallel.toFixed(0)} files/s`,
      baseline: `${serial.toFixed(0)} files/s`,
      ratio: parallel / serial,
      target: `≥ ${TARGET.toFixed(2)}`,
      pass: parallel / serial >= TARGET,
      details: {
        files: FILES,
        fileBytes: FILE_BYTES,
        parallelMs,
        serialMs,
        parallelFilesPerSecond: parallel,
        serialFilesPerSecond: serial,
      },
    };
  } finally {
    removeDir(dir);
  }
}
