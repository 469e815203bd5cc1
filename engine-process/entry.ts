// The engine as the desktop app runs it: in an Electron utility process, started by main. It
// opens the same state as `safelight serve` (SAFELIGHT_HOME, else the per-user app data folder),
// then serves every port main hands it over process.parentPort: main's own control connection
// and one per window. The SmugMug account is kept by main, sealed; the engine asks for it over the
// same parent port. No electron import: process.parentPort is all it needs from Electron.
import { homePaths } from '../src/config/home.ts';
import { loginTarget } from '../src/daemon/login-target.ts';
import { EngineHost } from '../src/host/host.ts';
import { messagePortTransport, type PortLike } from '../src/protocol/transport.ts';
import { GrantedFolders, guardFolders } from './folder-guard.ts';
import { MainAccounts } from './main-accounts.ts';
import { type AccountRequest, type FromEngine, GRANT_TTL_MS, isToEngine } from './messages.ts';
import { movingPlainAccount } from './plain-account.ts';

/** Electron's process.parentPort in a utility process: messages from main, with their ports. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): unknown;
  postMessage(message: FromEngine | AccountRequest): void;
}

export interface EngineProcessOptions {
  parent: ParentPortLike;
  env: NodeJS.ProcessEnv;
  exit(code: number): void;
  log(line: string): void;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runEngineProcess(options: EngineProcessOptions): Promise<void> {
  const { parent, env, exit, log } = options;
  const granted = new GrantedFolders(GRANT_TTL_MS);
  const accounts = new MainAccounts((request) => parent.postMessage(request));
  let host: EngineHost | undefined;
  let shuttingDown = false;
  // Ports main sends while the state is still opening wait here.
  const waiting: Array<{ data: unknown; ports: PortLike[] }> = [];

  const shutdown = async (graceMs: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    try {
      await host?.close(graceMs);
      exit(0);
    } catch (e) {
      log(`stopping: ${messageOf(e)}`);
      exit(1);
    }
  };

  const receive = (event: { data: unknown; ports: PortLike[] }) => {
    const message = event.data;
    if (!isToEngine(message)) return;
    if (message.kind === 'account') {
      accounts.answer(message);
    } else if (message.kind === 'grant') {
      granted.grant(message.path);
      parent.postMessage({ kind: 'granted', id: message.id });
    } else if (message.kind === 'shutdown') {
      void shutdown(message.graceMs);
    } else if (!host) {
      waiting.push(event);
    } else {
      const port = event.ports[0];
      if (!port) return;
      const transport = messagePortTransport(port);
      host.attach(message.role === 'ui' ? guardFolders(transport, granted) : transport);
    }
  };
  parent.on('message', receive);

  try {
    const login = loginTarget({ sandbox: env.SAFELIGHT_SANDBOX }, env);
    const paths = homePaths(env);
    host = await EngineHost.open({
      paths,
      desktop: true,
      accounts: movingPlainAccount(accounts, paths.account, log),
      log,
      ...(login ? { login } : {}),
    });
  } catch (e) {
    parent.postMessage({ kind: 'fatal', message: `could not open Safelight's state: ${messageOf(e)}` });
    exit(1);
    return;
  }
  if (shuttingDown) {
    await host.close(0);
    return;
  }
  for (const event of waiting.splice(0)) receive(event);
  parent.postMessage({ kind: 'ready' });
}

const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  void runEngineProcess({
    parent: parentPort,
    env: process.env,
    exit: (code) => process.exit(code),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}
