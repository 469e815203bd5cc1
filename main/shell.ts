// How main's pieces follow the engine: the control connection moves to each new engine, the tray
// and notifications follow its snapshots, and windows hear when the engine behind their port
// died. main.ts calls this with the real pieces; the tests call it with the same pieces and fakes
// of Electron's.
import type { AppSettingsData } from '../src/protocol/schema.ts';
import type { PortLike } from '../src/protocol/transport.ts';
import type { EngineControl } from './engine-control.ts';
import type { ClosablePort, EngineSupervisor } from './engine-supervisor.ts';
import type { Notifications } from './notifications.ts';
import type { TrayHandle } from './tray.ts';
import type { TrayAction } from './tray-model.ts';

export interface ShellParts<Port extends ClosablePort & PortLike> {
  supervisor: EngineSupervisor<Port>;
  control: EngineControl;
  tray: TrayHandle;
  notifications: Pick<Notifications, 'observe' | 'failuresChanged'>;
  /** Windows must drop their port and ask for a new one. */
  engineRestarted(): void;
  settingsChanged(settings: AppSettingsData): void;
}

export function connectShell<Port extends ClosablePort & PortLike>(parts: ShellParts<Port>): void {
  const { supervisor, control, tray } = parts;
  supervisor.on('up', (port) => control.attach(port));
  supervisor.on('down', () => {
    control.detach();
    parts.engineRestarted();
  });
  supervisor.on('status', (status) => tray.update(status, control.snapshot));
  control.on('snapshot', (snapshot) => {
    tray.update(supervisor.status, snapshot);
    parts.notifications.observe(snapshot);
  });
  control.on('failures', () => parts.notifications.failuresChanged());
  control.on('settings', (settings) => parts.settingsChanged(settings));
}

/** What each tray menu item does. */
export function trayActions(
  control: EngineControl,
  app: { open(): void; openLogFolder(): void; quit(): void },
): Record<TrayAction, () => void> {
  return {
    open: () => app.open(),
    'pause-hour': () => control.pause(60),
    pause: () => control.pause(),
    resume: () => control.resume(),
    'sync-now': () => control.syncNow(),
    'open-log-folder': () => app.openLogFolder(),
    quit: () => app.quit(),
  };
}
