// Packaging: the afterPack hook flips the fuses in the binary electron-builder laid out (tried on
// a stand-in binary carrying Electron's fuse wire), and the builder config keeps native modules
// out of the archive and points at the hook.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterPack, type PackContext, packagedBinary } from '../../build/after-pack.ts';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Bytes that look like an Electron binary to @electron/fuses: the sentinel, version 1, 9 fuses, all on. */
function fakeElectron(): Buffer {
  return Buffer.concat([
    Buffer.from('\x7fELF…code…'),
    Buffer.from(SENTINEL),
    Buffer.from([1, 9]),
    Buffer.alloc(9, FuseState.ENABLE),
    Buffer.from('…more code'),
  ]);
}

const linux = (appOutDir: string): PackContext => ({
  appOutDir,
  electronPlatformName: 'linux',
  arch: 1,
  packager: { executableName: 'safelight', appInfo: { productFilename: 'Safelight' } },
});

test('the packaged binary is found where electron-builder puts it', () => {
  assert.equal(packagedBinary(linux('/out/linux-unpacked')), '/out/linux-unpacked/safelight');
  const win = { ...linux('/out/win-unpacked'), electronPlatformName: 'win32' };
  assert.equal(packagedBinary(win), '/out/win-unpacked/Safelight.exe');
  const mac = { ...linux('/out/mac-arm64'), electronPlatformName: 'darwin' };
  assert.equal(packagedBinary(mac), '/out/mac-arm64/Safelight.app');
});

test('afterPack turns off running as Node, NODE_OPTIONS and --inspect, and loads only the checked asar', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'safelight-fuses-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const binary = join(dir, 'safelight');
  await writeFile(binary, fakeElectron());
  const size = (await stat(binary)).size;

  await afterPack(linux(dir));

  const wire = await getCurrentFuseWire(binary);
  assert.equal(wire[FuseV1Options.RunAsNode], FuseState.DISABLE);
  assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable], FuseState.DISABLE);
  assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments], FuseState.DISABLE);
  assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar], FuseState.ENABLE);
  assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], FuseState.ENABLE);
  assert.equal(wire[FuseV1Options.GrantFileProtocolExtraPrivileges], FuseState.DISABLE);
  assert.equal(
    wire[FuseV1Options.WasmTrapHandlers],
    FuseState.ENABLE,
    'fuses not named are left as they were',
  );
  assert.equal((await stat(binary)).size, size, 'only the fuse bytes change');
});

test('the builder config unpacks native modules and runs the fuse hook', async () => {
  const config = await readFile(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
  for (const line of [
    'afterPack: ./build/after-pack.ts',
    '  - "**/node_modules/sharp/**/*"',
    '  - "**/node_modules/@img/**/*"',
    '  - "**/node_modules/@parcel/watcher/**/*"',
    'npmRebuild: false',
    '  hardenedRuntime: true',
    '  entitlements: build/entitlements.mac.plist',
    '    LSUIElement: true',
    '  target: nsis',
    '    - AppImage',
    '    - deb',
    '  main: dist/main/main.cjs',
  ]) {
    assert.ok(config.split('\n').includes(line), `electron-builder.yml has: ${line}`);
  }
  assert.doesNotMatch(config, /electronFuses:/, 'fuses are flipped once, by the hook');
  const entitlements = await readFile(new URL('../../build/entitlements.mac.plist', import.meta.url), 'utf8');
  assert.match(entitlements, /<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
});
