// Starting Safelight when the person logs in (off until they turn it on in Settings). macOS and
// Windows have an API for it; Linux desktops read ~/.config/autostart/*.desktop. Started at login,
// the app stays in the tray instead of opening its window.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Passed to a Windows or Linux login start, which has no other way to say it was one. */
export const HIDDEN_ARG = '--hidden';

export interface LoginItemApp {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export interface LoginItemFacts {
  platform: NodeJS.Platform;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  execPath: string;
}

export function startedAtLogin(facts: LoginItemFacts, app: LoginItemApp): boolean {
  if (facts.argv.includes(HIDDEN_ARG)) return true;
  return facts.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}

/** A value for a .desktop Exec line, quoted as the Desktop Entry spec asks. */
function desktopQuote(arg: string): string {
  return `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/** The autostart entry for Linux; an AppImage is started through its image, not its mount. */
export function autostartEntry(facts: LoginItemFacts): string {
  const exec = facts.env.APPIMAGE || facts.execPath;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Safelight',
    'Comment=Keeps your photo folders backed up to SmugMug',
    `Exec=${desktopQuote(exec)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function autostartFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'safelight.desktop');
}

/** Makes the OS start Safelight at login, or stop doing so. */
export async function applyStartAtLogin(
  enabled: boolean,
  facts: LoginItemFacts,
  app: LoginItemApp,
): Promise<void> {
  if (facts.platform === 'linux') {
    const file = autostartFile(facts.env);
    if (enabled) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, autostartEntry(facts), { mode: 0o644 });
    } else {
      await rm(file, { force: true });
    }
    return;
  }
  const args = facts.platform === 'win32' ? [HIDDEN_ARG] : undefined;
  if (app.getLoginItemSettings(args ? { args } : undefined).openAtLogin === enabled) return;
  app.setLoginItemSettings(args ? { openAtLogin: enabled, args } : { openAtLogin: enabled });
}
