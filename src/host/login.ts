// Signing in from the window: SmugMug's PIN flow against the API key the host was started with.
// The request token lives only in memory; only the finished account is written (account.json).
import type { Account } from '../config/settings.ts';
import { CommandError } from '../protocol/server.ts';
import { SmugMugClient } from '../smugmug/client.ts';
import { getAccessToken, getRequestToken, type TokenPair } from '../smugmug/login.ts';
import { type Endpoints, SmugMugError } from '../smugmug/types.ts';

export interface LoginTarget {
  endpoints: Endpoints;
  consumerKey: string;
  consumerSecret: string;
}

export const NO_API_KEY = 'no SmugMug API key configured';

/** SmugMug's refusals (a wrong code, no network) are said to the person as they are. */
function plainly(e: unknown): never {
  throw e instanceof SmugMugError ? new CommandError(e.message) : e;
}

export class LoginFlow {
  private readonly target: LoginTarget | undefined;
  private request: TokenPair | undefined;

  constructor(target: LoginTarget | undefined) {
    this.target = target;
  }

  private need(): LoginTarget {
    if (!this.target) throw new CommandError(NO_API_KEY);
    return this.target;
  }

  /** The page where the person allows Safelight; it then shows a six-digit code. */
  async start(): Promise<string> {
    const target = this.need();
    const request = await getRequestToken(target.endpoints, target).catch(plainly);
    this.request = { token: request.token, tokenSecret: request.tokenSecret };
    return request.authorizeUrl;
  }

  /** Exchanges the code for the account's lasting tokens. */
  async finish(code: string): Promise<Account> {
    const target = this.need();
    const request = this.request;
    if (!request) throw new CommandError('start signing in first: no sign-in is waiting for a code');
    const access = await getAccessToken(target.endpoints, target, request, code).catch(plainly);
    this.request = undefined;
    const credentials = { consumerKey: target.consumerKey, consumerSecret: target.consumerSecret, ...access };
    const user = await new SmugMugClient({ endpoints: target.endpoints, credentials, retry: { retries: 2 } })
      .authUser()
      .catch(plainly);
    return { endpoints: target.endpoints, ...credentials, nickname: user.nickname };
  }

  cancel(): void {
    this.request = undefined;
  }
}
