// One connected folder: where its subfolders land on SmugMug, and every file with its state.
import { type KeyboardEvent, type ReactNode, useCallback, useRef, useState } from 'react';
import type { FolderInfoData, MappingNodeData } from '../../src/protocol/schema.ts';
import { FileList } from './FileList.tsx';
import { countsLine } from './Folders.tsx';
import { formatAgo, formatCount, formatTaken } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { Icon } from './icons.tsx';
import { useNavigate } from './navigation.ts';
import { useQuery } from './query.ts';
import { useSnapshot } from './snapshot.ts';
import { Badge, Button, EmptyState, ErrorNote, FolderStateBadge, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

const MODES = { mirror: 'Mirror subfolders', date: 'By month of capture (year / month)' } as const;

/** What a row holds of the connected folder: a subfolder, or in date mode the photos of a period. */
function localText(node: MappingNodeData, dated: boolean): ReactNode {
  if (node.taken) return `Taken in ${formatTaken(node.taken)}`;
  if (node.localPath !== '') return node.localPath;
  return <span className="muted">{dated ? '(the whole folder)' : '(top folder)'}</span>;
}

export function MappingTable({ nodes, preview = false }: { nodes: MappingNodeData[]; preview?: boolean }) {
  const shown = nodes.slice(0, 2000);
  const dated = nodes.some((n) => n.taken !== null);
  return (
    <div className="table-wrap">
      <table className="mapping">
        <thead>
          <tr>
            <th scope="col">On this computer</th>
            <th scope="col">On SmugMug</th>
            <th scope="col">Privacy</th>
            <th scope="col" className="num">
              Files
            </th>
            {preview ? null : <th scope="col">Status</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((n) => (
            <tr key={`${n.localPath}\u0000${n.smugmugPath}`}>
              <td className="path-cell">{localText(n, dated)}</td>
              <td className="path-cell">
                <span className="node">
                  <Icon name={n.type === 'Album' ? 'gallery' : 'folders'} size={16} />
                  <span className="visually-hidden">{n.type === 'Album' ? 'Gallery' : 'Folder'}: </span>
                  {n.webUrl ? (
                    <a href={n.webUrl} target="_blank" rel="noopener noreferrer">
                      {n.smugmugPath}
                    </a>
                  ) : (
                    n.smugmugPath
                  )}
                </span>
              </td>
              <td>{n.privacy}</td>
              <td className="num">{formatCount(n.files)}</td>
              {preview ? null : (
                <td>
                  {n.exists ? (
                    <Badge tone="ok">Created</Badge>
                  ) : (
                    <Badge tone="neutral">Not yet created</Badge>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {nodes.length > shown.length ? (
        <p className="muted">and {formatCount(nodes.length - shown.length)} more</p>
      ) : null}
    </div>
  );
}

function Mapping({ folderId }: { folderId: number }) {
  const mapping = useQuery('folderMapping', { folderId }, ['folders']);
  if (mapping.error) return <ErrorNote error={mapping.error} />;
  if (!mapping.data) return <p className="muted">Loading…</p>;
  if (mapping.data.nodes.length === 0) {
    return <EmptyState icon="gallery" title="No galleries yet" />;
  }
  return <MappingTable nodes={mapping.data.nodes} />;
}

function Facts({ folder }: { folder: FolderInfoData }) {
  return (
    <dl className="facts">
      <div>
        <dt>Location</dt>
        <dd className="mono">{folder.path}</dd>
      </div>
      <div>
        <dt>Galleries</dt>
        <dd>{MODES[folder.mode]}</dd>
      </div>
      <div>
        <dt>On SmugMug in</dt>
        <dd>{folder.target === '' ? 'Top level of your account' : folder.target}</dd>
      </div>
      <div>
        <dt>New galleries</dt>
        <dd>{folder.privacy}</dd>
      </div>
      <div>
        <dt>Watching</dt>
        <dd>
          {folder.watch.mode === 'native'
            ? 'Instant (system events)'
            : folder.watch.mode === 'polling'
              ? 'Checking regularly'
              : 'Not watching'}
          {folder.watch.mode === 'polling' && folder.watch.reason ? (
            <span className="muted"> — {folder.watch.reason}</span>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Last checked</dt>
        <dd>{folder.lastSyncAt ? formatAgo(folder.lastSyncAt) : 'Not yet'}</dd>
      </div>
    </dl>
  );
}

type Tab = 'files' | 'mapping';

function Tabs({ tab, setTab }: { tab: Tab; setTab: (t: Tab) => void }) {
  const refs = useRef<Record<Tab, HTMLButtonElement | null>>({ files: null, mapping: null });
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next: Tab = tab === 'files' ? 'mapping' : 'files';
    setTab(next);
    refs.current[next]?.focus();
    event.preventDefault();
  };
  const tabs: Array<[Tab, string]> = [
    ['files', 'Files'],
    ['mapping', 'Galleries on SmugMug'],
  ];
  return (
    <div className="tabs" role="tablist" aria-label="Folder details" onKeyDown={onKey}>
      {tabs.map(([id, label]) => (
        <button
          key={id}
          ref={(el) => {
            refs.current[id] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-controls={`panel-${id}`}
          aria-selected={tab === id}
          tabIndex={tab === id ? 0 : -1}
          className="tab"
          onClick={() => setTab(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

export function FolderDetail({ folderId }: { folderId: number }) {
  const folder = useSnapshot((s) => s.folders.find((f) => f.id === folderId) ?? null, null);
  const connection = useConnection();
  const go = useNavigate();
  const [tab, setTab] = useState<Tab>('files');
  const [confirming, setConfirming] = useState(false);
  const sync = useAction(
    useCallback(() => connection.request('syncNow', { folderId }), [connection, folderId]),
  );
  const remove = useAction(
    useCallback(async () => {
      await connection.request('removeFolder', { folderId });
      go({ name: 'folders' });
    }, [connection, folderId, go]),
  );
  if (!folder) {
    return (
      <EmptyState icon="folders" title="This folder is no longer connected">
        <Button onClick={() => go({ name: 'folders' })}>Back to folders</Button>
      </EmptyState>
    );
  }
  return (
    <div className="stack stack-fill">
      <button type="button" className="link-button back" onClick={() => go({ name: 'folders' })}>
        <Icon name="back" size={16} />
        Folders
      </button>
      <ViewHeading
        actions={
          <>
            <Button icon="refresh" busy={sync.busy} onClick={() => sync.run()}>
              Sync now
            </Button>
            <Button variant="quiet" onClick={() => setConfirming(true)}>
              Stop backing up…
            </Button>
          </>
        }
      >
        {folder.name}
      </ViewHeading>
      {confirming ? (
        <div className="callout tone-warn" role="alertdialog" aria-labelledby="confirm-remove">
          <p id="confirm-remove">
            Stop backing up {folder.name}? Nothing is deleted, on SmugMug or on this computer; new and changed
            files are simply no longer uploaded.
          </p>
          <Button variant="danger" busy={remove.busy} onClick={() => remove.run()}>
            Stop backing up
          </Button>
          <Button onClick={() => setConfirming(false)}>Cancel</Button>
        </div>
      ) : null}
      <ErrorNote error={sync.error ?? remove.error} />
      <section className="card folder-status" aria-label="Status">
        <p className="status-line">
          <FolderStateBadge state={folder.state} />
          <span>{folder.stateText}</span>
        </p>
        {folder.problem ? <p className="folder-problem">{folder.problem}</p> : null}
        <p className="muted">
          {formatCount(folder.counts.total)} files · {countsLine(folder.counts, folder.settling)}
        </p>
        <Facts folder={folder} />
      </section>
      <Tabs tab={tab} setTab={setTab} />
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'files' ? <FileList folder={folder} /> : <Mapping folderId={folder.id} />}
      </div>
    </div>
  );
}
