// `npm run demo`: Safelight's main job on the embedded default. Starts the local SmugMug
// sandbox, signs in to it, connects a generated sample folder of real PNG photos, syncs it with
// the same engine and command code as `safelight sync --once`, shows the SmugMug tree that came
// out, then syncs again to show that nothing is uploaded twice.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { addFolder, DEFAULT_ADD_OPTIONS } from '../src/cli/commands.ts';
import { openContext } from '../src/cli/context.ts';
import { sandboxAccount } from '../src/cli/login.ts';
import { runSync } from '../src/cli/run-sync.ts';
import { saveAccount } from '../src/config/settings.ts';
import type { DumpNode } from '../src/sandbox/dump.ts';
import { startSandbox } from '../src/sandbox/server.ts';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real RGB PNG: a diagonal gradient tinted by `hue` (0–255). */
function png(width: number, height: number, hue: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = hue;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function treeLines(node: DumpNode, depth = 0): string[] {
  const lines: string[] = [];
  for (const child of node.Children ?? []) {
    const n = child.Images?.length ?? 0;
    const what = child.Type === 'Album' ? `gallery, ${n} photo${n === 1 ? '' : 's'}` : 'folder';
    lines.push(`${'  '.repeat(depth)}${child.Name}  (${what}, ${child.Privacy}, /${child.UrlName})`);
    lines.push(...treeLines(child, depth + 1));
  }
  return lines;
}

const SAMPLE: Record<string, number> = {
  'Family & Friends/birthday.png': 10,
  'Family & Friends/picnic.png': 40,
  'Trips/overview.png': 70,
  'Trips/Île de Ré 🏝/beach.png': 100,
  'Trips/Île de Ré 🏝/sunset.png': 130,
  'Trips/Tokyo 東京/shibuya.png': 160,
  'Trips/Tokyo 東京/temple.png': 190,
  'Scans/1998/school.png': 220,
};

const root = await mkdtemp(join(tmpdir(), 'safelight-demo-'));
process.env.SAFELIGHT_HOME = join(root, 'home');
const sandbox = await startSandbox();
try {
  const photos = join(root, 'Sample Photos');
  for (const [rel, hue] of Object.entries(SAMPLE)) {
    await mkdir(join(photos, rel, '..'), { recursive: true });
    await writeFile(join(photos, rel), png(640, 480, hue));
  }
  const ctx = openContext();
  saveAccount(ctx.paths.account, sandboxAccount(sandbox.info));
  const folder = await addFolder(ctx, photos, DEFAULT_ADD_OPTIONS);
  process.stdout.write(`Sandbox SmugMug at ${sandbox.apiBaseUrl}\nConnected ${folder.path}\n\nFirst sync:\n`);
  await runSync(ctx, [folder], {});
  process.stdout.write('\nOn SmugMug now:\n');
  for (const line of treeLines(sandbox.dump().Root)) process.stdout.write(`  ${line}\n`);
  process.stdout.write('\nSecond sync (nothing changed, so nothing is read or uploaded):\n');
  await runSync(ctx, [folder], {});
  ctx.store.close();
} finally {
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
}
