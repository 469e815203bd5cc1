// `npm run demo`: Safelight on the embedded default, nothing leaving this computer. Starts the
// local SmugMug sandbox in this process, signs in to it, makes a sample folder of real photos
// (JPEG with EXIF, PNG scans, a short MP4), connects it to the same engine `safelight serve` runs,
// shows each upload and the SmugMug tree that came out, then serves the window to a browser
// until Ctrl-C. The window's "Sign in" talks to the sandbox, whose authorize page takes one click.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { sandboxAccount } from '../src/cli/login.ts';
import { homePaths } from '../src/config/home.ts';
import { saveAccount } from '../src/config/settings.ts';
import { rendererDir } from '../src/daemon/renderer-dir.ts';
import { type Daemon, startDaemon } from '../src/daemon/server.ts';
import { EngineHost } from '../src/host/host.ts';
import { ProtocolClient } from '../src/protocol/client.ts';
import type { FolderInfoData } from '../src/protocol/schema.ts';
import { messagePortTransport, type PortLike } from '../src/protocol/transport.ts';
import type { DumpNode } from '../src/sandbox/dump.ts';
import { startSandbox } from '../src/sandbox/server.ts';
import { makeSampleFolder } from './demo-media/sample.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UPLOAD_WAIT_MS = 120_000;

const write = (line = '') => process.stdout.write(`${line}\n`);
let stepNo = 0;
const step = (text: string) => write(`\n${++stepNo}. ${text}`);

/** Builds the renderer when it is missing (npm run build:renderer), unless SAFELIGHT_UI_DIR names one. */
function ensureRenderer(dir: string): void {
  if (process.env.SAFELIGHT_UI_DIR || existsSync(join(dir, 'index.html'))) return;
  write('The window is not built yet: running "npm run build:renderer" first.');
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build:renderer'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build:renderer'], {
        cwd: ROOT,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.status !== 0 || !existsSync(join(dir, 'index.html'))) {
    throw new Error('"npm run build:renderer" failed; fix the build and run the demo again');
  }
}

function treeLines(node: DumpNode, depth = 0): string[] {
  const lines: string[] = [];
  for (const child of node.Children ?? []) {
    const images = child.Images ?? [];
    const videos = images.filter((i) => i.IsVideo).length;
    const photos = images.length - videos;
    const what =
      child.Type === 'Album'
        ? `gallery: ${photos} photo${photos === 1 ? '' : 's'}${videos ? `, ${videos} video${videos === 1 ? '' : 's'}` : ''}`
        : 'folder';
    lines.push(`${'  '.repeat(depth)}${child.Name}  (${what}, ${child.Privacy}, /${child.UrlName})`);
    lines.push(...treeLines(child, depth + 1));
  }
  return lines;
}

/** True once every file of the folder has been dealt with: uploaded, skipped or failed. */
function settled(folder: FolderInfoData | undefined, files: number): boolean {
  if (!folder) return false;
  const c = folder.counts;
  return c.pending === 0 && c.uploading === 0 && c.uploaded + c.skipped + c.failed >= files;
}

/** The engine, reached in this process over a MessageChannel: the demo is one more window. */
function localClient(host: EngineHost): ProtocolClient {
  const { port1, port2 } = new MessageChannel();
  host.attach(messagePortTransport(port1 as unknown as PortLike));
  return new ProtocolClient(messagePortTransport(port2 as unknown as PortLike));
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      write('\nStopping (again to stop at once)…');
      process.once('SIGINT', () => process.exit(1));
      process.once('SIGTERM', () => process.exit(1));
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

// Whoever reads the output may go away first (a closed pipe); the demo still cleans up after itself.
process.stdout.on('error', () => {});
const ui = rendererDir();
ensureRenderer(ui);
const stop = untilSignal();
const root = await mkdtemp(join(tmpdir(), 'safelight-demo-'));
const paths = homePaths({ SAFELIGHT_HOME: join(root, 'home') });
const sandbox = await startSandbox();
let host: EngineHost | undefined;
let client: ProtocolClient | undefined;
let daemon: Daemon | undefined;
try {
  write('Safelight demo: everything runs on this computer; nothing is sent to the real SmugMug.');
  step(`A sandbox SmugMug (the real API v2, OAuth and uploader, in this process) at ${sandbox.apiBaseUrl}`);

  saveAccount(paths.account, sandboxAccount(sandbox.info));
  step(`Signed in to the sandbox as "${sandbox.nickname}" (Safelight's state is in ${paths.home})`);

  const sample = await makeSampleFolder(join(root, 'Sample Photos'));
  step(
    `Made a sample folder: ${sample.photos} JPEG photos with EXIF, ${sample.scans} PNG scans and ` +
      `${sample.videos} video in ${sample.folders} subfolders:\n   ${sample.root}`,
  );

  const engineHost = await EngineHost.open({
    paths,
    desktop: false,
    login: {
      endpoints: sandboxAccount(sandbox.info).endpoints,
      consumerKey: sandbox.consumerKey,
      consumerSecret: sandbox.consumerSecret,
    },
  });
  host = engineHost;
  const engine = localClient(engineHost);
  client = engine;
  const shown = new Set<number>();
  const showActivity = async () => {
    const { items } = await engine.request('recentActivity', { limit: 500 });
    for (const item of [...items].reverse()) {
      if (shown.has(item.fileId)) continue;
      shown.add(item.fileId);
      write(`   ${item.what.padEnd(13)} ${item.relPath}`);
    }
  };

  const folder = await engine.request('addFolder', {
    path: sample.root,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
    watch: 'auto',
  });
  step(`Connected it: it goes to the top of the SmugMug site as ${folder.privacy} galleries. Uploading:`);

  const deadline = Date.now() + UPLOAD_WAIT_MS;
  let snapshot = await engine.request('snapshot', {});
  const ours = () => snapshot.folders.find((f) => f.id === folder.id);
  while (!settled(ours(), sample.files) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    await showActivity();
    snapshot = await engine.request('snapshot', {});
  }
  await showActivity();
  const done = ours();
  if (done && settled(done, sample.files)) {
    const c = done.counts;
    const says = [snapshot.overview.headline, snapshot.overview.detail].filter(Boolean).join(': ');
    const uploads = sandbox.stats().uploadsAccepted;
    step(
      `${c.uploaded} uploaded, ${c.skipped} skipped, ${c.failed} failed ("${says}"). The sandbox took ` +
        `${uploads} uploads for ${c.uploaded} files${uploads === c.uploaded ? ': each exactly once' : ''}. ` +
        'On SmugMug now:',
    );
  } else {
    step(`Still uploading after ${UPLOAD_WAIT_MS / 1000} s (the window shows why). On SmugMug so far:`);
  }
  for (const line of treeLines(sandbox.dump().Root)) write(`   ${line}`);

  const started = await startDaemon({
    attach: (t) => engineHost.attach(t),
    rendererDir: ui,
    tokenFile: paths.daemonToken,
    port: 0,
    log: (line) => write(`   [window] ${line}`),
  });
  daemon = started;
  step('The window, served as "safelight serve" does. Open this address in a browser on this computer:');
  write(`\n   ${started.url}\n`);
  write('   Try: add, change or move photos in the sample folder and watch them back up; pause; look at');
  write('   Activity. Signing out and in again uses the sandbox: its sign-in page takes one click.');
  write('\nCtrl-C stops and removes the sample folder and the sandbox account.');
  await stop;
} catch (e) {
  write(`\nThe demo stopped: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await daemon?.close();
  client?.close();
  await host?.close(2000);
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
  write('Stopped.');
}
