// A host test's world: a sandbox on loopback, a SAFELIGHT_HOME in a temp folder (signed in to the
// sandbox or not), an EngineHost opened on it, and a window talking to it over a real
// MessageChannel, recording every event it receives.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxAccount } from '../../src/cli/login.ts';
import { writePrivateJson } from '../../src/config/files.ts';
import { type HomePaths, homePaths } from '../../src/config/home.ts';
import { type Account, saveAccount } from '../../src/config/settings.ts';
import { EngineHost, type HostOptions } from '../../src/host/host.ts';
import { ProtocolClient } from '../../src/protocol/client.ts';
import type { EventOf, FolderInfoData, SnapshotData } from '../../src/protocol/schema.ts';
import { messagePortTransport, type PortLike } from '../../src/protocol/transport.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { authorizeInBrowser as authorize } from '../helpers/authorize.ts';
import { waitFor } from '../helpers/watch-suite.ts';

export { waitFor };

/** Fast retries and a short settle window, so tests finish in seconds. */
export const TEST_SETTINGS = {
  retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 20 },
  watch: { settleMs: 300, reconcileMs: 3_600_000, pollIntervalMs: 200 },
};

export interface Received {
  at: number;
  event: 'snapshot' | 'changed';
  data: SnapshotData | EventOf<'changed'>;
}

export interface World {
  root: string;
  home: string;
  paths: HomePaths;
  sandbox: Sandbox;
  host: EngineHost;
  client: ProtocolClient;
  events: Received[];
  logged: string[];
  latest(): SnapshotData;
  /** Waits for a snapshot event that passes `check`. */
  snapshotWhere(what: string, check: (s: SnapshotData) => boolean, ms?: number): Promise<SnapshotData>;
  folder(id: number): FolderInfoData;
  /** Closes the host and opens it again on the same home, as a restarted app would. */
  reopen(options?: Partial<HostOptions>): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  signedIn?: boolean;
  /** Changes to the saved account (a token SmugMug no longer accepts). */
  account?: Partial<Account>;
  settings?: Record<string, unknown>;
  sandbox?: SandboxOptions;
  /** Give the host the sandbox's API key, so the window can sign in. */
  login?: boolean;
  desktop?: boolean;
}

export async function world(options: WorldOptions = {}): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'safelight-host-'));
  const home = join(root, 'home');
  const paths = homePaths({ SAFELIGHT_HOME: home });
  const sandbox = await startSandbox(options.sandbox ?? {});
  writePrivateJson(paths.settings, { ...TEST_SETTINGS, ...options.settings });
  if (options.signedIn ?? true) {
    saveAccount(paths.account, { ...sandboxAccount(sandbox.info), ...options.account });
  }
  const events: Received[] = [];
  const logged: string[] = [];
  let closePort = () => {};

  const open = async (extra: Partial<HostOptions> = {}) => {
    const host = await EngineHost.open({
      paths,
      desktop: options.desktop ?? true,
      ...(options.login
        ? {
            login: {
              endpoints: sandboxAccount(sandbox.info).endpoints,
              consumerKey: sandbox.consumerKey,
              consumerSecret: sandbox.consumerSecret,
            },
          }
        : {}),
      log: (line) => logged.push(line),
      ...extra,
    });
    // The global MessageChannel's ports are typed as DOM ports, whose listener types PortLike does
    // not spell the same way; at run time they are exactly the ports messagePortTransport takes.
    const channel = new MessageChannel();
    closePort = () => channel.port1.close();
    const client = new ProtocolClient(messagePortTransport(channel.port2 as unknown as PortLike));
    client.on('snapshot', (data) => events.push({ at: performance.now(), event: 'snapshot', data }));
    client.on('changed', (data) => events.push({ at: performance.now(), event: 'changed', data }));
    host.attach(messagePortTransport(channel.port1 as unknown as PortLike));
    return { host, client };
  };

  const first = await open();
  const w: World = {
    root,
    home,
    paths,
    sandbox,
    host: first.host,
    client: first.client,
    events,
    logged,
    latest: () => {
      const last = events.findLast((e) => e.event === 'snapshot');
      assert.ok(last, 'a snapshot arrived');
      return last.data as SnapshotData;
    },
    snapshotWhere: (what, check, ms = 20_000) =>
      waitFor(
        what,
        () => {
          const last = events.findLast((e) => e.event === 'snapshot');
          return last && check(last.data as SnapshotData) ? (last.data as SnapshotData) : undefined;
        },
        ms,
      ),
    folder: (id) => {
      const f = w.latest().folders.find((x) => x.id === id);
      assert.ok(f, `folder ${id} is in the snapshot`);
      return f;
    },
    reopen: async (extra = {}) => {
      w.client.close();
      await w.host.close(5000);
      closePort();
      const next = await open(extra);
      w.host = next.host;
      w.client = next.client;
    },
    close: async () => {
      w.client.close();
      await w.host.close(2000);
      closePort();
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  // The snapshot sent on attach.
  await waitFor('the first snapshot', () => (events.some((e) => e.event === 'snapshot') ? true : undefined));
  return w;
}

/** What the person does in the browser: open the page, press Authorize, read the code. */
export function authorizeInBrowser(sandbox: Sandbox, authorizeUrl: string): Promise<string> {
  return authorize(sandbox.oauthBaseUrl, authorizeUrl);
}
