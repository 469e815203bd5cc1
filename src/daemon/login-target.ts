// Which SmugMug the window's "Sign in" talks to: a running sandbox (its ready file), or SmugMug
// itself with the API key from the environment (never the command line, where other users could
// read it). Without either, the window cannot start a sign-in, and the person is told why.
import { fromReadyFile } from '../cli/login.ts';
import type { LoginTarget } from '../host/login.ts';
import { SMUGMUG_ENDPOINTS } from '../smugmug/types.ts';

export function loginTarget(options: { sandbox?: string }, env: NodeJS.ProcessEnv): LoginTarget | undefined {
  if (options.sandbox) {
    const { endpoints, consumerKey, consumerSecret } = fromReadyFile(options.sandbox);
    return { endpoints, consumerKey, consumerSecret };
  }
  const consumerKey = env.SAFELIGHT_CONSUMER_KEY;
  const consumerSecret = env.SAFELIGHT_CONSUMER_SECRET;
  if (!consumerKey || !consumerSecret) return undefined;
  return { endpoints: SMUGMUG_ENDPOINTS, consumerKey, consumerSecret };
}
