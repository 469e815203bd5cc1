// Main's side of the engine's account requests (engine-process/main-accounts.ts): every request
// gets an answer with its id, a failure included, so the engine is never left waiting. Attached
// to each engine process as it is started, beside the supervisor, which ignores these messages.
import { type AccountReply, type AccountRequest, isAccountRequest } from '../engine-process/messages.ts';
import type { Account } from '../src/config/settings.ts';

/** The parts of Electron's UtilityProcess this uses. */
export interface AccountAsker {
  postMessage(message: AccountReply): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Where main keeps the account (SealedAccount). */
export interface AccountKeeper {
  load(): Account | null;
  save(account: Account): void;
  remove(): void;
}

function answer(request: AccountRequest, keeper: AccountKeeper): AccountReply {
  const { id } = request;
  if (request.op === 'load') return { kind: 'account', id, ok: true, account: keeper.load() };
  if (request.op === 'save') keeper.save(request.account);
  else keeper.remove();
  return { kind: 'account', id, ok: true, account: null };
}

export function serveAccount(
  child: AccountAsker,
  keeper: AccountKeeper,
  log: (message: string) => void,
): void {
  child.on('message', (message) => {
    if (!isAccountRequest(message)) return;
    let reply: AccountReply;
    try {
      reply = answer(message, keeper);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      log(`the SmugMug sign-in (${message.op}): ${error}`);
      reply = { kind: 'account', id: message.id, ok: false, error };
    }
    child.postMessage(reply);
  });
}
