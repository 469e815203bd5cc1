// Recently uploaded files for the Activity list. The store knows when a file reached SmugMug;
// what happened (uploaded, replaced in place, moved, found already there) is remembered from the
// engine's events for the most recent files, and is "uploaded" for older ones.
import { makeClassifier } from '../library/media.ts';
import type { ActivityItemData } from '../protocol/schema.ts';
import type { FileRow } from '../store/store.ts';
import type { FileEvent } from '../sync/engine.ts';

const REMEMBERED = 1000;
const classify = makeClassifier({ videos: true, raw: true, ignore: [] });

type What = ActivityItemData['what'];

export function isVideo(relPath: string): boolean {
  const c = classify(relPath);
  return c.kind === 'media' && c.media === 'video';
}

export class RecentEvents {
  private readonly what = new Map<string, What>();

  remember(e: FileEvent): void {
    if (e.state === 'failed' || e.state === 'changed' || e.state === 'deleted') return;
    const key = `${e.folderId}/${e.relPath}`;
    this.what.delete(key);
    this.what.set(key, e.state);
    if (this.what.size > REMEMBERED) this.what.delete(this.what.keys().next().value as string);
  }

  items(rows: FileRow[]): ActivityItemData[] {
    return rows.map((r) => ({
      fileId: r.id,
      folderId: r.folder_id,
      relPath: r.rel_path,
      name: r.rel_path.slice(r.rel_path.lastIndexOf('/') + 1),
      uploadedAt: r.uploaded_at ?? r.updated_at,
      what: this.what.get(`${r.folder_id}/${r.rel_path}`) ?? 'uploaded',
      webUrl: r.web_url,
      isVideo: isVideo(r.rel_path),
    }));
  }
}
