// A folder's files as a virtual list: only the rows on screen exist in the page, so 100k files
// scroll as smoothly as 100. Each row shows whether the file is backed up; a row that is uploading
// follows the live progress from the snapshot without re-rendering its neighbours.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import type { FileInfoData, FolderInfoData } from '../../src/protocol/schema.ts';
import { type FileFilter, useFilePages } from './file-pages.ts';
import { formatBytes, formatCount, splitPath } from './format.ts';
import { useSnapshot } from './snapshot.ts';
import { Badge, ErrorNote, FILE_STATES, ProgressBar } from './ui.tsx';

const ROW_HEIGHT = 56;

const FILTERS: Array<{ filter: FileFilter; label: string; count: (c: FolderInfoData['counts']) => number }> =
  [
    { filter: 'all', label: 'All', count: (c) => c.total },
    { filter: 'pending', label: 'Not yet backed up', count: (c) => c.pending },
    { filter: 'uploading', label: 'Uploading', count: (c) => c.uploading },
    { filter: 'uploaded', label: 'Backed up', count: (c) => c.uploaded },
    { filter: 'failed', label: 'Failed', count: (c) => c.failed },
    { filter: 'skipped', label: 'Skipped', count: (c) => c.skipped },
    { filter: 'deleted', label: 'Deleted here', count: (c) => c.deleted },
  ];

function FileStatus({ file }: { file: FileInfoData }) {
  const live = useSnapshot((s) => s.uploads.find((u) => u.fileId === file.id) ?? null, null);
  if (live || file.state === 'uploading') {
    const sent = live?.sent ?? file.sent ?? 0;
    const size = live?.size ?? file.size;
    return (
      <span className="file-status">
        <ProgressBar
          done={sent}
          total={size}
          label={`Uploading ${splitPath(file.relPath).name}`}
          size="small"
        />
        <Badge tone="busy">Uploading {size > 0 ? Math.floor((sent / size) * 100) : 0}%</Badge>
      </span>
    );
  }
  const look = FILE_STATES[file.state];
  return (
    <span className="file-status">
      <Badge tone={look.tone}>{look.label}</Badge>
    </span>
  );
}

const FileRow = memo(function FileRow({ file }: { file: FileInfoData }) {
  const { dir, name } = splitPath(file.relPath);
  return (
    <>
      <span className="file-text">
        <span className="file-name" title={file.relPath}>
          {file.webUrl ? (
            <a href={file.webUrl} target="_blank" rel="noopener noreferrer">
              {name}
            </a>
          ) : (
            name
          )}
        </span>
        {file.state === 'failed' && file.error ? (
          <span className="file-error" title={file.error}>
            {file.error}
          </span>
        ) : (
          <span className="file-dir muted">{dir || '—'}</span>
        )}
      </span>
      <span className="file-size muted">{formatBytes(file.size)}</span>
      <FileStatus file={file} />
    </>
  );
});

export function FileList({ folder }: { folder: FolderInfoData }) {
  const [filter, setFilter] = useState<FileFilter>('all');
  const pages = useFilePages(folder.id, filter);
  const scroller = useRef<HTMLElement>(null);
  const count = pages.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { show } = pages;
  useEffect(() => {
    show(first, last);
  }, [show, first, last]);

  const filters = FILTERS.filter(
    (f) => f.filter === 'all' || f.count(folder.counts) > 0 || f.filter === filter,
  );
  return (
    <div className="file-panel">
      <fieldset className="segmented" aria-label="Show files">
        {filters.map((f) => (
          <button
            key={f.filter}
            type="button"
            className="segment"
            aria-pressed={filter === f.filter}
            onClick={() => {
              setFilter(f.filter);
              virtualizer.scrollToOffset(0);
            }}
          >
            {f.label} <span className="segment-count">{formatCount(f.count(folder.counts))}</span>
          </button>
        ))}
      </fieldset>
      <ErrorNote error={pages.error} />
      <section
        className="file-scroll"
        ref={scroller}
        aria-label={`${folder.name}: file list`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling list must be reachable to scroll it by keyboard
        tabIndex={0}
        data-testid="file-list"
      >
        {pages.total === 0 ? (
          <p className="file-empty muted">{filter === 'all' ? 'No files found yet.' : 'No files here.'}</p>
        ) : null}
        <ul
          className="file-spacer"
          aria-label={`Files in ${folder.name}`}
          aria-busy={pages.total === null}
          style={{ height: `${virtualizer.getTotalSize()}px` }}
        >
          {items.map((item) => {
            const file = pages.row(item.index);
            return (
              <li
                key={item.key}
                aria-setsize={count}
                aria-posinset={item.index + 1}
                className={`file-row${file ? '' : ' file-row-loading'}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {file ? <FileRow file={file} /> : <span className="muted">Loading…</span>}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
