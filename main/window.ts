// The one window. Closing it hides it to the tray (the engine keeps backing up); only the tray's
// Quit or the OS ends the app. It is built locked down: no Node, sandboxed, isolated, loading
// only app://safelight/.
import type { NavigableView } from '../preload/channels.ts';
import { CHANNELS } from '../preload/channels.ts';
import type { Rectangle, WindowBounds, WindowPlace } from './shell-store.ts';

export function windowOptions(preload: string, bounds: WindowBounds) {
  return {
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Safelight',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

interface Preventable {
  preventDefault(): void;
}

/** The parts of Electron's BrowserWindow this uses. */
export interface AppWindow {
  readonly webContents: {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    isLoading(): boolean;
    once(event: 'did-finish-load', listener: () => void): unknown;
  };
  loadURL(url: string): Promise<void>;
  on(event: 'close', listener: (event: Preventable) => void): unknown;
  on(event: 'closed' | 'show' | 'hide', listener: () => void): unknown;
  show(): void;
  hide(): void;
  focus(): void;
  /** Where the window is when neither maximized nor minimized. */
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  maximize(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
}

/** Where the window is, to open it there next time. */
export function placeOf(win: AppWindow): WindowPlace {
  return { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
}

export interface MainWindowOptions<W extends AppWindow> {
  /** Where and how a new window opens. */
  place(): WindowPlace;
  create(bounds: WindowBounds): W;
  url: string;
  /** True once the person chose Quit (or the OS is shutting down): closing then really closes. */
  quitting(): boolean;
  /** The window became visible or hidden (macOS shows the Dock icon only while it is visible). */
  onVisibility?(visible: boolean): void;
  /** The person closed the window and it went to the tray; `place` is where it was. */
  onClosedToTray?(place: WindowPlace): void;
  log(message: string): void;
}

export class MainWindow<W extends AppWindow> {
  private readonly options: MainWindowOptions<W>;
  private current: W | null = null;

  constructor(options: MainWindowOptions<W>) {
    this.options = options;
  }

  get window(): W | null {
    return this.current;
  }

  isAppWindow(webContentsId: number): boolean {
    return (
      this.current !== null && !this.current.isDestroyed() && this.current.webContents.id === webContentsId
    );
  }

  /** Shows the window (making it when needed), optionally on a given view. */
  open(view?: NavigableView): void {
    const win = this.current && !this.current.isDestroyed() ? this.current : this.make();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    if (view) this.whenLoaded(win, () => win.webContents.send(CHANNELS.navigate, view));
  }

  /** Sends to the page, if there is one. */
  send(channel: string, ...args: unknown[]): void {
    const win = this.current;
    if (win && !win.isDestroyed()) win.webContents.send(channel, ...args);
  }

  private whenLoaded(win: W, run: () => void): void {
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', run);
    else run();
  }

  private make(): W {
    const place = this.options.place();
    const win = this.options.create(place.bounds);
    // Maximized over its normal bounds, so unmaximizing returns it to where it was.
    if (place.maximized) win.maximize();
    this.current = win;
    win.on('close', (event) => {
      if (this.options.quitting()) return;
      event.preventDefault();
      // Read while still shown: a hidden window need not report itself maximized.
      const closedAt = placeOf(win);
      win.hide();
      this.options.onClosedToTray?.(closedAt);
    });
    win.on('closed', () => {
      if (this.current === win) this.current = null;
    });
    win.on('show', () => this.options.onVisibility?.(true));
    win.on('hide', () => this.options.onVisibility?.(false));
    win.loadURL(this.options.url).catch((e: unknown) => {
      this.options.log(`the window could not load its page: ${(e as Error).message}`);
    });
    return win;
  }
}
