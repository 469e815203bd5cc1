// Connecting a folder: the person names it (typed, pasted or dropped), chooses how it maps onto
// SmugMug, and sees the galleries that will be created before anything is uploaded. A phone or
// camera import is sorted by date taken unless the person chooses to mirror it.
import { type DragEvent, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_DATE_FOLDER_OPTIONS } from '../../src/plan/date-mode.ts';
import { datePathExample, galleryExample, galleryFormatProblem } from '../../src/plan/date-options.ts';
import type { MappingNodeData, ParamsOf, PreviewData } from '../../src/protocol/schema.ts';
import { desktopBridge } from './desktop.ts';
import { formatCount, formatTaken, plural } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { Icon } from './icons.tsx';
import { useNavigate } from './navigation.ts';
import { errorText } from './query.ts';
import { Button, ErrorNote } from './ui.tsx';
import { useConnection } from './use-connection.ts';

type Choice = ParamsOf<'addFolder'>;
type Mode = Choice['mode'];
type Privacy = Choice['privacy'];

const DEBOUNCE_MS = 350;
const TREE_LIMIT = 400;

const MODES: Array<{ value: Mode; label: string; hint: string }> = [
  {
    value: 'mirror',
    label: 'Mirror my subfolders',
    hint: 'Each subfolder with photos becomes a gallery, inside SmugMug folders named like yours.',
  },
  {
    value: 'date',
    label: 'Sort by date taken',
    hint: 'Galleries by year and month, for phone and camera imports whose folder names mean nothing.',
  },
];

const PRIVACY: Array<{ value: Privacy; label: string; hint: string }> = [
  { value: 'Private', label: 'Private', hint: 'Only you can see them. Recommended.' },
  { value: 'Unlisted', label: 'Unlisted', hint: 'Anyone with the link can see them.' },
  { value: 'Public', label: 'Public', hint: 'Anyone can find and see them.' },
];

interface PreviewState {
  loading: boolean;
  data: PreviewData | null;
  error: string | null;
}

