// Whether the OS offers a keyring for Safelight's secrets (macOS Keychain, Windows DPAPI, GNOME
// Keyring or KWallet), as Electron's safeStorage sees it. Where Linux has none, safeStorage falls
// back to a key that is the same on every computer ('basic_text'), which protects nothing: the
// window says so in plain words.
import type { SecretStorageInfo } from '../preload/channels.ts';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
}

const NO_KEYRING =
  'This computer has no keyring (such as GNOME Keyring or KWallet) that Safelight can use, so your ' +
  'SmugMug sign-in cannot be protected by one: anyone who can read your files could use it. Set up ' +
  'a keyring and restart Safelight.';

const NO_ENCRYPTION =
  'This computer does not let Safelight encrypt your SmugMug sign-in, so anyone who can read your ' +
  'files could use it.';

export function describeSecretStorage(
  platform: NodeJS.Platform,
  storage: SafeStorageLike,
): SecretStorageInfo {
  if (!storage.isEncryptionAvailable()) return { keyring: false, warning: NO_ENCRYPTION };
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') {
    return { keyring: false, warning: NO_KEYRING };
  }
  return { keyring: true, warning: null };
}

export interface SecretPlan {
  /**
   * Seal with safeStorage. Where it cannot encrypt at all the secret is still kept, owner only but
   * as it is, so Safelight keeps working; the warning says what that means.
   */
  seal: boolean;
  /** What the window shows (window.safelight.secretStorage()); logged whenever a secret is kept. */
  warning: string | null;
}

/** How to keep a secret on this computer, and what to warn about. */
export function secretPlan(platform: NodeJS.Platform, storage: SafeStorageLike): SecretPlan {
  return {
    seal: storage.isEncryptionAvailable(),
    warning: describeSecretStorage(platform, storage).warning,
  };
}
