// The page's half of getting a port to the engine. A MessagePort cannot cross the context bridge,
// so the preload posts it to the page as a same-window message; this turns that exchange into a
// promise. The port it resolves with also reports 'close' when main says the engine restarted, so
// a connection built on it reconnects even where the dead engine's end never says goodbye.
// Runs in the page (the renderer imports it); no DOM types, so it type-checks anywhere.
import { PAGE_MESSAGES } from './channels.ts';

type Listener = (event: { data: unknown }) => void;

export interface EnginePort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'close', listener: Listener): void;
  removeEventListener(type: 'message' | 'close', listener: Listener): void;
  start(): void;
  close(): void;
}

interface PageMessage {
  data: unknown;
  source: unknown;
  ports: readonly EnginePort[];
}

export interface PageWindow {
  addEventListener(type: 'message', listener: (event: PageMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: PageMessage) => void): void;
}

/** Closes when the port does, or when main announces that the engine behind it restarted. */
function closingOnRestart(port: EnginePort, win: PageWindow): EnginePort {
  const closeListeners = new Set<Listener>();
  let closed = false;
  const fireClose = () => {
    if (closed) return;
    closed = true;
    win.removeEventListener('message', onPage);
    for (const listener of closeListeners) listener({ data: null });
  };
  const onPage = (event: PageMessage) => {
    if (event.source === win && event.data === PAGE_MESSAGES.engineRestarted) fireClose();
  };
  win.addEventListener('message', onPage);
  port.addEventListener('close', fireClose);
  return {
    postMessage: (message) => port.postMessage(message),
    addEventListener: (type, listener) => {
      if (type === 'close') closeListeners.add(listener);
      else port.addEventListener(type, listener);
    },
    removeEventListener: (type, listener) => {
      if (type === 'close') closeListeners.delete(listener);
      else port.removeEventListener(type, listener);
    },
    start: () => port.start(),
    close: () => {
      port.close();
      fireClose();
    },
  };
}

/** Asks the preload for a port and resolves with it; rejects when none comes in `timeoutMs`. */
export function openEnginePort(
  bridge: { connect(): void },
  win: PageWindow,
  timeoutMs = 15_000,
): Promise<EnginePort> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      win.removeEventListener('message', onPage);
    };
    // Listening starts before asking, so the answer cannot arrive unheard.
    const onPage = (event: PageMessage) => {
      const port = event.ports[0];
      if (event.source !== win || event.data !== PAGE_MESSAGES.port || !port) return;
      stop();
      resolve(closingOnRestart(port, win));
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error('the desktop app did not hand over a connection to the engine'));
    }, timeoutMs);
    win.addEventListener('message', onPage);
    bridge.connect();
  });
}
