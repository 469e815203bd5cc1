// What the desktop app's preload offers the page (named methods only). Absent in a browser.
import type { SafelightBridge } from '../../preload/bridge.ts';

declare global {
  interface Window {
    safelight?: SafelightBridge;
  }
}

export function desktopBridge(): SafelightBridge | null {
  return typeof window !== 'undefined' && window.safelight ? window.safelight : null;
}
