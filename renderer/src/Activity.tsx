// What was backed up lately, newest first, each with a way to see it on SmugMug.
import { memo, useState } from 'react';
import type { ActivityItemData } from '../../src/protocol/schema.ts';
import { deepEqual } from './equal.ts';
import { formatAgo, splitPath } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { Icon } from './icons.tsx';
import { useQuery } from './query.ts';
import { useSnapshot } from './snapshot.ts';
import { useThumbnail } from './thumbnails.ts';
import { EmptyState, ErrorNote } from './ui.tsx';
import { useConnection } from './use-connection.ts';

const LIMIT = 200;

const WHAT: Record<ActivityItemData['what'], string> = {
  uploaded: 'Uploaded',
  replaced: 'Replaced with a newer version',
  moved: 'Moved to match the folder',
  'already-there': 'Already on SmugMug',
};

function Thumb({ item }: { item: ActivityItemData }) {
  const connection = useConnection();
  const [element, setElement] = useState<HTMLSpanElement | null>(null);
  const dataUrl = useThumbnail(connection, item.fileId, element);
  return (
    <span className="thumb" ref={setElement}>
      {dataUrl ? (
        <img src={dataUrl} alt="" width={56} height={56} decoding="async" />
      ) : (
        <Icon name={item.isVideo ? 'video' : 'gallery'} size={22} />
      )}
    </span>
  );
}

const ActivityRow = memo(
  function ActivityRow({ item, folder }: { item: ActivityItemData; folder: string }) {
    const { dir } = splitPath(item.relPath);
    return (
      <li className="activity-row">
        <Thumb item={item} />
        <div className="activity-text">
          <span className="file-name">{item.name}</span>
          <span className="muted small">{[folder, dir].filter(Boolean).join(' / ')}</span>
        </div>
        <div className="activity-when">
          <span className="small">{WHAT[item.what]}</span>
          <span className="muted small">{formatAgo(item.uploadedAt)}</span>
        </div>
        {item.webUrl ? (
          <a
            className="button button-quiet"
            href={item.webUrl}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`View ${item.name} on SmugMug (opens in a new window)`}
          >
            <span>View on SmugMug</span>
            <Icon name="external" size={14} />
          </a>
        ) : (
          <span className="muted small">Not linked</span>
        )}
      </li>
    );
  },
  (a, b) => a.folder === b.folder && deepEqual(a.item, b.item),
);

export function Activity() {
  const activity = useQuery('recentActivity', { limit: LIMIT }, ['activity']);
  const names = useSnapshot((s) => Object.fromEntries(s.folders.map((f) => [f.id, f.name])), {});
  const items = activity.data?.items;
  return (
    <div className="stack">
      <ViewHeading>Activity</ViewHeading>
      <ErrorNote error={activity.error} />
      {items === undefined ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <EmptyState icon="activity" title="Nothing uploaded yet">
          <p>Files appear here as they are backed up.</p>
        </EmptyState>
      ) : (
        <section className="card card-flush" aria-label="Recently backed up">
          <ul className="activity-list">
            {items.map((item) => (
              <ActivityRow
                key={`${item.fileId}-${item.uploadedAt}`}
                item={item}
                folder={names[item.folderId] ?? ''}
              />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
