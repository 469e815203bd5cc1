// What the daemon tests share: a small built renderer on disk, a daemon serving a real protocol
// handler set (serveProtocol) on 127.0.0.1, and a real `ws` client that reports refusals.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { homePaths } from '../../src/config/home.ts';
import { type Daemon, type DaemonOptions, startDaemon } from '../../src/daemon/server.ts';
import { ProtocolClient } from '../../src/protocol/client.ts';
import type { AppSettingsData, SnapshotData } from '../../src/protocol/schema.ts';
import { CommandError, type Handlers, Publisher, serveProtocol } from '../../src/protocol/server.ts';
import { type Transport, webSocketTransport } from '../../src/protocol/transport.ts';

export const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script>' +
  '<link rel="stylesheet" href="/assets/app-1a2b.css"></head><body><div id="root"></div></body></html>\n';

/** A renderer as Vite builds it: index.html and hashed assets. */
export async function writeRenderer(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), INDEX_HTML);
  await writeFile(join(dir, 'assets', 'app-1a2b.js'), 'document.title = "Safelight";\n');
  await writeFile(join(dir, 'assets', 'app-1a2b.css'), 'body { margin: 0; }\n');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
}

export function snapshotOf(): SnapshotData {
  return {
    overview: { state: 'empty', headline: 'No folders connected', detail: null },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    uploads: [],
    pause: { paused: false, until: null, reason: null },
    account: { state: 'signed-out', nickname: null, apiBaseUrl: null, sandbox: false, problem: null },
    folders: [],
    failures: 0,
    desktop: false,
  };
}

/**
 * A real handler set for the commands the tests send: settings kept in memory, a snapshot sent to
 * each connection as it attaches and a `changed` event after each settings change.
 */
export function testEngine() {
  let settings: AppSettingsData = {
    bandwidthLimit: 0,
    parallelUploads: 3,
    schedule: { enabled: false, startHour: 0, endHour: 0 },
    fileTypes: { photos: true, videos: true, raw: false },
    ignorePatterns: [],
    startAtLogin: false,
    pauseOnBattery: false,
  };
  const publisher = new Publisher(10);
  const attached = new Set<Transport>();
  const handlers = {
    snapshot: () => snapshotOf(),
    getSettings: () => settings,
    setSettings: (changes) => {
      settings = { ...settings, ...changes } as AppSettingsData;
      publisher.publish('changed', { topics: ['settings'], folderIds: [] });
      return settings;
    },
    removeFolder: ({ folderId }) => {
      throw new CommandError(`no folder ${folderId} is connected`);
    },
  } as Partial<Handlers> as Handlers;
  return {
    attached,
    publisher,
    attach(transport: Transport): () => void {
      attached.add(transport);
      const stop = serveProtocol(transport, handlers);
      const unpublish = publisher.add(transport);
      publisher.sendTo(transport, 'snapshot', snapshotOf());
      return () => {
        attached.delete(transport);
        stop();
        unpublish();
      };
    },
  };
}

export interface TestDaemon {
  daemon: Daemon;
  engine: ReturnType<typeof testEngine>;
  root: string;
  home: string;
  ui: string;
  token: string;
  logs: string[];
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  close(): Promise<void>;
}

export async function testDaemon(options: Partial<DaemonOptions> = {}): Promise<TestDaemon> {
  const root = await mkdtemp(join(tmpdir(), 'safelight-daemon-'));
  const ui = join(root, 'ui');
  await writeRenderer(ui);
  const home = join(root, 'home');
  const engine = testEngine();
  const logs: string[] = [];
  const daemon = await startDaemon({
    attach: (t) => engine.attach(t),
    rendererDir: ui,
    tokenFile: homePaths({ SAFELIGHT_HOME: home }).daemonToken,
    log: (line) => logs.push(line),
    ...options,
  });
  const token = new URL(daemon.url).hash.replace('#token=', '');
  return {
    daemon,
    engine,
    root,
    home,
    ui,
    token,
    logs,
    wsUrl: `ws://127.0.0.1:${daemon.port}/ws`,
    close: async () => {
      await daemon.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type Connection =
  | { ok: true; ws: WebSocket; client: ProtocolClient; events: { event: string; data: unknown }[] }
  | { ok: false; status: number; body: string };

/** Opens a WebSocket as a browser page would (Origin, subprotocols), or reports the refusal. */
export function connect(
  url: string,
  opts: { protocols?: string[]; origin?: string; host?: string; autoPong?: boolean } = {},
): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], {
      ...(opts.origin ? { origin: opts.origin } : {}),
      ...(opts.host ? { headers: { Host: opts.host } } : {}),
      autoPong: opts.autoPong ?? true,
      handshakeTimeout: 5000,
    });
    // Listening from the start, as a page does: the engine's first snapshot may arrive with the
    // handshake's reply, before 'open' is handled.
    const client = new ProtocolClient(webSocketTransport(ws));
    const events: { event: string; data: unknown }[] = [];
    for (const event of ['snapshot', 'changed'] as const)
      client.on(event, (data) => events.push({ event, data }));
    ws.once('open', () => resolve({ ok: true, ws, client, events }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.once('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

/** The options a page at the daemon's own origin uses. */
export function asPage(d: TestDaemon, token = d.token) {
  return { protocols: ['safelight', `token.${token}`], origin: `http://127.0.0.1:${d.daemon.port}` };
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** Resolves when `check` holds, failing after `ms`. */
export async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
