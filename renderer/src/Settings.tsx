// Settings apply as soon as they change (text fields when you leave them or press Enter), as in
// a system settings window: there is no Save button to forget.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AppSettingsData, ParamsOf } from '../../src/protocol/schema.ts';
import { Account } from './Account.tsx';
import { desktopBridge } from './desktop.ts';
import { formatRate } from './format.ts';
import { ViewHeading } from './heading.tsx';
import { useQuery } from './query.ts';
import { useSnapshot } from './snapshot.ts';
import { ErrorNote, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

type Change = ParamsOf<'setSettings'>;
type Save = (change: Change) => void;

const UNITS = { 'KB/s': 1000, 'MB/s': 1_000_000 } as const;
type Unit = keyof typeof UNITS;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

function Bandwidth({ limit, save }: { limit: number; save: Save }) {
  const ids = useId();
  const initialUnit: Unit = limit >= 1_000_000 || limit === 0 ? 'MB/s' : 'KB/s';
  const [unit, setUnit] = useState<Unit>(initialUnit);
  const [draft, setDraft] = useState(limit > 0 ? String(limit / UNITS[initialUnit]) : '2');
  const [invalid, setInvalid] = useState(false);
  // Enter and then leaving the field must not send the same change twice.
  const sent = useRef(limit);
  useEffect(() => {
    sent.current = limit;
    if (limit === 0) return;
    const u: Unit = limit >= 1_000_000 ? 'MB/s' : 'KB/s';
    setUnit(u);
    setDraft(String(limit / UNITS[u]));
  }, [limit]);
  const commit = () => {
    const n = Number(draft.replace(',', '.'));
    if (!Number.isFinite(n) || n <= 0) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    const bytes = Math.max(1, Math.round(n * UNITS[unit]));
    if (bytes === sent.current) return;
    sent.current = bytes;
    save({ bandwidthLimit: bytes });
  };
  return (
    <div className="setting">
      <label className="check">
        <input
          type="checkbox"
          checked={limit > 0}
          onChange={(e) => {
            if (e.target.checked) {
              commit();
            } else {
              sent.current = 0;
              save({ bandwidthLimit: 0 });
            }
          }}
        />
        <span className="radio-label">Limit upload speed</span>
      </label>
      <div className="inline-fields">
        <input
          className="input input-number"
          type="text"
          inputMode="decimal"
          aria-label="Upload speed limit"
          aria-invalid={invalid || undefined}
          aria-describedby={`${ids}-bw`}
          disabled={limit === 0}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => commit()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
        <select
          className="input"
          aria-label="Unit"
          disabled={limit === 0}
          value={unit}
          onChange={(e) => {
            // Only how the limit is shown changes; the limit itself changes when a number is typed.
            const u = e.target.value as Unit;
            setUnit(u);
            if (limit > 0) setDraft(String(limit / UNITS[u]));
          }}
        >
          {Object.keys(UNITS).map((u) => (
            <option key={u}>{u}</option>
          ))}
        </select>
      </div>
      <p id={`${ids}-bw`} className={invalid ? 'field-error' : 'hint'}>
        {invalid
          ? 'Type a speed above zero, such as 2 or 0.5.'
          : limit > 0
            ? `Uploads share ${formatRate(limit)}, so the rest of the network stays usable.`
            : 'Uploads use all the speed they can get.'}
      </p>
    </div>
  );
}

function Parallel({ value, save }: { value: number; save: Save }) {
  const ids = useId();
  return (
    <div className="setting setting-row">
      <label htmlFor={`${ids}-parallel`} className="radio-label">
        Files uploaded at once
      </label>
      <select
        id={`${ids}-parallel`}
        className="input"
        value={value}
        onChange={(e) => save({ parallelUploads: Number(e.target.value) })}
      >
        {Array.from({ length: 16 }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

function Schedule({ schedule, save }: { schedule: AppSettingsData['schedule']; save: Save }) {
  const set = (change: Partial<AppSettingsData['schedule']>) =>
    save({ schedule: { ...schedule, ...change } });
  return (
    <div className="setting">
      <div className="inline-fields">
        <label className="check">
          <input
            type="checkbox"
            checked={schedule.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          <span className="radio-label">Upload only between</span>
        </label>
        <select
          className="input"
          aria-label="From"
          value={schedule.startHour}
          disabled={!schedule.enabled}
          onChange={(e) => set({ startHour: Number(e.target.value) })}
        >
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {hourLabel(h)}
            </option>
          ))}
        </select>
        <span>and</span>
        <select
          className="input"
          aria-label="Until"
          value={schedule.endHour}
          disabled={!schedule.enabled}
          onChange={(e) => set({ endHour: Number(e.target.value) })}
        >
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {hourLabel(h)}
            </option>
          ))}
        </select>
      </div>
      <p className="hint">For example 23:00 and 07:00 to upload only at night.</p>
    </div>
  );
}

