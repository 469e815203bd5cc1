// A sync test's world: a sandbox on loopback, a SAFELIGHT_HOME in a temp folder holding an
// account signed in to that sandbox, real files on disk, and an engine wired like the CLI's.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { addFolder, DEFAULT_ADD_OPTIONS } from '../../src/cli/commands.ts';
import type { Context } from '../../src/cli/context.ts';
import { sandboxAccount } from '../../src/cli/login.ts';
import { homePaths } from '../../src/config/home.ts';
import { type Account, DEFAULT_SETTINGS, type Settings, saveAccount } from '../../src/config/settings.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { SmugMugClient } from '../../src/smugmug/client.ts';
import { Store } from '../../src/store/store.ts';
import { type FolderSummary, SyncEngine } from '../../src/sync/engine.ts';

/** Fast retries so fault tests finish in seconds; the policy is the same as in production. */
export const TEST_RETRY = { retries: 8, minTimeoutMs: 5, maxTimeoutMs: 40 };

export interface SyncEnv {
  root: string;
  home: string;
  sandbox: Sandbox;
  account: Account;
  ctx: Context;
  settings: Settings;
  /** Connect a folder as `safelight add` does. */
  add(folder: string, options?: Partial<Parameters<typeof addFolder>[2]>): ReturnType<typeof addFolder>;
  engine(overrides?: Partial<Settings>): SyncEngine;
  syncAll(overrides?: Partial<Settings>): Promise<FolderSummary[]>;
  /** Reopen the store, as a restarted process would. */
  reopen(): void;
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function syncEnv(sandboxOptions: SandboxOptions = {}): Promise<SyncEnv> {
  const root = await mkdtemp(join(tmpdir(), 'safelight-sync-'));
  const home = join(root, 'home');
  const sandbox = await startSandbox(sandboxOptions);
  const account = sandboxAccount(sandbox.info);
  const paths = homePaths({ SAFELIGHT_HOME: home });
  saveAccount(paths.account, account);
  const settings: Settings = { ...DEFAULT_SETTINGS, retry: TEST_RETRY };
  const ctx: Context = { paths, store: new Store(paths.state), settings };
  const env: SyncEnv = {
    root,
    home,
    sandbox,
    account,
    ctx,
    settings,
    add: (folder, options = {}) => addFolder(ctx, folder, { ...DEFAULT_ADD_OPTIONS, ...options }),
    engine: (overrides = {}) => {
      const s = { ...settings, ...overrides };
      const client = new SmugMugClient({
        endpoints: account.endpoints,
        credentials: account,
        retry: s.retry,
      });
      return new SyncEngine({ store: ctx.store, client, settings: s });
    },
    syncAll: (overrides = {}) => env.engine(overrides).syncFolders(ctx.store.folders()),
    reopen: () => {
      if (ctx.store.db.isOpen) ctx.store.close();
      ctx.store = new Store(paths.state);
    },
    env: () => ({ ...process.env, SAFELIGHT_HOME: home }),
    close: async () => {
      if (ctx.store.db.isOpen) ctx.store.close();
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return env;
}

/** Bytes that start like a JPEG and are unique to `label`, `size` long. */
export function photoBytes(label: string, size = 256): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  const tag = Buffer.from(`${label}\n`);
  const fill = randomBytes(Math.max(0, size - head.length - tag.length));
  return Buffer.concat([head, tag, fill]).subarray(0, Math.max(size, head.length + tag.length));
}

export const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** Writes files (relative path → bytes) under `dir`; returns path → MD5. */
export async function writeTree(
  dir: string,
  files: Record<string, Uint8Array>,
): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const [rel, bytes] of Object.entries(files)) {
    const p = join(dir, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, bytes);
    sums.set(rel, md5(bytes));
  }
  return sums;
}

export interface Shape {
  type: string;
  name: string;
  privacy: string;
  children?: Shape[];
  images?: string[];
}

/** The account tree as names, types, privacy and "FileName md5" lines, children sorted by name. */
export function shapeOf(node: any): Shape {
  const out: Shape = { type: node.Type, name: node.Name, privacy: node.Privacy };
  if (node.Children) {
    out.children = node.Children.map(shapeOf).sort((a: Shape, b: Shape) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }
  if (node.Images) out.images = node.Images.map((i: any) => `${i.FileName} ${i.ArchivedMD5}`).sort();
  return out;
}

/** Every image in the account: FileName → how many times it is there. */
export function imageCounts(dump: any): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (n: any) => {
    for (const i of n.Images ?? [])
      counts.set(`${i.FileName} ${i.ArchivedMD5}`, (counts.get(`${i.FileName} ${i.ArchivedMD5}`) ?? 0) + 1);
    for (const c of n.Children ?? []) visit(c);
  };
  visit(dump.Root);
  return counts;
}
