// Main's side of window.safelight. Each channel answers only the app's own page: the message
// must come from the top frame of one of Safelight's windows, showing app://safelight/. Its
// arguments are checked before a handler sees them. Anything else is refused and logged.
import * as v from 'valibot';
import { CHANNELS, type SecretStorageInfo } from '../preload/channels.ts';
import { isAppUrl } from './app-protocol.ts';

export interface IpcSender<Port> {
  id: number;
  isDestroyed(): boolean;
  postMessage(channel: string, message: unknown, transfer?: Port[]): void;
}

export interface IpcEventLike<Port> {
  sender: IpcSender<Port>;
  /** Null once the frame has navigated away or gone. */
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike<Port> {
  handle(channel: string, listener: (event: IpcEventLike<Port>, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike<Port>, ...args: unknown[]) => void): unknown;
}

export interface BridgeHandlers<Port> {
  /** A port to the engine; resolves once a running engine holds the other end. */
  connect(): Promise<Port>;
  pickFolder(): Promise<string | null>;
  droppedFolder(path: string): Promise<string | null>;
  openExternal(url: string): boolean;
  openLogFolder(): Promise<void>;
  secretStorage(): SecretStorageInfo;
}

export interface IpcOptions<Port extends { close(): void }> {
  ipcMain: IpcMainLike<Port>;
  /** Whether this WebContents id is one of Safelight's own windows. */
  isAppWindow(id: number): boolean;
  handlers: BridgeHandlers<Port>;
  log(message: string): void;
}

export function isTrustedSender(event: IpcEventLike<unknown>, isAppWindow: (id: number) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url) && isAppWindow(event.sender.id);
}

const text = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

export class RefusedError extends Error {
  constructor(channel: string) {
    super(`${channel} refused`);
    this.name = 'RefusedError';
  }
}

export function setupIpc<Port extends { close(): void }>(options: IpcOptions<Port>): void {
  const { ipcMain, handlers, log } = options;
  const trusted = (channel: string, event: IpcEventLike<Port>): boolean => {
    if (isTrustedSender(event, options.isAppWindow)) return true;
    log(`refused ${channel} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
    return false;
  };
  const handle = (channel: string, run: (event: IpcEventLike<Port>, args: unknown[]) => unknown) => {
    ipcMain.handle(channel, (event, ...args) => {
      if (!trusted(channel, event)) throw new RefusedError(channel);
      return run(event, args);
    });
  };
  const argument = (channel: string, args: unknown[]): string => {
    const parsed = v.safeParse(text, args[0]);
    if (!parsed.success) {
      log(`refused ${channel}: its argument is not a string of 1 to 4096 characters`);
      throw new RefusedError(channel);
    }
    return parsed.output;
  };

  ipcMain.on(CHANNELS.connect, (event) => {
    if (!trusted(CHANNELS.connect, event)) return;
    handlers.connect().then(
      (port) => {
        if (event.sender.isDestroyed()) port.close();
        else event.sender.postMessage(CHANNELS.port, null, [port]);
      },
      (error: unknown) => log(`no engine port for the window: ${(error as Error).message}`),
    );
  });
  handle(CHANNELS.pickFolder, () => handlers.pickFolder());
  handle(CHANNELS.droppedFolder, (_event, args) =>
    handlers.droppedFolder(argument(CHANNELS.droppedFolder, args)),
  );
  handle(CHANNELS.openExternal, (_event, args) =>
    handlers.openExternal(argument(CHANNELS.openExternal, args)),
  );
  handle(CHANNELS.openLogFolder, () => handlers.openLogFolder());
  handle(CHANNELS.secretStorage, () => handlers.secretStorage());
}