function usePreview(choice: Choice): PreviewState {
  const connection = useConnection();
  const [state, setState] = useState<PreviewState>({ loading: false, data: null, error: null });
  const key = JSON.stringify(choice);
  useEffect(() => {
    const params = JSON.parse(key) as Choice;
    if (params.path.trim() === '') {
      setState({ loading: false, data: null, error: null });
      return;
    }
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      void connection.request('previewFolder', { ...params, path: params.path.trim() }).then(
        (data) => {
          if (!cancelled) setState({ loading: false, data, error: null });
        },
        (e: unknown) => {
          if (!cancelled) setState({ loading: false, data: null, error: errorText(e) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [connection, key]);
  return state;
}

const TOKENS: Array<[string, string]> = [
  ['{YYYY}', '2024'],
  ['{YY}', '24'],
  ['{MM}', '07'],
  ['{M}', '7'],
  ['{MMMM}', 'July'],
  ['{MMM}', 'Jul'],
];

/** `nodes` in the order given (date mode's calendar order), or by path (mirror mode). */
function PreviewTree({
  nodes,
  target,
  byPath,
}: {
  nodes: MappingNodeData[];
  target: string;
  byPath: boolean;
}) {
  const base = target === '' ? 0 : target.split('/').filter(Boolean).length;
  const sorted = byPath ? [...nodes].sort((a, b) => a.smugmugPath.localeCompare(b.smugmugPath)) : nodes;
  const shown = sorted.slice(0, TREE_LIMIT);
  return (
    <>
      <ul className="tree" aria-label="Galleries and folders that will be created">
        <li className="tree-row tree-root">
          <Icon name={target === '' ? 'user' : 'folders'} size={16} />
          <span className="tree-text">
            <span className="tree-name">{target === '' ? 'Your SmugMug account' : target}</span>
            <span className="muted small">
              {target === '' ? 'Top level' : 'SmugMug folder, made if missing'}
            </span>
          </span>
        </li>
        {shown.map((n) => {
          const parts = n.smugmugPath.split('/');
          const depth = Math.max(0, parts.length - base);
          return (
            <li
              key={n.smugmugPath}
              className="tree-row"
              style={{ paddingInlineStart: `${depth * 20 + 4}px` }}
            >
              <Icon name={n.type === 'Album' ? 'gallery' : 'folders'} size={16} />
              <span
                className="tree-text"
                title={
                  n.taken
                    ? `Taken in ${formatTaken(n.taken)}`
                    : n.localPath
                      ? `From ${n.localPath}`
                      : undefined
                }
              >
                <span className="tree-name">{parts[parts.length - 1]}</span>
                <span className="muted small">
                  {n.type === 'Album' ? `Gallery · ${plural(n.files, 'file')} · ${n.privacy}` : 'Folder'}
                  {n.exists ? ' · already on SmugMug' : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {sorted.length > shown.length ? (
        <p className="muted small">and {formatCount(sorted.length - shown.length)} more</p>
      ) : null}
    </>
  );
}

function Radios<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  options: Array<{ value: T; label: string; hint: string }>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="field radios">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="radio">
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          <span>
            <span className="radio-label">{o.label}</span>
            <span className="hint">{o.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function DateOptions({
  id,
  galleryFormat,
  setGalleryFormat,
  folderName,
  setFolderName,
}: {
  id: string;
  galleryFormat: string;
  setGalleryFormat: (format: string) => void;
  folderName: string;
  setFolderName: (name: string) => void;
}) {
  const problem = galleryFormatProblem(galleryFormat);
  const path = problem
    ? null
    : datePathExample({ folderName: folderName.trim() || null, yearFolders: true, galleryFormat });
  return (
    <fieldset className="field date-options">
      <legend>Dated galleries</legend>
      <label className="field-label" htmlFor={`${id}-format`}>
        Gallery name
      </label>
      <input
        id={`${id}-format`}
        className="input mono"
        type="text"
        value={galleryFormat}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-format-status ${id}-format-hint`}
        onChange={(e) => setGalleryFormat(e.target.value)}
      />
      <div id={`${id}-format-status`} aria-live="polite">
        {problem ? (
          <p className="field-error">
            <Icon name="alert" size={16} />
            {problem}
          </p>
        ) : (
          <p className="format-example">
            July 2024 is called <strong>{galleryExample(galleryFormat)}</strong>
          </p>
        )}
      </div>
      <p id={`${id}-format-hint`} className="hint token-list">
        {TOKENS.map(([token, example]) => (
          <span key={token}>
            <code>{token}</code> {example}
          </span>
        ))}
      </p>
      <label className="field-label" htmlFor={`${id}-uploads`}>
        SmugMug folder for the years
      </label>
      <input
        id={`${id}-uploads`}
        className="input"
        type="text"
        value={folderName}
        autoComplete="off"
        placeholder="None: the years go straight into the folder below"
        aria-describedby={`${id}-uploads-hint`}
        onChange={(e) => setFolderName(e.target.value)}
      />
      <p id={`${id}-uploads-hint`} className="hint">
        {path ? `A photo taken in July 2024 goes to ${path.join(' › ')}. ` : ''}
        Leave empty for no extra folder.
      </p>
    </fieldset>
  );
}

function SampleNote({ preview }: { preview: PreviewData }) {
  const dates = preview.dates;
  if (!dates) return null;
  return (
    <div className="sample-note muted small">
      {dates.sampled < preview.files ? (
        <p>
          Months read from the dates inside {formatCount(dates.sampled)} of the{' '}
          {plural(preview.files, 'photo or video', 'photos and videos')}, spread over the folder; the others
          may add files and months.
        </p>
      ) : null}
      {dates.warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}

export function AddFolder() {
  const connection = useConnection();
  const go = useNavigate();
  const [path, setPath] = useState('');
  // Null until the person picks a mode; until then a camera import is sorted by date, the rest mirrored.
  const [chosenMode, setChosenMode] = useState<Mode | null>(null);
  const [galleryFormat, setGalleryFormat] = useState(DEFAULT_DATE_FOLDER_OPTIONS.galleryFormat);
  // The preview keeps the last format that names months while the field holds one that does not.
  const [previewFormat, setPreviewFormat] = useState(galleryFormat);
  const [folderName, setFolderName] = useState(DEFAULT_DATE_FOLDER_OPTIONS.folderName ?? '');
  const [privacy, setPrivacy] = useState<Privacy>('Private');
  const [target, setTarget] = useState('');
  const [network, setNetwork] = useState(false);
  const [dropNote, setDropNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<string | null>(null);
  const pathInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  // Known from the last preview (kept while the next one loads): a camera import's first, mirror
  // preview turns date mode on, and the date-mode preview that follows says the same.
  const [lastPreview, setLastPreview] = useState<PreviewData | null>(null);
  const cameraImport = lastPreview?.looksLikeCameraDump ? lastPreview.cameraDumpReason : null;
  const mode: Mode = chosenMode ?? (lastPreview?.prefersDateMode ? 'date' : 'mirror');
  const choice: Choice = {
    path,
    mode,
    privacy,
    target: target.trim().replace(/^\/+|\/+$/g, ''),
    watch: network ? 'polling' : 'auto',
    ...(mode === 'date'
      ? { dateOptions: { folderName: folderName.trim() || null, galleryFormat: previewFormat } }
      : {}),
  };
  const preview = usePreview(choice);
  if (preview.data !== lastPreview) setLastPreview(preview.data);
  const problem = preview.data?.problem ?? preview.error;
  const formatProblem = mode === 'date' ? galleryFormatProblem(galleryFormat) : null;
  const previewed =
    !preview.loading && preview.data !== null && preview.data.problem === null && path.trim() !== '';
  const ready = previewed && formatProblem === null;

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    const bridge = desktopBridge();
    if (!bridge) {
      setDropNote(
        `A browser does not tell Safelight where “${file.name}” is on disk. Type or paste the folder's full path instead.`,
      );
      pathInput.current?.focus();
      return;
    }
    void bridge.pathForFile(file).then((dropped) => {
      if (dropped) {
        setPath(dropped);
        setDropNote(null);
      } else {
        setDropNote(`“${file.name}” is not a folder Safelight can back up.`);
        pathInput.current?.focus();
      }
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setAdding(true);
    setAddError(null);
    void connection.request('addFolder', { ...choice, path: path.trim() }).then(
      (folder) => go({ name: 'folder', folderId: folder.id }),
      (e: unknown) => {
        setAdding(false);
        setAddError(errorText(e));
      },
    );
  };

  const statusId = `${ids}-status`;
  return (
    <form className="stack add-form" onSubmit={submit} noValidate>
      <ViewHeading>Add a folder</ViewHeading>
      <section className="card">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the path field inside is the keyboard way */}
        <div
          className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
        >
          <label className="field-label" htmlFor={`${ids}-path`}>
            Folder on this computer
          </label>
          <input
            ref={pathInput}
            id={`${ids}-path`}
            className="input mono"
            type="text"
            value={path}
            spellCheck={false}
            autoComplete="off"
            placeholder="/Users/you/Pictures/iPhone"
            aria-invalid={problem ? true : undefined}
            aria-describedby={statusId}
            onChange={(e) => {
              setPath(e.target.value);
              setDropNote(null);
            }}
          />
          {desktopBridge() ? (
            <Button
              onClick={() => {
                void desktopBridge()
                  ?.pickFolder()
                  .then((picked) => {
                    if (picked) {
                      setPath(picked);
                      setDropNote(null);
                    }
                  });
              }}
            >
              Choose folder…
            </Button>
          ) : null}
          <p className="hint">Type or paste the folder's path, or drop the folder here.</p>
          <div id={statusId} className="field-status" aria-live="polite">
            {dropNote ? <p className="note">{dropNote}</p> : null}
            {path.trim() === '' ? null : preview.loading ? (
              <p className="muted">Looking at the folder…</p>
            ) : problem ? (
              <p className="field-error">
                <Icon name="alert" size={16} />
                {problem}
              </p>
            ) : preview.data ? (
              <p className="field-ok">
                <Icon name="check" size={16} />
                {preview.data.truncated ? 'At least ' : ''}
                {plural(preview.data.files, 'photo or video', 'photos and videos')} found
              </p>
            ) : null}
          </div>
        </div>
      </section>

      <div className="add-grid">
        <section className="card">
          <Radios legend="Galleries" name="mode" options={MODES} value={mode} onChange={setChosenMode} />
          {cameraImport && mode === 'date' && chosenMode === null ? (
            <p className="note">
              Sorted by date taken, as this looks like a phone or camera import: {cameraImport}.{' '}
              <button type="button" className="link-button" onClick={() => setChosenMode('mirror')}>
                Mirror its subfolders instead
              </button>
            </p>
          ) : null}
          {cameraImport && mode === 'mirror' ? (
            <p className="note">
              This looks like a phone or camera import. Sorting by date taken usually fits it better.{' '}
              <button type="button" className="link-button" onClick={() => setChosenMode('date')}>
                Sort by date
              </button>
            </p>
          ) : null}
          {mode === 'date' ? (
            <DateOptions
              id={ids}
              galleryFormat={galleryFormat}
              setGalleryFormat={(format) => {
                setGalleryFormat(format);
                if (galleryFormatProblem(format) === null) setPreviewFormat(format);
              }}
              folderName={folderName}
              setFolderName={setFolderName}
            />
          ) : null}
          <Radios
            legend="Who can see new galleries"
            name="privacy"
            options={PRIVACY}
            value={privacy}
            onChange={setPrivacy}
          />
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-target`}>
              SmugMug folder to put it in
            </label>
            <input
              id={`${ids}-target`}
              className="input"
              type="text"
              value={target}
              autoComplete="off"
              placeholder="Top level of your account"
              aria-describedby={`${ids}-target-hint`}
              onChange={(e) => setTarget(e.target.value)}
            />
            <p id={`${ids}-target-hint`} className="hint">
              Leave empty for the top level. Separate levels with /, for example Backups/Laptop.
            </p>
          </div>
          <label className="check">
            <input type="checkbox" checked={network} onChange={(e) => setNetwork(e.target.checked)} />
            <span>
              <span className="radio-label">The folder is on a network drive</span>
              <span className="hint">
                Checks for new files regularly, as network drives do not report changes.
              </span>
            </span>
          </label>
        </section>

        <section className="card preview-card" aria-labelledby={`${ids}-preview`}>
          <h2 id={`${ids}-preview`} className="card-title">
            What will be created on SmugMug
          </h2>
          {previewed && preview.data ? (
            preview.data.nodes.length > 0 ? (
              <>
                <PreviewTree nodes={preview.data.nodes} target={choice.target} byPath={mode === 'mirror'} />
                <SampleNote preview={preview.data} />
              </>
            ) : (
              <p className="muted">No galleries: the folder has no photos or videos yet.</p>
            )
          ) : (
            <p className="muted">
              Choose a folder to see its galleries here. Nothing is uploaded until you confirm.
            </p>
          )}
        </section>
      </div>

      <ErrorNote error={addError} />
      <div className="form-actions">
        <Button type="submit" variant="primary" icon="upload" disabled={!ready} busy={adding}>
          Back up this folder
        </Button>
        <Button variant="quiet" onClick={() => go({ name: 'folders' })}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
