// The headless daemon's web server: the built renderer over HTTP and the protocol over a
// WebSocket at /ws, on 127.0.0.1 unless the person says otherwise. Every request is checked
// (access.ts) before it reaches a file or the engine; a refusal is a 403 with a short reason.
import { realpath, stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Transport, webSocketTransport } from '../protocol/transport.ts';
import { checkHost, originRefusal, PROTOCOL, tokenRefusal, urlHost } from './access.ts';
import { securityHeaders } from './headers.ts';
import { serveStatic } from './static.ts';
import { loadOrCreateToken } from './token.ts';

export const WS_PATH = '/ws';

export interface DaemonOptions {
  /** Serves the protocol on a connection that passed every check; returns a function that stops. */
  attach: (transport: Transport) => () => void;
  /** The built renderer: index.html and assets/. */
  rendererDir: string;
  /** Where the access token is kept (HomePaths.daemonToken). */
  tokenFile: string;
  /** Address to listen on; 127.0.0.1 unless the person asked for another. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A bigger message from a browser closes its connection (1009). */
  maxMessageBytes?: number;
  /** A connection that has not answered the previous ping by the next one is dropped. */
  pingIntervalMs?: number;
  /** One line per connection opened, closed or refused. */
  log?: (line: string) => void;
}

export interface Daemon {
  server: Server;
  /** The address it listens on, as given. */
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:7719 */
  origin: string;
  /** The address to open: the origin with the token in its fragment, which browsers never send. */
  url: string;
  close(): Promise<void>;
}

/** Something the person running the daemon can fix: the renderer is not built, the port is taken. */
export class DaemonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonError';
  }
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
const CLOSE_WAIT_MS = 1000;

async function rendererRoot(dir: string): Promise<string> {
  try {
    const root = await realpath(resolve(dir));
    if ((await stat(join(root, 'index.html'))).isFile()) return root;
  } catch {}
  throw new DaemonError(`the web UI is not built (no index.html in ${dir}): run "npm run build:renderer"`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new DaemonError(
            `port ${port} on ${host} is already in use (is Safelight already serving?): ` +
              'choose another with --port, or --port 0 for any free port',
          ),
        );
      } else if (e.code === 'EACCES') {
        reject(new DaemonError(`not allowed to listen on port ${port}: choose a port above 1023`));
      } else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
        reject(new DaemonError(`cannot listen on ${host}: this computer has no such address`));
      } else {
        reject(e);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  const headers = Object.entries({
    ...securityHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
}

function refuse(
  res: ServerResponse,
  status: number,
  reason: string,
  extra: Record<string, string> = {},
): void {
  const body = `${reason}\n`;
  res.writeHead(status, {
    ...securityHeaders(),
    ...extra,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const root = await rendererRoot(options.rendererDir);
  const token = loadOrCreateToken(options.tokenFile);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const binding = { host, port: 0 };
  const alive = new WeakMap<WebSocket, boolean>();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    // The token offered beside it is checked before the upgrade and never echoed back.
    handleProtocols: () => PROTOCOL,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const verdict = checkHost(req.headers.host, binding);
    if (!verdict.ok) {
      refuse(res, 403, verdict.reason);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(res, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
      return;
    }
    serveStatic(req, res, root, securityHeaders(verdict.host)).catch(() => {
      if (res.headersSent) res.destroy();
      else refuse(res, 500, 'could not read the file');
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== WS_PATH) {
      refuseUpgrade(socket, 404, 'not found');
      return;
    }
    const verdict = checkHost(req.headers.host, binding);
    const reason = verdict.ok
      ? (originRefusal(req.headers.origin, verdict.host) ??
        tokenRefusal(req.headers['sec-websocket-protocol'], token))
      : verdict.reason;
    if (reason) {
      log(`refused a connection from ${req.socket.remoteAddress}: ${reason}`);
      refuseUpgrade(socket, 403, reason);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      // ws closes the connection itself (1009 for a message too big, 1002 for a bad frame).
      ws.on('error', (e) => log(`a browser connection failed: ${e.message}`));
      let detach: () => void = () => {};
      try {
        detach = options.attach(webSocketTransport(ws));
      } catch {
        ws.close(1011, 'Safelight could not serve this connection');
      }
      log(`a browser connected (${wss.clients.size} open)`);
      ws.once('close', () => {
        detach();
        log(`a browser disconnected (${wss.clients.size} open)`);
      });
    });
  };

  const server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  await listen(server, options.port ?? 0, host);
  binding.port = (server.address() as AddressInfo).port;

  // A client that vanished without closing (a sleeping laptop, a pulled cable) stops answering.
  const keepalive = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs ?? PING_INTERVAL_MS);
  keepalive.unref();

  const wildcard = host === '0.0.0.0' || host === '::';
  const origin = `http://${wildcard ? '127.0.0.1' : urlHost(host)}:${binding.port}`;
  let closing: Promise<void> | undefined;

  const close = async () => {
    clearInterval(keepalive);
    server.off('upgrade', onUpgrade);
    const closed = new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
    server.closeAllConnections();
    await Promise.all(
      [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolveWs) => {
            ws.once('close', () => resolveWs());
            ws.close(1001, 'Safelight is stopping');
            setTimeout(() => ws.terminate(), CLOSE_WAIT_MS).unref();
          }),
      ),
    );
    wss.close();
    await closed;
  };

  return {
    server,
    host,
    port: binding.port,
    origin,
    url: `${origin}/#token=${token}`,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
