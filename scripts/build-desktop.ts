// Bundles the desktop app's own code with esbuild (the UI is built by Vite into dist/renderer):
//   main/main.ts          → dist/main/main.cjs       Electron's main process (CommonJS)
//   preload/preload.ts    → dist/preload/preload.cjs one CommonJS file: a sandboxed preload can
//                                                   require nothing but Electron's own modules
//   engine-process/entry.ts → dist/engine/engine.mjs the engine for the utility process (ESM)
//   build/tray/png/*.png  → dist/tray/               the tray icons
// Native modules (sharp, @parcel/watcher) stay outside the bundles: they are loaded from
// node_modules, unpacked from the asar archive (see electron-builder.yml).
// Usage: node scripts/build-desktop.ts
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

export const NATIVE_MODULES = ['sharp', '@img/*', '@parcel/watcher', '@parcel/watcher-*'];

/**
 * How the engine is bundled for the utility process; the watching benchmark bundles its child
 * the same way, so it measures the engine as it ships.
 */
export const ENGINE_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external: ['electron', ...NATIVE_MODULES],
  // Bundled CommonJS dependencies still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
};

export interface DesktopBuild {
  main: string;
  preload: string;
  engine: string;
  trayIcons: string[];
}

export async function buildDesktop(root: string, outDir = join(root, 'dist')): Promise<DesktopBuild> {
  const common: BuildOptions = {
    bundle: true,
    absWorkingDir: root,
    logLevel: 'warning',
    legalComments: 'none',
    sourcemap: false,
  };
  const out = {
    main: join(outDir, 'main', 'main.cjs'),
    preload: join(outDir, 'preload', 'preload.cjs'),
    engine: join(outDir, 'engine', 'engine.mjs'),
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, 'main', 'main.ts')],
      outfile: out.main,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      external: ['electron', ...NATIVE_MODULES],
    }),
    build({
      ...common,
      entryPoints: [join(root, 'preload', 'preload.ts')],
      outfile: out.preload,
      platform: 'browser',
      format: 'cjs',
      target: 'chrome140',
      external: ['electron'],
    }),
    build({
      ...common,
      entryPoints: [join(root, 'engine-process', 'entry.ts')],
      outfile: out.engine,
      ...ENGINE_BUNDLE,
    }),
  ]);
  const iconSource = join(root, 'build', 'tray', 'png');
  const iconOut = join(outDir, 'tray');
  await rm(iconOut, { recursive: true, force: true });
  await mkdir(iconOut, { recursive: true });
  const trayIcons = (await readdir(iconSource)).filter((name) => name.endsWith('.png')).sort();
  await Promise.all(trayIcons.map((name) => copyFile(join(iconSource, name), join(iconOut, name))));
  return { ...out, trayIcons };
}

if (import.meta.main) {
  const root = new URL('..', import.meta.url).pathname;
  const built = await buildDesktop(root);
  console.log(
    `built ${built.main}, ${built.preload}, ${built.engine} and ${built.trayIcons.length} tray icons`,
  );
}
