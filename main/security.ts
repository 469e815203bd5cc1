// What any web page inside Safelight may not do: go anywhere but the app's own page, open
// windows, attach webviews, or get a permission (camera, notifications, clipboard, …). A link to
// SmugMug that a page tries to follow opens in the browser instead.
import { isAllowedExternalUrl } from './external-url.ts';

interface Preventable {
  preventDefault(): void;
}

/** The parts of Electron's WebContents this hardens. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: Preventable & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

/** Sends an allowed link to the browser and reports whether it did. */
export type OpenExternal = (url: string) => boolean;

export function hardenContents(contents: HardenableContents, openExternal: OpenExternal): void {
  const refuse = (event: Preventable, url: string) => {
    event.preventDefault();
    if (isAllowedExternalUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-frame-navigate', (event) => refuse(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
