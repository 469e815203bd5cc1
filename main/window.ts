// The one window. Closing it hides it to the tray (the engine keeps backing up); only the tray's
// Quit or the OS ends the app. It is built locked down: no Node, sandboxed, isolated, loading
// only app://safelight/.
import type { NavigableView } from '../preload/channels.ts';
import { CHANNELS } from '../preload/channels.ts';
import type { Rectangle, WindowPlace } from './shell-store.ts';

export function windowOptions(preload: string, place: WindowPlace) {
  return {
    ...place,
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
  getBounds(): Rectangle;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
}

export interface MainWindowOptions<W extends AppWindow> {
  create(): W;
  url: string;
  /** True once the person chose Quit (or the OS is shutting down): closing then really closes. */
  quitting(): boolean;
  /** The window became visible or hidden (macOS shows the Dock icon only while it is visible). */
  onVisibility?(visible: boolean): void;
  /** The person closed the window and it went to the tray; `bounds` is where it was. */
  onClosedToTray?(bounds: Rectangle): void;
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
    const win = this.options.create();
    this.current = win;
    win.on('close', (event) => {
      if (this.options.quitting()) return;
      event.preventDefault();
      win.hide();
      this.options.onClosedToTray?.(win.getBounds());
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
