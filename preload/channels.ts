// What main and the preload agree on: the IPC channel names, the messages the preload posts to
// the page, and the values they exchange. No imports and no DOM types, so main, the preload and
// the renderer can all use it.

/** The IPC channels; main answers only these, and only from the app's own page. */
export const CHANNELS = {
  /** Renderer → main: ask for a fresh MessagePort to the engine. */
  connect: 'safelight:connect',
  /** Main → renderer: the port asked for (in event.ports). */
  port: 'safelight:port',
  /** Main → renderer: the engine stopped and started again; ports to the old one are dead. */
  engineRestarted: 'safelight:engine-restarted',
  /** Main → renderer: show a view (a notification was clicked). */
  navigate: 'safelight:navigate',
  pickFolder: 'safelight:pick-folder',
  droppedFolder: 'safelight:dropped-folder',
  openExternal: 'safelight:open-external',
  openLogFolder: 'safelight:open-log-folder',
  secretStorage: 'safelight:secret-storage',
} as const;

/**
 * What the preload posts to the page with window.postMessage: a port cannot cross the context
 * bridge, so it travels as a transferable of a same-window message instead.
 */
export const PAGE_MESSAGES = {
  port: 'safelight:engine-port',
  engineRestarted: 'safelight:engine-restarted',
} as const;

/** Views main can ask the window to show. */
export const NAVIGABLE_VIEWS = ['failures', 'settings'] as const;
export type NavigableView = (typeof NAVIGABLE_VIEWS)[number];

export interface SecretStorageInfo {
  /** The OS offers a keyring for secrets (Keychain, DPAPI, GNOME Keyring or KWallet). */
  keyring: boolean;
  /** Plain words for the settings screen when it is not; null when all is well. */
  warning: string | null;
}
