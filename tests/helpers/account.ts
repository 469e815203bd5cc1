// Small helpers the sandbox tests share: finding things in /__sandbox/dump, hashing bytes,
// reading untyped JSON.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Sandbox } from '../../src/sandbox/server.ts';

export const md5Hex = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** The JSON body of a fetch response, untyped as the rest of these tests. */
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}

/** Untyped, like the JSON these tests read, so a test can index into what it finds. */
export function findNode(node: any, pred: (n: any) => boolean): any {
  if (pred(node)) return node;
  for (const child of node.Children ?? []) {
    const hit = findNode(child, pred);
    if (hit) return hit;
  }
  return null;
}

/** The images of an album as the dump lists them; fails the test if the album is missing. */
export function imagesOf(sandbox: Sandbox, albumKey: string): any[] {
  const album = findNode(sandbox.dump().Root, (n) => n.AlbumKey === albumKey);
  assert.ok(album, `album ${albumKey} is in the dump`);
  return album.Images ?? [];
}
