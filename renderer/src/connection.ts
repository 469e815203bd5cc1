// The one way the UI reaches the engine. In the desktop app the preload hands over a MessagePort;
// in a browser (`safelight serve`) the page opens a WebSocket to the daemon that served it, with
// the token from the link the daemon printed. Either way the rest of the UI sees one Connection
// that reconnects by itself, with backoff, when the engine goes away.

import { openEnginePort } from '../../preload/engine-port.ts';
import { ProtocolClient } from '../../src/protocol/client.ts';
import { ProtocolError } from '../../src/protocol/messages.ts';
import type { CommandName, EventName, EventOf, ParamsOf, ResultOf } from '../../src/protocol/schema.ts';
import { messagePortTransport, type Transport, webSocketTransport } from '../../src/protocol/transport.ts';
import { desktopBridge } from './desktop.ts';

export type ConnectionStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open'; generation: number }
  | { kind: 'lost'; attempt: number; retryAt: number }
  /** The daemon refused this page: no token, or a token it does not know. */
  | { kind: 'unauthorized' };

const TOKEN_KEY = 'safelight.token';
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000];

/**
 * The token arrives in the fragment (`#token=…`), which browsers never send to a server. It is
 * kept for this tab only and removed from the address bar so it is not bookmarked or shared.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

/**
 * Where the daemon listens for this page, and how it is shown the token: as a WebSocket
 * subprotocol (the one header a page may set), so it never appears in a URL or a log.
 */
export function socketTarget(location: Location, token: string): { url: string; protocols: string[] } {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: `${scheme}//${location.host}/ws`, protocols: ['safelight', `token.${token}`] };
}

interface Opened {
  transport: Transport;
  /** The engine refused us (as opposed to not answering at all). */
  refused: boolean;
}

/**
 * A browser hides why a WebSocket handshake failed. When the page's own server still answers
 * HTTP, the daemon is up and refused the socket: the token is wrong or the origin not allowed.
 */
async function serverAnswers(timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch('./', {
      method: 'HEAD',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function openWebSocket(
  target: { url: string; protocols: string[] },
  timeoutMs: number,
): Promise<Opened | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(target.url, target.protocols);
    let opened = false;
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.addEventListener('open', () => {
      opened = true;
      clearTimeout(timer);
      resolve({ transport: webSocketTransport(socket), refused: false });
    });
    socket.addEventListener('close', () => {
      clearTimeout(timer);
      if (opened) return;
      void serverAnswers(timeoutMs).then((answers) =>
        resolve(answers ? { transport: webSocketTransport(socket), refused: true } : null),
      );
    });
  });
}

type Handler = (data: never) => void;

export class Connection {
  private client: ProtocolClient | null = null;
  private status: ConnectionStatus = { kind: 'connecting', attempt: 0 };
  private readonly statusListeners = new Set<() => void>();
  private readonly handlers = new Map<EventName, Set<Handler>>();
  private attempt = 0;
  private refusals = 0;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly open: () => Promise<Opened | null>;

  constructor(open: () => Promise<Opened | null>) {
    this.open = open;
  }

  getStatus = (): ConnectionStatus => this.status;

  subscribeStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  start(): void {
    void this.connect();
  }

  /** Skips the rest of the backoff wait. */
  retryNow(): void {
    if (this.status.kind !== 'lost') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  request<C extends CommandName>(command: C, params: ParamsOf<C>): Promise<ResultOf<C>> {
    if (!this.client) {
      return Promise.reject(new ProtocolError('disconnected', 'not connected to Safelight'));
    }
    return this.client.request(command, params);
  }

  /** Survives reconnects: the handler keeps receiving events from every later connection. */
  on<E extends EventName>(event: E, handler: (data: EventOf<E>) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener();
  }

  private async connect(): Promise<void> {
    this.setStatus({ kind: 'connecting', attempt: this.attempt });
    const opened = await this.open().catch(() => null);
    if (!opened || opened.refused) {
      this.refusals = opened?.refused ? this.refusals + 1 : 0;
      // Refused twice in a row: once could be a daemon restarting between the two checks.
      if (this.refusals >= 2) this.setStatus({ kind: 'unauthorized' });
      else this.scheduleRetry();
      return;
    }
    this.refusals = 0;
    const client = new ProtocolClient(opened.transport);
    for (const event of ['snapshot', 'changed'] as const) {
      client.on(event, (data) => {
        for (const handler of this.handlers.get(event) ?? []) (handler as (d: unknown) => void)(data);
      });
    }
    opened.transport.onClose(() => {
      if (this.client !== client) return;
      this.client = null;
      this.scheduleRetry();
    });
    this.client = client;
    this.attempt = 0;
    this.generation += 1;
    this.setStatus({ kind: 'open', generation: this.generation });
  }

  private scheduleRetry(): void {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 15_000;
    // Jitter keeps several open tabs from hammering a restarting daemon in step.
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.setStatus({ kind: 'lost', attempt: this.attempt, retryAt: Date.now() + wait });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, wait);
  }
}

/** The desktop app's port when the preload offers one, else the daemon's WebSocket. */
export function createConnection(): Connection | null {
  const bridge = desktopBridge();
  if (bridge) {
    return new Connection(async () => {
      const port = await openEnginePort(bridge, window);
      return { transport: messagePortTransport(port), refused: false };
    });
  }
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) return null;
  const target = socketTarget(window.location, token);
  return new Connection(() => openWebSocket(target, 10_000));
}