function FileTypes({ types, save }: { types: AppSettingsData['fileTypes']; save: Save }) {
  const options: Array<[keyof typeof types, string, string]> = [
    ['photos', 'Photos', 'JPEG, HEIC, PNG and other images'],
    ['videos', 'Videos', 'MOV, MP4 and other movies'],
    ['raw', 'RAW files', 'Camera originals such as CR3, NEF, ARW, DNG'],
  ];
  return (
    <fieldset className="setting radios">
      <legend className="radio-label">Back up</legend>
      {options.map(([key, label, hint]) => (
        <label key={key} className="check">
          <input
            type="checkbox"
            checked={types[key]}
            onChange={(e) => save({ fileTypes: { ...types, [key]: e.target.checked } })}
          />
          <span>
            <span className="radio-label">{label}</span>
            <span className="hint">{hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function IgnorePatterns({ patterns, save }: { patterns: string[]; save: Save }) {
  const ids = useId();
  const joined = patterns.join('\n');
  const [draft, setDraft] = useState(joined);
  useEffect(() => setDraft(joined), [joined]);
  const commit = () => {
    const next = draft
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (next.join('\n') !== joined) save({ ignorePatterns: next });
  };
  return (
    <div className="setting">
      <label htmlFor={`${ids}-ignore`} className="radio-label">
        Ignore files and folders matching
      </label>
      <textarea
        id={`${ids}-ignore`}
        className="input textarea mono"
        rows={4}
        spellCheck={false}
        value={draft}
        aria-describedby={`${ids}-ignore-hint`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
      />
      <p id={`${ids}-ignore-hint`} className="hint">
        One pattern per line, such as <code>**/Exports/**</code> or <code>*.tmp</code>. Applies to every
        folder.
      </p>
    </div>
  );
}

function Desktop({ settings, save }: { settings: AppSettingsData; save: Save }) {
  const desktop = useSnapshot((s) => s.desktop, false);
  return (
    <>
      {desktop ? null : <p className="note">These settings only apply in the desktop app.</p>}
      <label className="check">
        <input
          type="checkbox"
          disabled={!desktop}
          checked={settings.startAtLogin}
          onChange={(e) => save({ startAtLogin: e.target.checked })}
        />
        <span className="radio-label">Start Safelight when I log in</span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          disabled={!desktop}
          checked={settings.pauseOnBattery}
          onChange={(e) => save({ pauseOnBattery: e.target.checked })}
        />
        <span className="radio-label">Pause uploads while on battery</span>
      </label>
    </>
  );
}

export function Settings() {
  const connection = useConnection();
  const query = useQuery('getSettings', {}, ['settings']);
  const [settings, setSettings] = useState<AppSettingsData | null>(null);
  const [saved, setSaved] = useState(0);
  useEffect(() => {
    if (query.data) setSettings(query.data);
  }, [query.data]);
  const saving = useAction(
    useCallback(
      async (change: Change) => {
        setSettings(await connection.request('setSettings', change));
        setSaved(Date.now());
      },
      [connection],
    ),
  );
  const save = saving.run;
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(0), 2500);
    return () => clearTimeout(timer);
  }, [saved]);

  return (
    <div className="stack settings">
      <ViewHeading
        actions={
          <span className="saved muted" role="status">
            {saving.busy ? 'Saving…' : saved ? 'Saved' : ''}
          </span>
        }
      >
        Settings
      </ViewHeading>
      <section className="card" aria-labelledby="settings-account">
        <h2 id="settings-account" className="card-title">
          SmugMug account
        </h2>
        <Account />
        <SecretStorageWarning />
      </section>
      <ErrorNote error={query.error ?? saving.error} />
      {settings ? (
        <>
          <section className="card" aria-labelledby="settings-uploads">
            <h2 id="settings-uploads" className="card-title">
              Uploads
            </h2>
            <Bandwidth limit={settings.bandwidthLimit} save={save} />
            <Parallel value={settings.parallelUploads} save={save} />
            <Schedule schedule={settings.schedule} save={save} />
          </section>
          <section className="card" aria-labelledby="settings-files">
            <h2 id="settings-files" className="card-title">
              Files
            </h2>
            <FileTypes types={settings.fileTypes} save={save} />
            <IgnorePatterns patterns={settings.ignorePatterns} save={save} />
          </section>
          <section className="card" aria-labelledby="settings-desktop">
            <h2 id="settings-desktop" className="card-title">
              This computer
            </h2>
            <Desktop settings={settings} save={save} />
          </section>
        </>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}

/** In the desktop app, where the OS offers no keyring, the sign-in is kept less safely: say so. */
function SecretStorageWarning() {
  const [warning, setWarning] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void desktopBridge()
      ?.secretStorage()
      .then((info) => {
        if (current) setWarning(info.warning);
      });
    return () => {
      current = false;
    };
  }, []);
  return warning ? (
    <p className="note" role="status">
      {warning}
    </p>
  ) : null;
}
