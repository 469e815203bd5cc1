// The SmugMug account as the desktop engine keeps it: with main, which seals it with the OS
// keyring through Electron's safeStorage, never in a file of the engine's own. Each request
// carries an id and main answers every one, failures included. There is no time limit: the OS
// may be waiting for the person to unlock their keyring.
import type { Account } from '../src/config/settings.ts';
import type { AccountStore } from '../src/host/host.ts';
import type { AccountReply, AccountRequest } from './messages.ts';

type Ask = { op: 'load' | 'remove' } | { op: 'save'; account: Account };

interface Waiting {
  resolve(account: Account | null): void;
  reject(error: Error): void;
}

export class MainAccounts implements AccountStore {
  private readonly post: (request: AccountRequest) => void;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(post: (request: AccountRequest) => void) {
    this.post = post;
  }

  async load(): Promise<Account | undefined> {
    return (await this.ask({ op: 'load' })) ?? undefined;
  }

  async save(account: Account): Promise<void> {
    await this.ask({ op: 'save', account });
  }

  async remove(): Promise<void> {
    await this.ask({ op: 'remove' });
  }

  /** Main's answer to one of the requests. */
  answer(reply: AccountReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.account);
    else waiting.reject(new Error(reply.error));
  }

  private ask(ask: Ask): Promise<Account | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ kind: 'account', id, ...ask });
    });
  }
}
