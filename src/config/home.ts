// Where Safelight keeps its state: SAFELIGHT_HOME, else the OS's per-user app data folder.
import { join } from 'node:path';
import envPaths from 'env-paths';

export interface HomePaths {
  home: string;
  state: string;
  settings: string;
  account: string;
  /** The secret a browser needs to reach `safelight serve` (owner only). */
  daemonToken: string;
}

export function homePaths(env: NodeJS.ProcessEnv = process.env): HomePaths {
  const home = env.SAFELIGHT_HOME || envPaths('Safelight', { suffix: '' }).data;
  return {
    home,
    state: join(home, 'state.db'),
    settings: join(home, 'settings.json'),
    account: join(home, 'account.json'),
    daemonToken: join(home, 'daemon-token'),
  };
}
