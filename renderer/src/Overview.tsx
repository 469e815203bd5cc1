// At a glance: is everything backed up, how far along the uploads are, what is uploading now.
import { useCallback, useRef } from 'react';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import { formatBytes, formatCount, formatEta, formatRate, plural, splitPath } from './format.ts';
import { useFocusOnOpen } from './heading.tsx';
import { Icon, type IconName } from './icons.tsx';
import { useNavigate } from './navigation.ts';
import { useSnapshot } from './snapshot.ts';
import { Button, ErrorNote, FolderStateBadge, ProgressBar, type Tone, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

type OverviewState = SnapshotData['overview']['state'];

const LOOKS: Record<OverviewState, { icon: IconName; tone: Tone }> = {
  'up-to-date': { icon: 'check', tone: 'ok' },
  working: { icon: 'upload', tone: 'busy' },
  paused: { icon: 'pause', tone: 'neutral' },
  attention: { icon: 'alert', tone: 'warn' },
  'signed-out': { icon: 'user', tone: 'warn' },
  empty: { icon: 'folders', tone: 'neutral' },
};

function Status() {
  const overview = useSnapshot((s) => s.overview, null);
  const pause = useSnapshot((s) => s.pause, null);
  const failures = useSnapshot((s) => s.failures, 0);
  const connection = useConnection();
  const go = useNavigate();
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusOnOpen(heading);
  const act = useAction(
    useCallback(
      (what: 'pause' | 'pause-hour' | 'resume') =>
        what === 'resume'
          ? connection.request('resume', {})
          : connection.request('pause', what === 'pause-hour' ? { minutes: 60 } : {}),
      [connection],
    ),
  );
  if (!overview || !pause) return null;
  const look = LOOKS[overview.state];
  const nothingToPause = overview.state === 'empty' || overview.state === 'signed-out';
  const reviewFailures = overview.state === 'attention' && failures > 0;
  return (
    <section className={`hero tone-${look.tone}`} aria-labelledby="overview-headline">
      <span className="hero-icon" aria-hidden="true">
        <Icon name={look.icon} size={28} />
      </span>
      <div className="hero-text">
        <h1 id="overview-headline" ref={heading} tabIndex={-1}>
          {overview.headline}
        </h1>
        {overview.detail ? <p className="hero-detail">{overview.detail}</p> : null}
        <ErrorNote error={act.error} />
      </div>
      {nothingToPause ? null : (
        <div className="hero-actions">
          {reviewFailures ? (
            <Button variant="primary" onClick={() => go({ name: 'failures' })}>
              Review failures
            </Button>
          ) : null}
          {pause.paused && pause.reason === 'user' ? (
            <Button variant="primary" icon="play" busy={act.busy} onClick={() => act.run('resume')}>
              Resume
            </Button>
          ) : (
            <>
              <Button icon="pause" busy={act.busy} onClick={() => act.run('pause')}>
                Pause
              </Button>
              <Button icon="clock" busy={act.busy} onClick={() => act.run('pause-hour')}>
                Pause for 1 hour
              </Button>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function OverallProgress() {
  const progress = useSnapshot((s) => s.progress, null);
  const working = useSnapshot((s) => s.overview.state === 'working' || s.uploads.length > 0, false);
  if (!progress || !working || progress.filesTotal === 0) return null;
  const eta = formatEta(progress.etaSeconds);
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title" className="card-title">
        {formatCount(progress.filesDone)} of {plural(progress.filesTotal, 'file')} backed up
      </h2>
      <ProgressBar done={progress.bytesDone} total={progress.bytesTotal} label="Overall upload progress" />
      <p className="meta-line" data-testid="progress-meta">
        <span>
          {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
        </span>
        <span data-testid="upload-rate">{formatRate(progress.rate)}</span>
        {eta ? <span>{eta}</span> : null}
      </p>
    </section>
  );
}

function UploadingNow() {
  const uploads = useSnapshot((s) => s.uploads, []);
  const names = useSnapshot((s) => Object.fromEntries(s.folders.map((f) => [f.id, f.name])), {});
  if (uploads.length === 0) return null;
  return (
    <section className="card" aria-labelledby="uploading-title">
      <h2 id="uploading-title" className="card-title">
        Uploading now
      </h2>
      <ul className="upload-list">
        {uploads.map((u) => {
          const { dir, name } = splitPath(u.relPath);
          return (
            <li key={u.fileId} className="upload-row">
              <div className="upload-name">
                <span className="file-name">{name}</span>
                <span className="muted">{[names[u.folderId], dir].filter(Boolean).join(' / ')}</span>
              </div>
              <ProgressBar done={u.sent} total={u.size} label={`Uploading ${name}`} size="small" />
              <span className="upload-bytes muted">
                {formatBytes(u.sent)} of {formatBytes(u.size)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Callouts() {
  // When the headline is about the failures already, the button to review them is beside it.
  const failures = useSnapshot((s) => (s.overview.state === 'attention' ? 0 : s.failures), 0);
  const signedOut = useSnapshot((s) => s.account.state !== 'signed-in', false);
  const problem = useSnapshot((s) => s.account.problem, null);
  const go = useNavigate();
  return (
    <>
      {signedOut ? (
        <section className="callout tone-warn">
          <Icon name="user" />
          <p>{problem ?? 'Safelight is not connected to a SmugMug account, so nothing can be uploaded.'}</p>
          <Button variant="primary" onClick={() => go({ name: 'settings' })}>
            Connect account
          </Button>
        </section>
      ) : null}
      {failures > 0 ? (
        <section className="callout tone-error">
          <Icon name="failures" />
          <p>{plural(failures, 'file')} could not be backed up.</p>
          <Button onClick={() => go({ name: 'failures' })}>Review failures</Button>
        </section>
      ) : null}
    </>
  );
}

function FolderSummary() {
  const folders = useSnapshot(
    (s) => s.folders.map((f) => ({ id: f.id, name: f.name, state: f.state, stateText: f.stateText })),
    [],
  );
  const go = useNavigate();
  if (folders.length === 0) {
    return (
      <section className="card card-empty">
        <p>Add a folder of photos or videos and Safelight keeps it backed up to SmugMug.</p>
        <Button variant="primary" icon="add" onClick={() => go({ name: 'add' })}>
          Add folder
        </Button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="folders-title">
      <h2 id="folders-title" className="card-title">
        Folders
      </h2>
      <ul className="summary-list">
        {folders.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              className="summary-row"
              onClick={() => go({ name: 'folder', folderId: f.id })}
              aria-label={`${f.name}: ${f.stateText}`}
            >
              <Icon name="folders" />
              <span className="summary-name">{f.name}</span>
              <span className="muted summary-text">{f.stateText}</span>
              <FolderStateBadge state={f.state} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Overview() {
  return (
    <div className="stack">
      <Status />
      <Callouts />
      <OverallProgress />
      <UploadingNow />
      <FolderSummary />
    </div>
  );
}
