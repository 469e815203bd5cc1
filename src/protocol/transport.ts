// How messages travel. The UI and the engine only see this interface; the desktop app hands it
// a MessagePort (structured clone, no JSON), the headless daemon a WebSocket (JSON text).
// Browser-safe: imported by the renderer.
import type { Message } from './messages.ts';

export interface Transport {
  send(message: Message): void;
  /** Every message that arrives, not yet validated. Returns a function that unsubscribes. */
  onMessage(handler: (message: unknown) => void): () => void;
  onClose(handler: () => void): () => void;
  close(): void;
}

type Listener = (event: { data?: unknown } & object) => void;

/**
 * The DOM MessagePort and Node's worker_threads port (addEventListener), and Electron's
 * MessagePortMain (on/start); each delivers `{ data }`.
 */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener?(type: 'message' | 'close', listener: Listener): void;
  removeEventListener?(type: 'message' | 'close', listener: Listener): void;
  on?(type: 'message' | 'close', listener: Listener): unknown;
  off?(type: 'message' | 'close', listener: Listener): unknown;
  start?(): void;
  close(): void;
}

function listen(port: PortLike, type: 'message' | 'close', listener: Listener): () => void {
  if (port.addEventListener) {
    port.addEventListener(type, listener);
    return () => port.removeEventListener?.(type, listener);
  }
  port.on?.(type, listener);
  return () => port.off?.(type, listener);
}

export function messagePortTransport(port: PortLike): Transport {
  const closeHandlers = new Set<() => void>();
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    for (const h of closeHandlers) h();
  };
  listen(port, 'close', closeOnce);
  let started = false;
  return {
    send: (message) => {
      if (!closed) port.postMessage(message);
    },
    onMessage: (handler) => {
      const off = listen(port, 'message', (event) => handler(event.data));
      // A port queues messages until started; start only once someone listens.
      if (!started) {
        started = true;
        port.start?.();
      }
      return off;
    },
    onClose: (handler) => {
      closeHandlers.add(handler);
      return () => closeHandlers.delete(handler);
    },
    close: () => {
      port.close();
      closeOnce();
    },
  };
}

/** The browser's WebSocket and the `ws` package's both offer this much. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'close', listener: () => void): void;
}

const OPEN = 1;

export function webSocketTransport(socket: WebSocketLike): Transport {
  return {
    send: (message) => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
    },
    onMessage: (handler) => {
      const listener = (event: { data: unknown }) => {
        if (typeof event.data !== 'string') {
          handler(undefined);
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(event.data);
        } catch {
          parsed = undefined;
        }
        handler(parsed);
      };
      socket.addEventListener('message', listener);
      return () => socket.removeEventListener('message', listener);
    },
    onClose: (handler) => {
      socket.addEventListener('close', handler);
      return () => socket.removeEventListener('close', handler);
    },
    close: () => socket.close(1000, 'closed'),
  };
}
