// A folder's files as a virtual list: only the rows on screen exist in the page, so 100k files
// scroll as smoothly as 100. Each row shows when the file was taken and whether it is backed up; a
// Live Photo is one row for both its halves; a row that is uploading follows the live progress
// from the snapshot without re-rendering its neighbours.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import type { FileInfoData, FolderInfoData } from '../../src/protocol/schema.ts';
import { type FileFilter, useFilePages } from './file-pages.ts';
import { formatBytes, formatCapture, formatCount, plural, splitPath } from './format.ts';
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

/** Both halves of a Live Photo in words: "Live Photo: photo Backed up, video IMG_1.MOV Failed: …". */
function liveText(file: FileInfoData): string {
  const live = file.live;
  if (!live) return '';
  const video = `video ${splitPath(live.video).name} ${FILE_STATES[live.videoState].label}`;
  return `Live Photo: photo ${FILE_STATES[live.stillState].label}, ${video}${live.videoError ? `: ${live.videoError}` : ''}`;
}

function FileStatus({ file }: { file: FileInfoData }) {
  const videoId = file.live?.videoId;
  const live = useSnapshot(
    (s) => s.uploads.find((u) => u.fileId === file.id || u.fileId === videoId) ?? null,
    null,
  );
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
    <span className="file-status" title={file.live ? liveText(file) : undefined}>
      <Badge tone={look.tone}>{look.label}</Badge>
    </span>
  );
}

function Taken({ capture }: { capture: FileInfoData['capture'] }) {
  if (!capture) return <span className="file-taken muted">—</span>;
  return (
    <span className="file-taken" title={capture.note ?? undefined}>
      <span>{formatCapture(capture.at)}</span>
      <span className={`muted${capture.source === 'mtime' ? ' file-taken-guess' : ''}`}>
        {capture.sourceText}
      </span>
    </span>
  );
}

const FileRow = memo(function FileRow({ file, dated }: { file: FileInfoData; dated: boolean }) {
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
          {file.live ? (
            <span className="live-badge" title={liveText(file)}>
              Live<span className="visually-hidden">: {liveText(file)}</span>
            </span>
          ) : null}
        </span>
        {file.state === 'failed' && file.error ? (
          <span className="file-error" title={file.error}>
            {file.error}
          </span>
        ) : (
          <span className="file-dir muted">{dir || '—'}</span>
        )}
      </span>
      {dated ? <Taken capture={file.capture} /> : null}
      <span className="file-size muted">{formatBytes(file.size + (file.live?.videoSize ?? 0))}</span>
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

  // Date mode reads when each file was taken (mirror mode has no use for it).
  const dated = folder.mode === 'date';
  // Every file is listed under "All" (those deleted here too), a Live Photo's two as one item.
  const listed = folder.counts.total + folder.counts.deleted;
  const livePhotos = filter === 'all' && pages.total !== null ? Math.max(0, listed - pages.total) : 0;
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
      {livePhotos > 0 ? (
        <p className="muted small">
          {plural(livePhotos, 'Live Photo')}, each listed once for its photo and its video.
        </p>
      ) : null}
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
                className={`file-row${dated ? ' file-row-dated' : ''}${file ? '' : ' file-row-loading'}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {file ? <FileRow file={file} dated={dated} /> : <span className="muted">Loading…</span>}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
