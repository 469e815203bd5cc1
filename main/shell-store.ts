// What main itself remembers between runs, kept with electron-store (a JSON file in the app's
// user-data folder, checked against this schema on every read and write): where the window was,
// and whether the person has been told that closing the window leaves Safelight in the tray.
// The engine's settings (start at login, pause on battery, …) live with the engine, not here.

export interface WindowPlace {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface ShellState {
  window: WindowPlace;
  trayNoticeShown: boolean;
}

export const SHELL_DEFAULTS: ShellState = {
  window: { width: 1040, height: 720 },
  trayNoticeShown: false,
};

const coordinate = { type: 'integer', minimum: -100_000, maximum: 100_000 } as const;

/** electron-store's `schema` option: one JSON schema per top-level key. */
export const SHELL_SCHEMA = {
  window: {
    type: 'object',
    properties: {
      x: coordinate,
      y: coordinate,
      width: { type: 'integer', minimum: 400, maximum: 20_000 },
      height: { type: 'integer', minimum: 300, maximum: 20_000 },
    },
    required: ['width', 'height'],
    additionalProperties: false,
  },
  trayNoticeShown: { type: 'boolean' },
} as const;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where to open the window: where it was, if enough of it would still be on a screen (a display
 * may have been unplugged since); else its old size, centred by the OS.
 */
export function placeWindow(saved: WindowPlace, workAreas: readonly Rectangle[]): WindowPlace {
  const size = { width: saved.width, height: saved.height };
  if (saved.x === undefined || saved.y === undefined) return size;
  const { x, y } = saved;
  const visible = workAreas.some((area) => {
    const w = Math.min(x + saved.width, area.x + area.width) - Math.max(x, area.x);
    const h = Math.min(y + saved.height, area.y + area.height) - Math.max(y, area.y);
    return w >= 100 && h >= 50;
  });
  return visible ? { x, y, ...size } : size;
}
