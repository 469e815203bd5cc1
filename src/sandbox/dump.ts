// The whole account as plain JSON, for tests and benchmarks to check results without OAuth.
import type { SandboxContext } from './context.ts';
import type { ImageRow, NodeRow } from './state.ts';

export interface DumpImage {
  ImageKey: string;
  Serial: number;
  FileName: string;
  Format: string;
  IsVideo: boolean;
  Processing: boolean;
  ArchivedMD5: string;
  ArchivedSize: number;
  /** MD5 of the bytes that were uploaded (differs from ArchivedMD5 for HEIC and video). */
  UploadedMD5: string;
  Title: string;
  Caption: string;
  Keywords: string;
}

export interface DumpNode {
  NodeID: string;
  Type: string;
  Name: string;
  UrlName: string;
  Privacy: string;
  AlbumKey?: string;
  Children?: DumpNode[];
  Images?: DumpImage[];
}

export function dumpAccount(ctx: SandboxContext): { NickName: string; Root: DumpNode; ImageCount: number } {
  const nodes = ctx.state.allNodes();
  const images = ctx.state.allImages();
  const byParent = new Map<string | null, NodeRow[]>();
  for (const n of nodes) {
    const list = byParent.get(n.parent_id) ?? [];
    list.push(n);
    byParent.set(n.parent_id, list);
  }
  const byAlbum = new Map<string, ImageRow[]>();
  for (const i of images) {
    const list = byAlbum.get(i.album_key) ?? [];
    list.push(i);
    byAlbum.set(i.album_key, list);
  }
  const now = ctx.now();
  const build = (n: NodeRow): DumpNode => {
    const out: DumpNode = {
      NodeID: n.node_id,
      Type: n.type,
      Name: n.name,
      UrlName: n.url_name,
      Privacy: n.privacy,
    };
    if (n.album_key) {
      out.AlbumKey = n.album_key;
      out.Images = (byAlbum.get(n.album_key) ?? []).map((i) => ({
        ImageKey: i.image_key,
        Serial: i.serial,
        FileName: i.file_name,
        Format: i.format,
        IsVideo: i.is_video === 1,
        Processing: i.processing_until > now,
        ArchivedMD5: i.archived_md5,
        ArchivedSize: i.archived_size,
        UploadedMD5: i.uploaded_md5,
        Title: i.title,
        Caption: i.caption,
        Keywords: i.keywords,
      }));
    } else {
      out.Children = (byParent.get(n.node_id) ?? []).map(build);
    }
    return out;
  };
  const root = nodes.find((n) => n.parent_id === null);
  if (!root) throw new Error('sandbox account has no root node');
  return { NickName: ctx.site.nickname, Root: build(root), ImageCount: images.length };
}
