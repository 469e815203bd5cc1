// What main itself remembers between runs, kept with electron-store (a JSON file in the app's
// user-data folder, checked against this schema on every read and write): where the window was
// and whether it was maximized, and whether the person has been told that closing the window
// leaves Safelight in the tray. The engine's settings (start at login, pause on battery, …) live
// with the engine, not here.

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** The window's normal (unmaximized) bounds, and whether it was maximized over them. */
export interface WindowPlace {
  bounds: WindowBounds;
  maximized: boolean;
}

export interface ShellState {
  window: WindowPlace;
  trayNoticeShown: boolean;
}

export const SHELL_DEFAULTS: ShellState = {
  window: { bounds: { width: 1040, height: 720 }, maximized: false },
  trayNoticeShown: false,
};

const LIMITS = {
  coordinate: { minimum: -100_000, maximum: 100_000 },
  width: { minimum: 400, maximum: 20_000 },
  height: { minimum: 300, maximum: 20_000 },
} as const;

/** electron-store's `schema` option: one JSON schema per top-level key. */
export const SHELL_SCHEMA = {
  window: {
    type: 'object',
    properties: {
      bounds: {
        type: 'object',
        properties: {
          x: { type: 'integer', ...LIMITS.coordinate },
          y: { type: 'integer', ...LIMITS.coordinate },
          width: { type: 'integer', ...LIMITS.width },
          height: { type: 'integer', ...LIMITS.height },
        },
        required: ['width', 'height'],
        additionalProperties: false,
      },
      maximized: { type: 'boolean' },
    },
    required: ['bounds', 'maximized'],
    additionalProperties: false,
  },
  trayNoticeShown: { type: 'boolean' },
} as const;

function field(record: Record<string, unknown>, key: string, limits: { minimum: number; maximum: number }) {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const whole = Math.round(value);
  return whole >= limits.minimum && whole <= limits.maximum ? whole : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Bounds the schema accepts, from whatever was given: a size out of range falls back to the
 * default size, and a position is kept only when both coordinates are usable.
 */
export function windowBounds(value: unknown): WindowBounds {
  const record = isRecord(value) ? value : {};
  const { width, height } = SHELL_DEFAULTS.window.bounds;
  const size = {
    width: field(record, 'width', LIMITS.width) ?? width,
    height: field(record, 'height', LIMITS.height) ?? height,
  };
  const x = field(record, 'x', LIMITS.coordinate);
  const y = field(record, 'y', LIMITS.coordinate);
  return x === undefined || y === undefined ? size : { x, y, ...size };
}

/**
 * A place the schema accepts, so that remembering the window can never throw (a wall of screens
 * can be wider than the schema allows) and a migration never meets a value it cannot mend.
 */
export function windowPlace(value: unknown): WindowPlace {
  const record = isRecord(value) ? value : {};
  return { bounds: windowBounds(record.bounds), maximized: record.maximized === true };
}

/** The part of electron-store a migration uses; it reads unknown values, since they have the old shape. */
export interface MigratingStore {
  get(key: keyof ShellState): unknown;
  set<Key extends keyof ShellState>(key: Key, value: ShellState[Key]): void;
}

/**
 * electron-store's `migrations` option: each runs once, when a store last opened by an older
 * version (or by one from before there were migrations, which recorded no version) is opened by
 * the version it names or a later one. A migration that throws stops the app from starting, so
 * each takes any value, damaged ones included.
 */
export const SHELL_MIGRATIONS: Record<string, (store: MigratingStore) => void> = {
  // 0.1.0 kept the window's bounds flat under `window`, and did not know whether it was maximized.
  '0.2.0': (store) => {
    const old = store.get('window');
    // A file without `window` is read with the defaults, which have the new shape already.
    const place =
      isRecord(old) && 'bounds' in old ? windowPlace(old) : { bounds: windowBounds(old), maximized: false };
    store.set('window', place);
  },
};

/**
 * What main passes to electron-store, which adds the folder (userData) and the version the
 * migrations compare with (app.getVersion(), package.json's version).
 */
export function shellStoreOptions() {
  return {
    name: 'shell',
    schema: SHELL_SCHEMA,
    defaults: SHELL_DEFAULTS,
    migrations: SHELL_MIGRATIONS,
    // A file the schema still refuses after the migrations starts over instead of stopping the app.
    clearInvalidConfig: true,
  };
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How to open the window: where it was, if enough of it would still be on a screen (a display
 * may have been unplugged since), else its old size, centred by the OS; maximized if it was.
 */
export function placeWindow(saved: WindowPlace, workAreas: readonly Rectangle[]): WindowPlace {
  const { bounds, maximized } = saved;
  const size = { width: bounds.width, height: bounds.height };
  if (bounds.x === undefined || bounds.y === undefined) return { bounds: size, maximized };
  const { x, y } = bounds;
  const visible = workAreas.some((area) => {
    const w = Math.min(x + bounds.width, area.x + area.width) - Math.max(x, area.x);
    const h = Math.min(y + bounds.height, area.y + area.height) - Math.max(y, area.y);
    return w >= 100 && h >= 50;
  });
  return { bounds: visible ? { x, y, ...size } : size, maximized };
}
