// What the SmugMug client tests share: a client signed in to a sandbox, and media files on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { SmugMugClient, type SmugMugClientOptions } from '../../src/smugmug/client.ts';
import { md5Hex } from '../helpers/account.ts';

/** A client for the sandbox's pre-made account, retrying fast so fault tests stay quick. */
export function clientFor(sandbox: Sandbox, overrides: Partial<SmugMugClientOptions> = {}): SmugMugClient {
  return new SmugMugClient({
    endpoints: sandbox.info,
    credentials: {
      consumerKey: sandbox.consumerKey,
      consumerSecret: sandbox.consumerSecret,
      token: sandbox.accessToken,
      tokenSecret: sandbox.accessTokenSecret,
    },
    retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20 },
    ...overrides,
  });
}

export interface MediaFile {
  path: string;
  size: number;
  md5: string;
  bytes: Buffer;
}

export class TempFiles {
  private dir: string | null = null;

  async make(name: string, size: number, seed = 1): Promise<MediaFile> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'safelight-smugmug-'));
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
    const path = join(this.dir, name);
    await writeFile(path, bytes);
    return { path, size, md5: md5Hex(bytes), bytes };
  }

  async ensureDir(): Promise<string> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'safelight-smugmug-'));
    return this.dir;
  }

  async cleanup(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
