// Every connected folder with its state and counts; each opens to its galleries and files.
import { memo, useCallback } from 'react';
import type { FolderInfoData } from '../../src/protocol/schema.ts';
import { deepEqual } from './equal.ts';
import { formatCount } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { Icon } from './icons.tsx';
import { useNavigate } from './navigation.ts';
import { useSnapshot } from './snapshot.ts';
import { Button, EmptyState, ErrorNote, FolderStateBadge, ProgressBar, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

export function countsLine(counts: FolderInfoData['counts'], settling = 0): string {
  const parts = [`${formatCount(counts.uploaded)} backed up`];
  if (counts.pending > 0) parts.push(`${formatCount(counts.pending)} waiting`);
  if (counts.uploading > 0) parts.push(`${formatCount(counts.uploading)} uploading`);
  if (settling > 0) parts.push(`${formatCount(settling)} still being copied`);
  if (counts.failed > 0) parts.push(`${formatCount(counts.failed)} failed`);
  if (counts.skipped > 0) parts.push(`${formatCount(counts.skipped)} skipped`);
  return parts.join(' · ');
}

const FolderCard = memo(
  function FolderCard({ folder }: { folder: FolderInfoData }) {
    const go = useNavigate();
    const backedUp = folder.counts.uploaded + folder.counts.skipped;
    const total = folder.counts.total - folder.counts.ignored;
    return (
      <li className="folder-card">
        <button
          type="button"
          className="folder-open"
          onClick={() => go({ name: 'folder', folderId: folder.id })}
          aria-label={`Open ${folder.name}`}
        >
          <span className="folder-icon" aria-hidden="true">
            <Icon name="folders" size={22} />
          </span>
          <span className="folder-main">
            <span className="folder-title">
              <span className="folder-name">{folder.name}</span>
              <FolderStateBadge state={folder.state} />
            </span>
            <span className="folder-path">{folder.path}</span>
            <span className="folder-state-text">{folder.stateText}</span>
            {folder.problem ? <span className="folder-problem">{folder.problem}</span> : null}
            <span className="folder-counts muted">
              {formatCount(folder.counts.total)} files · {countsLine(folder.counts, folder.settling)}
            </span>
          </span>
        </button>
        {total > 0 ? (
          <ProgressBar done={backedUp} total={total} label={`${folder.name} backed up`} size="small" />
        ) : null}
      </li>
    );
  },
  (a, b) => deepEqual(a.folder, b.folder),
);

export function Folders() {
  const folders = useSnapshot((s) => s.folders, []);
  const connection = useConnection();
  const go = useNavigate();
  const sync = useAction(useCallback(() => connection.request('syncNow', {}), [connection]));
  return (
    <div className="stack">
      <ViewHeading
        actions={
          <>
            {folders.length > 0 ? (
              <Button icon="refresh" busy={sync.busy} onClick={() => sync.run()}>
                Sync all now
              </Button>
            ) : null}
            <Button variant="primary" icon="add" onClick={() => go({ name: 'add' })}>
              Add folder
            </Button>
          </>
        }
      >
        Folders
      </ViewHeading>
      <ErrorNote error={sync.error} />
      {folders.length === 0 ? (
        <EmptyState icon="folders" title="No folders yet">
          <p>
            Connect a folder and every photo and video in it is uploaded to SmugMug, privately by default.
          </p>
        </EmptyState>
      ) : (
        <ul className="folder-list">
          {folders.map((f) => (
            <FolderCard key={f.id} folder={f} />
          ))}
        </ul>
      )}
    </div>
  );
}
