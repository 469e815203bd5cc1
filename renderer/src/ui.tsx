// Small pieces every view uses: progress bars, status badges, buttons that run a command.
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { FileInfoData, FolderStateName } from '../../src/protocol/schema.ts';
import { percent } from './format.ts';
import { Icon, type IconName } from './icons.tsx';
import { errorText } from './query.ts';

export type Tone = 'ok' | 'busy' | 'neutral' | 'warn' | 'error';

export function ProgressBar({
  done,
  total,
  label,
  size = 'normal',
}: {
  done: number;
  total: number;
  label: string;
  size?: 'normal' | 'small';
}) {
  const value = Math.round(percent(done, total));
  return (
    <div
      className={`progress progress-${size}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={`${value}%`}
    >
      {/* React sets styles through the CSSOM, which a `style-src 'self'` CSP allows. */}
      <div className="progress-fill" style={{ width: `${percent(done, total)}%` }} />
    </div>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <span className={`badge tone-${tone}`}>
      <span className="badge-dot" aria-hidden="true" />
      {children}
    </span>
  );
}

const FOLDER_STATES: Record<FolderStateName, { label: string; tone: Tone }> = {
  starting: { label: 'Starting', tone: 'busy' },
  scanning: { label: 'Scanning', tone: 'busy' },
  settling: { label: 'Waiting for copies', tone: 'busy' },
  uploading: { label: 'Uploading', tone: 'busy' },
  'up-to-date': { label: 'Up to date', tone: 'ok' },
  paused: { label: 'Paused', tone: 'neutral' },
  offline: { label: 'Offline', tone: 'warn' },
  'rate-limited': { label: 'Slowed by SmugMug', tone: 'warn' },
  'failed-items': { label: 'Some files failed', tone: 'error' },
  'signed-out': { label: 'Signed out', tone: 'warn' },
};

export function FolderStateBadge({ state }: { state: FolderStateName }) {
  const { label, tone } = FOLDER_STATES[state];
  return <Badge tone={tone}>{label}</Badge>;
}

type FileState = FileInfoData['state'];

export const FILE_STATES: Record<FileState, { label: string; tone: Tone }> = {
  pending: { label: 'Not yet backed up', tone: 'neutral' },
  uploading: { label: 'Uploading', tone: 'busy' },
  uploaded: { label: 'Backed up', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  skipped: { label: 'Skipped', tone: 'neutral' },
  deleted: { label: 'Deleted here', tone: 'neutral' },
  ignored: { label: 'Ignored', tone: 'neutral' },
};

/** A command behind a button: busy while it runs, its error kept for display. */
export function useAction<A extends unknown[]>(
  fn: (...args: A) => Promise<unknown>,
): { run: (...args: A) => void; busy: boolean; error: string | null; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    (...args: A) => {
      setBusy(true);
      setError(null);
      void fn(...args).then(
        () => {
          if (mounted.current) setBusy(false);
        },
        (e: unknown) => {
          if (!mounted.current) return;
          setBusy(false);
          setError(errorText(e));
        },
      );
    },
    [fn],
  );
  const clear = useCallback(() => setError(null), []);
  return { run, busy, error, clear };
}

export function Button({
  children,
  onClick,
  variant = 'secondary',
  icon,
  busy = false,
  disabled = false,
  label,
  type = 'button',
}: {
  children: ReactNode;
  onClick?: () => void;
  variant?: 'primary' | 'secondary' | 'quiet' | 'danger';
  icon?: IconName;
  busy?: boolean;
  disabled?: boolean;
  /** An accessible name when the visible text is not enough ("Retry IMG_1.JPG"). */
  label?: string;
  type?: 'button' | 'submit';
}) {
  return (
    <button
      type={type}
      className={`button button-${variant}`}
      onClick={onClick}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      aria-label={label}
    >
      {icon ? <Icon name={icon} size={16} /> : null}
      <span>{children}</span>
    </button>
  );
}

export function ErrorNote({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error-note" role="alert">
      <Icon name="alert" size={16} />
      <span>{error}</span>
    </p>
  );
}

export function EmptyState({
  icon,
  title,
  children,
}: {
  icon: IconName;
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="empty">
      <span className="empty-icon">
        <Icon name={icon} size={28} />
      </span>
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}
