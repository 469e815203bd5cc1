// The SmugMug account as the desktop app keeps it: one file in the app's user-data folder, owner
// only, holding the account sealed with Electron's safeStorage, whose key the OS keyring guards.
// Where safeStorage cannot encrypt at all, the account is kept unsealed so the app still works,
// and the warning the window shows is logged (secretPlan decides).
import { rmSync } from 'node:fs';
import { isAccount } from '../engine-process/messages.ts';
import { readJson, writePrivateJson } from '../src/config/files.ts';
import type { Account } from '../src/config/settings.ts';
import { type SafeStorageLike, secretPlan } from './secrets.ts';

export const SEALED_ACCOUNT_FILE = 'account.sealed.json';

/** The parts of Electron's safeStorage this uses. */
export interface SealingStorage extends SafeStorageLike {
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SealedAccountOptions {
  file: string;
  storage: SealingStorage;
  platform: NodeJS.Platform;
  /** Where the warning goes when the sign-in is kept without a keyring. */
  warn(message: string): void;
}

/** The file's content: the account's JSON sealed (base64), or, where nothing can seal it, as it is. */
type Kept = { sealed: string } | { plain: Account };

const CANNOT_UNSEAL =
  "Safelight cannot unlock your SmugMug sign-in with this computer's keyring; sign in to SmugMug again";

export class SealedAccount {
  private readonly options: SealedAccountOptions;

  constructor(options: SealedAccountOptions) {
    this.options = options;
  }

  load(): Account | null {
    const kept = readJson(this.options.file);
    if (kept === undefined) return null;
    const { account, sealed } = this.open(kept);
    // Kept unsealed while the computer could not seal it: seal it now that it can.
    if (!sealed && secretPlan(this.options.platform, this.options.storage).seal) this.save(account);
    return account;
  }

  save(account: Account): void {
    const { storage, platform, warn, file } = this.options;
    const plan = secretPlan(platform, storage);
    if (plan.warning) warn(`keeping the SmugMug sign-in: ${plan.warning}`);
    const kept: Kept = plan.seal
      ? { sealed: storage.encryptString(JSON.stringify(account)).toString('base64') }
      : { plain: account };
    writePrivateJson(file, kept);
  }

  remove(): void {
    rmSync(this.options.file, { force: true });
  }

  private open(kept: unknown): { account: Account; sealed: boolean } {
    const { storage, file } = this.options;
    const k = kept as Partial<Record<string, unknown>> | null;
    if (typeof k?.sealed === 'string') {
      if (!storage.isEncryptionAvailable()) throw new Error(CANNOT_UNSEAL);
      let account: unknown;
      try {
        account = JSON.parse(storage.decryptString(Buffer.from(k.sealed, 'base64')));
      } catch {
        throw new Error(CANNOT_UNSEAL);
      }
      if (isAccount(account)) return { account, sealed: true };
    } else if (isAccount(k?.plain)) {
      return { account: k.plain, sealed: false };
    }
    throw new Error(`${file} is damaged; sign in to SmugMug again`);
  }
}
