// The secret a browser must present to reach `safelight serve`: 32 random bytes (base64url), made
// once and kept in SAFELIGHT_HOME for its owner only. Kept across restarts so an open tab (or a
// bookmark) reconnects after the daemon restarts; other local users and web pages never see it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../config/files.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** True when the file's mode lets anyone but its owner read it (not meaningful on Windows). */
function readableByOthers(mode: number): boolean {
  return process.platform !== 'win32' && (mode & 0o077) !== 0;
}

function existingToken(file: string): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  // A token others could have read, or a link to somewhere else, is not trusted: a new one is made.
  if (!stat.isFile() || readableByOthers(stat.mode)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return TOKEN.test(text) ? text : undefined;
}

/** The stored token, or a new one written owner-only (0600, in a 0700 folder). */
export function loadOrCreateToken(file: string): string {
  ensurePrivateDir(dirname(file));
  const found = existingToken(file);
  if (found) return found;
  const token = randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return token;
}

/** Compares in constant time, whatever the lengths, so a guess learns nothing from timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
