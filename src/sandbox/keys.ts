import { randomBytes, randomInt } from 'node:crypto';

// SmugMug keys look like base-58 strings: NodeID 5-6 chars, AlbumKey 6, ImageKey 7.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function randomKey(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function randomDigits(length: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < length) out += String(randomInt(0, 10));
  return out;
}

export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
