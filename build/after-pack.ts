// electron-builder's afterPack hook: flips Electron's fuses in the packaged binary before it is
// signed, so the shipped app cannot be turned into a plain Node (ELECTRON_RUN_AS_NODE,
// NODE_OPTIONS, --inspect) and loads only its own, integrity-checked app.asar. The engine runs in
// a utilityProcess, which needs none of what is switched off here.
import { join } from 'node:path';
import { type FuseConfig, FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';

export const FUSES: FuseConfig = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  // The window's page is served from app://, never file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The parts of electron-builder's AfterPackContext this uses. */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch enum: 3 is arm64. */
  arch: number;
  /** executableName is set on Linux only. */
  packager: { executableName?: string; appInfo: { productFilename: string } };
}

const ARM64 = 3;

/** Where the packaged Electron binary is, as electron-builder lays it out. */
export function packagedBinary(context: PackContext): string {
  const { electronPlatformName: platform, packager } = context;
  if (platform === 'darwin' || platform === 'mas')
    return join(context.appOutDir, `${packager.appInfo.productFilename}.app`);
  if (platform === 'win32') return join(context.appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(context.appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

export async function afterPack(context: PackContext): Promise<void> {
  const macArm =
    (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') &&
    context.arch === ARM64;
  // An unsigned arm64 build must be re-signed ad hoc after its binary changed, or macOS refuses it.
  await flipFuses(packagedBinary(context), { ...FUSES, resetAdHocDarwinSignature: macArm });
}

export default afterPack;
