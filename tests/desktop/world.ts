// A desktop test's world: a sandbox on loopback, a SAFELIGHT_HOME in a temp folder signed in to
// it (or not), and main's side wired as main.ts wires it (connectShell): an EngineSupervisor
// starting the real engine entry in a worker thread (standing in for the utility process), each
// one's account requests answered from a sealed file in a temp user-data folder (on a fake
// safeStorage), an EngineControl following it through restarts, and the tray, on a fake Tray.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { serveAccount } from '../../main/account-requests.ts';
import { EngineControl } from '../../main/engine-control.ts';
import { EngineSupervisor, type SupervisorOptions } from '../../main/engine-supervisor.ts';
import { SEALED_ACCOUNT_FILE, SealedAccount } from '../../main/sealed-account.ts';
import { connectShell, trayActions } from '../../main/shell.ts';
import { type MenuItemTemplate, setupTray } from '../../main/tray.ts';
import { sandboxAccount } from '../../src/cli/login.ts';
import { writePrivateJson } from '../../src/config/files.ts';
import { type HomePaths, homePaths } from '../../src/config/home.ts';
import { saveAccount } from '../../src/config/settings.ts';
import { ProtocolClient } from '../../src/protocol/client.ts';
import type { AppSettingsData, SnapshotData } from '../../src/protocol/schema.ts';
import { messagePortTransport, type PortLike } from '../../src/protocol/transport.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { waitFor } from '../helpers/watch-suite.ts';
import { FakeSafeStorage, FakeTray } from './fakes.ts';
import { type WorkerProcess, workerForker } from './utility-process.ts';

export { waitFor };

/** Fast retries, a short settle window, and folders walked only when asked (or on waking). */
export const TEST_SETTINGS = {
  retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 20 },
  watch: { settleMs: 200, reconcileMs: 3_600_000, pollIntervalMs: 3_600_000 },
};

export interface DesktopWorld {
  root: string;
  paths: HomePaths;
  /** Main's user-data folder, where it keeps the sealed account. */
  userData: string;
  sealedFile: string;
  /** What main keeps the account with (on `storage`). */
  sealed: SealedAccount;
  storage: FakeSafeStorage;
  sandbox: Sandbox;
  supervisor: EngineSupervisor<PortLike>;
  control: EngineControl;
  started: WorkerProcess[];
  tray: FakeTray;
  /** What the tray's Open, Open log folder and Quit asked for. */
  asked: string[];
  /** Every snapshot handed to notifications, and settings handed to start-at-login. */
  notified: SnapshotData[];
  settings: AppSettingsData[];
  /** How often windows were told the engine restarted. */
  restarts: number;
  logged: string[];
  /** A window's connection, as the preload would hand it over. */
  window(): Promise<ProtocolClient>;
  snapshotWhere(what: string, check: (s: SnapshotData) => boolean, ms?: number): Promise<SnapshotData>;
  close(): Promise<void>;
}

export interface DesktopWorldOptions {
  signedIn?: boolean;
  settingsChanged?(settings: AppSettingsData): void;
  restartDelaysMs?: number[];
  settings?: Record<string, unknown>;
  entry?: string;
  /** The engine may sign in to the sandbox from the window (through a sandbox ready file). */
  login?: boolean;
  storage?: FakeSafeStorage;
  platform?: NodeJS.Platform;
}

export async function desktopWorld(options: DesktopWorldOptions = {}): Promise<DesktopWorld> {
  const root = await mkdtemp(join(tmpdir(), 'safelight-desktop-'));
  const paths = homePaths({ SAFELIGHT_HOME: join(root, 'home') });
  const sandbox = await startSandbox({});
  writePrivateJson(paths.settings, { ...TEST_SETTINGS, ...options.settings });
  if (options.signedIn ?? true) saveAccount(paths.account, sandboxAccount(sandbox.info));

  const logged: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, SAFELIGHT_HOME: paths.home };
  delete env.SAFELIGHT_CONSUMER_KEY;
  delete env.SAFELIGHT_SANDBOX;
  if (options.login) {
    // Outside the home and user-data folders: it holds the sandbox's own secrets.
    env.SAFELIGHT_SANDBOX = join(root, 'sandbox-ready.json');
    await writeFile(env.SAFELIGHT_SANDBOX, JSON.stringify(sandbox.info), { mode: 0o600 });
  }
  const userData = join(root, 'userData');
  const sealedFile = join(userData, SEALED_ACCOUNT_FILE);
  const storage = options.storage ?? new FakeSafeStorage();
  const sealed = new SealedAccount({
    file: sealedFile,
    storage,
    platform: options.platform ?? 'linux',
    warn: (message) => logged.push(`warn: ${message}`),
  });
  const forker = workerForker(env, options.entry);
  const supervisorOptions: SupervisorOptions<PortLike> = {
    fork: () => {
      const child = forker.fork();
      serveAccount(child, sealed, (message) => logged.push(`warn: ${message}`));
      return child;
    },
    channel: () => {
      const { port1, port2 } = new MessageChannel();
      return { port1: port1 as unknown as PortLike, port2: port2 as unknown as PortLike };
    },
    restartDelaysMs: options.restartDelaysMs ?? [100, 400],
    log: (level, message) => logged.push(`${level}: ${message}`),
  };
  const supervisor = new EngineSupervisor<PortLike>(supervisorOptions);
  const control = new EngineControl((message) => logged.push(`control: ${message}`));
  const asked: string[] = [];
  let fakeTray: FakeTray | undefined;
  const tray = setupTray<string, MenuItemTemplate[]>({
    createTray: (image) => {
      fakeTray = new FakeTray(image);
      return fakeTray;
    },
    image: (path) => path,
    buildMenu: (template) => template,
    iconDir: '/icons',
    variant: () => 'on-dark',
    actions: trayActions(control, {
      open: () => asked.push('open'),
      openLogFolder: () => asked.push('open-log-folder'),
      quit: () => asked.push('quit'),
    }),
    clickOpens: true,
  });
  const windows: ProtocolClient[] = [];

  const w: DesktopWorld = {
    root,
    paths,
    userData,
    sealedFile,
    sealed,
    storage,
    sandbox,
    supervisor,
    control,
    started: forker.started,
    tray: fakeTray as FakeTray,
    asked,
    notified: [],
    settings: [],
    restarts: 0,
    logged,
    window: async () => {
      const client = new ProtocolClient(messagePortTransport(await supervisor.connectUi()));
      windows.push(client);
      return client;
    },
    snapshotWhere: (what, check, ms = 20_000) =>
      waitFor(
        what,
        () => {
          const s = control.snapshot;
          return s && check(s) ? s : undefined;
        },
        ms,
      ),
    close: async () => {
      for (const client of windows) client.close();
      await supervisor.stop(2000);
      for (const child of forker.started) if (child.exitCode === null) child.kill();
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  connectShell({
    supervisor,
    control,
    tray,
    notifications: { observe: (snapshot) => w.notified.push(snapshot), failuresChanged: () => {} },
    engineRestarted: () => {
      w.restarts += 1;
    },
    settingsChanged: (settings) => {
      w.settings.push(settings);
      options.settingsChanged?.(settings);
    },
  });
  supervisor.start();
  return w;
}
