// window.safelight as the page sees it: named methods only, each doing one thing. The renderer
// imports this type; the preload implements it.
import type { NavigableView, SecretStorageInfo } from './channels.ts';

export interface SafelightBridge {
  /**
   * Asks for a fresh MessagePort to the engine. It arrives as a window 'message' event whose
   * data is PAGE_MESSAGES.port, with the port in event.ports[0]; `openEnginePort` in
   * ./engine-port.ts wraps the exchange in a promise.
   */
  connect(): void;
  /**
   * The folder dropped on the window, as main checked and allowed it (a real path, links
   * resolved), or null when it is not a folder that can be connected.
   */
  pathForFile(file: File): Promise<string | null>;
  /** The OS's folder picker; the chosen folder (checked and allowed by main), or null. */
  pickFolder(): Promise<string | null>;
  /** Opens an https link on smugmug.com in the browser; false when the link is refused. */
  openExternal(url: string): Promise<boolean>;
  openLogFolder(): Promise<void>;
  secretStorage(): Promise<SecretStorageInfo>;
  /** Main asks to show a view (a notification was clicked). Returns a function that stops. */
  onNavigate(listener: (view: NavigableView) => void): () => void;
}
