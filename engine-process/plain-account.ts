// An account.json in the engine's home (left by an earlier Safelight, or by `safelight login` run
// on the same home) is moved into main's sealed storage the first time the desktop engine looks:
// sealed, read back, and only then deleted, so a failure at any step loses nothing.
import { rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { loadAccount } from '../src/config/settings.ts';
import type { AccountStore } from '../src/host/host.ts';

/** The plain file's account, or undefined when it is missing or unreadable. */
function plainAccount(file: string) {
  try {
    return loadAccount(file);
  } catch {
    return undefined;
  }
}

export function movingPlainAccount(
  sealed: AccountStore,
  plainFile: string,
  log: (line: string) => void,
): AccountStore {
  return {
    load: async () => {
      const kept = await sealed.load();
      if (kept) {
        // A move that stopped after the read-back left the same account in both places.
        if (isDeepStrictEqual(plainAccount(plainFile), kept)) rmSync(plainFile);
        return kept;
      }
      const plain = loadAccount(plainFile);
      if (!plain) return undefined;
      await sealed.save(plain);
      if (!isDeepStrictEqual(await sealed.load(), plain)) {
        throw new Error(`the SmugMug sign-in in ${plainFile} could not be stored sealed; it was left there`);
      }
      rmSync(plainFile);
      log(`moved the SmugMug sign-in from ${plainFile} into sealed storage`);
      return plain;
    },
    save: (account) => sealed.save(account),
    // Signing out forgets the sign-in wherever it is kept, so a plain copy cannot sign in again.
    remove: async () => {
      await sealed.remove();
      rmSync(plainFile, { force: true });
    },
  };
}
