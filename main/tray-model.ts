// What the tray shows for the engine's state: which icon, the tooltip's one line, and the menu.
// Pure, so every state is tested with plain values; tray.ts puts the result on screen.
import type { SnapshotData } from '../src/protocol/schema.ts';
import type { EngineStatus } from './engine-supervisor.ts';

export type TrayIconState = 'up-to-date' | 'uploading' | 'paused' | 'attention';

export type TrayAction = 'open' | 'pause-hour' | 'pause' | 'resume' | 'sync-now' | 'open-log-folder' | 'quit';

export type TrayItem =
  | { kind: 'status'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  items: TrayItem[];
}

const ICONS: Record<SnapshotData['overview']['state'], TrayIconState> = {
  'up-to-date': 'up-to-date',
  empty: 'up-to-date',
  working: 'uploading',
  paused: 'paused',
  attention: 'attention',
  'signed-out': 'attention',
};

/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

function oneLine(text: string): string {
  const line = `Safelight: ${text}`.replace(/\s+/g, ' ');
  return line.length <= TOOLTIP_MAX ? line : `${line.slice(0, TOOLTIP_MAX - 1)}…`;
}

function headlineOf(
  engine: EngineStatus,
  snapshot: SnapshotData | null,
): { icon: TrayIconState; line: string } {
  if (engine.kind === 'restarting')
    return { icon: 'attention', line: `Restarting after a problem: ${engine.reason}` };
  if (engine.kind === 'stopped') return { icon: 'attention', line: 'Stopped' };
  if (engine.kind === 'starting' || !snapshot) return { icon: 'uploading', line: 'Starting…' };
  return { icon: ICONS[snapshot.overview.state], line: snapshot.overview.headline };
}

export function trayModel(engine: EngineStatus, snapshot: SnapshotData | null): TrayModel {
  const { icon, line } = headlineOf(engine, snapshot);
  const running = engine.kind === 'up' && snapshot !== null;
  const userPaused = running && snapshot.pause.paused && snapshot.pause.reason === 'user';
  const pauseItems: TrayItem[] = userPaused
    ? [{ kind: 'action', action: 'resume', label: 'Resume', enabled: true }]
    : [
        { kind: 'action', action: 'pause-hour', label: 'Pause for 1 hour', enabled: running },
        { kind: 'action', action: 'pause', label: 'Pause', enabled: running },
      ];
  return {
    icon,
    tooltip: oneLine(line),
    items: [
      { kind: 'status', label: line },
      { kind: 'action', action: 'open', label: 'Open Safelight', enabled: true },
      { kind: 'separator' },
      ...pauseItems,
      {
        kind: 'action',
        action: 'sync-now',
        label: 'Sync now',
        enabled: running && snapshot.account.state === 'signed-in' && snapshot.folders.length > 0,
      },
      { kind: 'separator' },
      { kind: 'action', action: 'open-log-folder', label: 'Open log folder', enabled: true },
      { kind: 'action', action: 'quit', label: 'Quit Safelight', enabled: true },
    ],
  };
}

/** Which variant of an icon suits the bar it sits in. */
export type IconVariant = 'template' | 'on-light' | 'on-dark';

export interface ThemeFacts {
  platform: NodeJS.Platform;
  /** The app's own light or dark appearance. */
  darkColors: boolean;
  /** Windows only: whether the taskbar itself is dark (it can differ from the app's theme). */
  darkSystemUi: boolean;
  /** XDG_CURRENT_DESKTOP on Linux. */
  desktop: string | undefined;
}

export function iconVariant(facts: ThemeFacts): IconVariant {
  // macOS tints template images for its menu bar, light or dark, by itself.
  if (facts.platform === 'darwin') return 'template';
  if (facts.platform === 'win32') return facts.darkSystemUi ? 'on-dark' : 'on-light';
  // GNOME's top bar is dark whatever the theme; other desktops follow it.
  if (/gnome|unity|ubuntu/i.test(facts.desktop ?? '')) return 'on-dark';
  return facts.darkColors ? 'on-dark' : 'on-light';
}

/** The file (in the built tray-icon folder) for a state; Electron picks its @2x sibling on HiDPI. */
export function trayIconFile(state: TrayIconState, variant: IconVariant): string {
  return variant === 'template' ? `${state}Template.png` : `${state}-${variant}.png`;
}
