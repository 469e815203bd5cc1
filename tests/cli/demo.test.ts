// `npm run demo`, the README's first look at Safelight: it must keep working.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));

test('the demo syncs the sample folder to the sandbox, then finds nothing to do', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 60_000 });
  assert.match(stdout, /First sync:\n.*Sample Photos: 8 uploaded\n {2}8 files checked, 8 hashed/);
  assert.match(stdout, /Île de Ré 🏝 {2}\(gallery, 2 photos, Private, \/Ile-de-Re\)/);
  assert.match(stdout, /Second sync[^\n]*\n.*Sample Photos: 0 uploaded\n {2}8 files checked, 0 hashed/);
});
