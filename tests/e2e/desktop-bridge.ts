// window.safelight as the desktop app's preload offers it, for a page in Chromium: an init script
// (handed to addInitScript, so it runs in the page and takes everything it needs as its argument).
// Its engine port is one end of a MessageChannel, handed to the page the way the preload hands
// main's port over; the other end is relayed to the daemon's WebSocket, so the real engine answers.
// The test plays main and the OS through window.__bridge: what the folder picker chooses, what the
// keyring check says, and the navigate message a clicked notification sends.
import type { SafelightBridge } from '../../preload/bridge.ts';
import type { NavigableView, SecretStorageInfo } from '../../preload/channels.ts';

export interface FakeBridgeOptions {
  /** The daemon's WebSocket, and the token it asks of a page (as the browser branch sends it). */
  socketUrl: string;
  token: string;
  /** PAGE_MESSAGES.port: the message the preload posts to hand the page its port. */
  portMessage: string;
  /** The folder the OS picker returns, as main would have checked and allowed it. */
  picked: string | null;
  secretStorage: SecretStorageInfo;
}

/** What the page did with the bridge, and main's side of it, on window.__bridge. */
export interface BridgeRecord {
  connects: number;
  picks: number;
  secretStorageAsked: number;
  /** Main asks to show a view, as it does when a notification is clicked. */
  navigate(view: NavigableView): void;
}

interface PagePort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

interface PageSocket {
  send(data: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

declare const window: {
  safelight?: SafelightBridge;
  __bridge?: BridgeRecord;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};
declare const MessageChannel: new () => { port1: unknown; port2: PagePort };
declare const WebSocket: new (url: string, protocols: string[]) => PageSocket;

/** Init script: installs the fake bridge before the page's own scripts run. */
export function installFakeBridge(options: FakeBridgeOptions): void {
  const listeners = new Set<(view: NavigableView) => void>();
  const record: BridgeRecord = {
    connects: 0,
    picks: 0,
    secretStorageAsked: 0,
    navigate: (view) => {
      for (const listener of listeners) listener(view);
    },
  };
  const bridge: SafelightBridge = {
    connect: () => {
      record.connects += 1;
      const channel = new MessageChannel();
      const engine = channel.port2;
      const socket = new WebSocket(options.socketUrl, ['safelight', `token.${options.token}`]);
      // Structured clones on the port, JSON text on the socket.
      engine.onmessage = (event) => socket.send(JSON.stringify(event.data));
      socket.addEventListener('message', (event) => engine.postMessage(JSON.parse(String(event.data))));
      socket.addEventListener('close', () => engine.close());
      // Main hands over a port that already reaches the engine.
      socket.addEventListener('open', () => window.postMessage(options.portMessage, '*', [channel.port1]));
    },
    pathForFile: async () => null,
    pickFolder: async () => {
      record.picks += 1;
      return options.picked;
    },
    openExternal: async () => false,
    openLogFolder: async () => {},
    secretStorage: async () => {
      record.secretStorageAsked += 1;
      return options.secretStorage;
    },
    onNavigate: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  window.__bridge = record;
  window.safelight = bridge;
}

export function bridgeRecord(): Omit<BridgeRecord, 'navigate'> {
  const record = window.__bridge as BridgeRecord;
  return { connects: record.connects, picks: record.picks, secretStorageAsked: record.secretStorageAsked };
}

export function navigateTo(view: NavigableView): void {
  window.__bridge?.navigate(view);
}
