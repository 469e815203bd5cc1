// Small fakes of the Electron parts main uses, recording what main does with them. Main takes
// these as parameters, so no module is replaced behind its back.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IpcEventLike, IpcMainLike } from '../../main/ipc.ts';
import type { SealingStorage } from '../../main/sealed-account.ts';
import type { MenuItemTemplate, TrayLike } from '../../main/tray.ts';
import type { PortLike } from '../../src/protocol/transport.ts';

/** A tray whose image is a file path and whose menu is the template main built. */
export class FakeTray implements TrayLike<string, MenuItemTemplate[]> {
  image: string;
  tooltip = '';
  menu: MenuItemTemplate[] = [];
  readonly images: string[] = [];
  menusSet = 0;
  private readonly clickListeners: Array<() => void> = [];

  constructor(image: string) {
    this.image = image;
    this.images.push(image);
  }

  setImage(image: string): void {
    this.image = image;
    this.images.push(image);
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setContextMenu(menu: MenuItemTemplate[]): void {
    this.menu = menu;
    this.menusSet += 1;
  }

  on(_event: 'click', listener: () => void): this {
    this.clickListeners.push(listener);
    return this;
  }

  click(): void {
    for (const listener of this.clickListeners) listener();
  }

  labels(): string[] {
    return this.menu.map((item) =>
      item.type === 'separator' ? '---' : `${item.label}${item.enabled === false ? ' (off)' : ''}`,
    );
  }

  /** Clicks the menu item with this label, as the person would. */
  choose(label: string): void {
    const item = this.menu.find((i) => i.label === label);
    if (!item?.click)
      throw new Error(`no clickable "${label}" in the tray menu: ${this.labels().join(', ')}`);
    if (item.enabled === false) throw new Error(`"${label}" is disabled`);
    item.click();
  }
}

export class FakePowerMonitor extends EventEmitter {
  onBattery = false;

  isOnBatteryPower(): boolean {
    return this.onBattery;
  }
}

export interface FakeEventOptions {
  url?: string;
  /** True for a sub-frame (an iframe) rather than the page itself. */
  subframe?: boolean;
  webContentsId?: number;
  /** The frame navigated away or is gone. */
  noFrame?: boolean;
}

export interface FakeIpcEvent extends IpcEventLike<PortLike> {
  posted: Array<{ channel: string; message: unknown; transfer: PortLike[] }>;
}

export function ipcEvent(options: FakeEventOptions = {}): FakeIpcEvent {
  const posted: FakeIpcEvent['posted'] = [];
  return {
    posted,
    sender: {
      id: options.webContentsId ?? 1,
      isDestroyed: () => false,
      postMessage: (channel, message, transfer = []) => posted.push({ channel, message, transfer }),
    },
    senderFrame: options.noFrame
      ? null
      : { url: options.url ?? 'app://safelight/index.html', parent: options.subframe ? {} : null },
  };
}

type Listener = (event: IpcEventLike<PortLike>, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike<PortLike> {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    this.handlers.set(channel, listener);
  }

  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, listener);
    return this;
  }

  /** What ipcRenderer.invoke would get back: the handler's result, or its error. */
  async invoke(channel: string, event: IpcEventLike<PortLike>, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }

  send(channel: string, event: IpcEventLike<PortLike>, ...args: unknown[]): void {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`no listener for ${channel}`);
    listener(event, ...args);
  }
}

export class FakeNotification extends EventEmitter {
  readonly title: string;
  readonly body: string;
  shown = false;

  constructor(content: { title: string; body: string }) {
    super();
    this.title = content.title;
    this.body = content.body;
  }

  show(): void {
    this.shown = true;
  }
}

/** A WebContents as the security hardening sees it. */
export class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** Emits a navigation event; returns whether a listener prevented it. */
  navigate(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview',
    url: string,
  ) {
    let prevented = false;
    const e = { url, preventDefault: () => (prevented = true) };
    if (event === 'will-frame-navigate' || event === 'will-attach-webview') this.emit(event, e);
    else this.emit(event, e, url);
    return prevented;
  }
}

export interface FakeSafeStorageOptions {
  /** isEncryptionAvailable(): false where the OS offers nothing to encrypt with. */
  available?: boolean;
  /** What getSelectedStorageBackend() says on Linux ('basic_text' where there is no keyring). */
  backend?: string;
  /** The keyring's secret; another one cannot open what this one sealed. */
  key?: string;
}

/**
 * safeStorage with a real cipher (AES-256-GCM under a key derived from `key`), so sealed bytes
 * are not the plain text and a different key fails to open them, as a replaced keyring would.
 */
export class FakeSafeStorage implements SealingStorage {
  available: boolean;
  backend: string;
  private readonly key: Buffer;

  constructor(options: FakeSafeStorageOptions = {}) {
    this.available = options.available ?? true;
    this.backend = options.backend ?? 'gnome_libsecret';
    this.key = createHash('sha256')
      .update(options.key ?? 'the keyring')
      .digest();
  }

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    this.need('encrypting');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    this.need('decrypting');
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }

  private need(what: string): void {
    if (!this.available) throw new Error(`Error while ${what} the text provided to safeStorage: unavailable`);
  }
}
