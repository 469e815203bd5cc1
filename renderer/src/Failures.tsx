// What could not be backed up, grouped by reason, each reason with what to do about it.
import { useCallback } from 'react';
import type { FailureGroupData, FailureItemData } from '../../src/protocol/schema.ts';
import { formatAgo, formatCount, plural, splitPath } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { useQuery } from './query.ts';
import { Badge, Button, EmptyState, ErrorNote, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

function FailureRow({ item }: { item: FailureItemData }) {
  const connection = useConnection();
  const { name, dir } = splitPath(item.relPath);
  const retry = useAction(
    useCallback(() => connection.request('retry', { fileIds: [item.fileId] }), [connection, item.fileId]),
  );
  const ignore = useAction(
    useCallback(() => connection.request('ignore', { fileIds: [item.fileId] }), [connection, item.fileId]),
  );
  return (
    <li className="failure-row">
      <div className="failure-file">
        <span className="file-name">{name}</span>
        <span className="muted mono-small">{[item.folderPath, dir].filter(Boolean).join('/')}</span>
        <span className="muted small">
          {item.kind === 'transient' ? 'Safelight keeps trying' : 'Will not be tried again by itself'} ·{' '}
          {plural(item.attempts, 'attempt')} · last {formatAgo(item.updatedAt)}
        </span>
        <ErrorNote error={retry.error ?? ignore.error} />
      </div>
      <div className="row-actions">
        <Button busy={retry.busy} onClick={() => retry.run()} label={`Retry ${name}`}>
          Retry
        </Button>
        <Button variant="quiet" busy={ignore.busy} onClick={() => ignore.run()} label={`Ignore ${name}`}>
          Ignore
        </Button>
      </div>
    </li>
  );
}

function Group({ group, index }: { group: FailureGroupData; index: number }) {
  const connection = useConnection();
  const idsKey = group.files.map((f) => f.fileId).join(',');
  const retryGroup = useAction(
    useCallback(
      () => connection.request('retry', { fileIds: idsKey.split(',').map(Number) }),
      [connection, idsKey],
    ),
  );
  const titleId = `failure-group-${index}`;
  return (
    <section className="card failure-group" aria-labelledby={titleId}>
      <header className="group-header">
        <div>
          <h2 id={titleId} className="card-title">
            {group.reason}
          </h2>
          <p className="advice">
            <span className="advice-label">What to do:</span> {group.advice}
          </p>
        </div>
        <div className="group-side">
          <Badge tone="error">{plural(group.count, 'file')}</Badge>
          <Button
            busy={retryGroup.busy}
            onClick={() => retryGroup.run()}
            label={`Retry ${plural(group.count, 'file')}: ${group.reason}`}
          >
            Retry these
          </Button>
        </div>
      </header>
      <ErrorNote error={retryGroup.error} />
      <ul className="failure-list">
        {group.files.map((item) => (
          <FailureRow key={item.fileId} item={item} />
        ))}
      </ul>
      {group.count > group.files.length ? (
        <p className="muted small">
          and {formatCount(group.count - group.files.length)} more with the same reason
        </p>
      ) : null}
    </section>
  );
}

export function Failures() {
  const connection = useConnection();
  const failures = useQuery('listFailures', {}, ['failures']);
  const retryAll = useAction(useCallback(() => connection.request('retryAll', {}), [connection]));
  const total = failures.data?.total ?? 0;
  return (
    <div className="stack">
      <ViewHeading
        actions={
          total > 0 ? (
            <Button variant="primary" icon="refresh" busy={retryAll.busy} onClick={() => retryAll.run()}>
              Retry all
            </Button>
          ) : null
        }
      >
        Failures
      </ViewHeading>
      <ErrorNote error={failures.error ?? retryAll.error} />
      {failures.data === undefined ? (
        <p className="muted">Loading…</p>
      ) : total === 0 ? (
        <EmptyState icon="check" title="Nothing has failed">
          <p>Every file Safelight tried to upload made it to SmugMug.</p>
        </EmptyState>
      ) : (
        <>
          <p className="lead">{plural(total, 'file')} could not be backed up.</p>
          {failures.data.groups.map((g, i) => (
            <Group key={g.reason} group={g} index={i} />
          ))}
        </>
      )}
    </div>
  );
}
