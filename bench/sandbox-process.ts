// The sandbox in a process of its own (`safelight sandbox`), so Safelight and the baseline tools
// are measured against the same separate server and the server's work is not counted as the
// client's. Its state (database and uploaded blobs) lives in a temp dir removed on close.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxInfo } from '../src/sandbox/server.ts';
import { SmugMugClient } from '../src/smugmug/client.ts';
import { removeDir, tempDir, track } from './support.ts';

const BIN = new URL('../bin/safelight.js', import.meta.url).pathname;
const READY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;

export interface SandboxProcess {
  info: SandboxInfo;
  /** The ready file: endpoints and credentials as JSON, owner-only; other processes read it. */
  readyFile: string;
  client(): SmugMugClient;
  /** CPU time the sandbox process has used so far, in ms; null where /proc is missing. */
  cpuMs(): number | null;
  /** Deletes uploaded bytes, so repeated large uploads keep the scratch space they use bounded. */
  clearBlobs(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandboxProcess(label: string): Promise<SandboxProcess> {
  const dir = tempDir(`sandbox-${label}`);
  const stateDir = join(dir, 'state');
  const readyFile = join(dir, 'ready.json');
  // stdout repeats the credentials: it is discarded, never shown.
  const child = track(
    spawn(process.execPath, [BIN, 'sandbox', '--state', stateDir, '--ready-file', readyFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    removeDir(dir);
  };

  let info: SandboxInfo;
  try {
    info = await waitForReady(readyFile, () => (exited ? stderr : null));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    info,
    readyFile,
    client: () => clientFor(info),
    cpuMs: () => (child.pid === undefined ? null : processCpuMs(child.pid)),
    async clearBlobs() {
      const blobs = join(stateDir, 'blobs');
      for (const name of await readdir(blobs)) {
        if (!name.startsWith('.incoming-')) await rm(join(blobs, name), { force: true });
      }
    },
    close: stop,
  };
}

export function clientFor(info: SandboxInfo): SmugMugClient {
  return new SmugMugClient({
    endpoints: { apiBaseUrl: info.apiBaseUrl, uploadUrl: info.uploadUrl, oauthBaseUrl: info.oauthBaseUrl },
    credentials: {
      consumerKey: info.consumerKey,
      consumerSecret: info.consumerSecret,
      token: info.accessToken,
      tokenSecret: info.accessTokenSecret,
    },
  });
}

/** Creates a private album at the account's root; returns its /api/v2/album/... URI. */
export async function freshAlbum(client: SmugMugClient, name: string): Promise<string> {
  const { rootNodeUri } = await client.authUser();
  const words = name.match(/[A-Za-z0-9]+/g)?.join('-') ?? 'Album';
  const node = await client.createNode(rootNodeUri, {
    type: 'Album',
    name,
    urlName: `${words.charAt(0).toUpperCase()}${words.slice(1)}`,
    privacy: 'Private',
  });
  if (!node.albumUri) throw new Error(`the sandbox made "${name}" without an album URI`);
  return node.albumUri;
}

/** utime + stime from /proc/PID/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function waitForReady(readyFile: string, exitedWith: () => string | null): Promise<SandboxInfo> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const died = exitedWith();
    if (died !== null) throw new Error(`the sandbox process exited before it was ready: ${died.trim()}`);
    try {
      return JSON.parse(await readFile(readyFile, 'utf8')) as SandboxInfo;
    } catch {
      // Not written yet (or mid-write): look again shortly.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the sandbox process was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}
