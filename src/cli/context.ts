// What every command needs: SAFELIGHT_HOME's paths, the store, the settings, the account.

import { ensurePrivateDir } from '../config/files.ts';
import { type HomePaths, homePaths } from '../config/home.ts';
import { type Account, loadAccount, loadSettings, type Settings } from '../config/settings.ts';
import { SmugMugClient } from '../smugmug/client.ts';
import { Store } from '../store/store.ts';

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface Context {
  paths: HomePaths;
  store: Store;
  settings: Settings;
}

export function openContext(): Context {
  const paths = homePaths();
  ensurePrivateDir(paths.home);
  return { paths, store: new Store(paths.state), settings: loadSettings(paths.settings) };
}

export function requireAccount(ctx: Context): Account {
  const account = loadAccount(ctx.paths.account);
  if (!account) throw new UserError('not signed in to SmugMug yet: run "safelight login" first');
  return account;
}

export function clientFor(account: Account, settings: Settings): SmugMugClient {
  return new SmugMugClient({
    endpoints: account.endpoints,
    credentials: account,
    retry: settings.retry,
  });
}
