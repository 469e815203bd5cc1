// What main and the engine process say to each other over the utility process's parent port.
// Protocol traffic never travels here: it goes over the MessagePorts that `connect` hands over.
import type { Account } from '../src/config/settings.ts';

/** How long a picked or dropped folder stays allowed. */
export const GRANT_TTL_MS = 30 * 60_000;

export type PortRole =
  /** Main's own connection: the tray, notifications, power conditions. */
  | 'control'
  /** A window's connection; it may connect only folders main has allowed. */
  | 'ui';

/** Main's answer to the account request with the same id (`account` is null after save and remove). */
export type AccountReply =
  | { kind: 'account'; id: number; ok: true; account: Account | null }
  | { kind: 'account'; id: number; ok: false; error: string };

export type ToEngine =
  /** Attach the port in the message's ports[0] to the engine. */
  | { kind: 'connect'; role: PortRole }
  /** The person picked or dropped this folder: a window may now preview and connect it. */
  | { kind: 'grant'; id: number; path: string }
  | { kind: 'shutdown'; graceMs: number }
  | AccountReply;

export type FromEngine =
  /** The engine opened its state and answers on the ports it is given. */
  | { kind: 'ready' }
  | { kind: 'granted'; id: number }
  /** Why the engine is about to exit, in plain words, for the log and the tray. */
  | { kind: 'fatal'; message: string };

/**
 * The engine asks main for the SmugMug account, which main keeps sealed with the OS keyring: the
 * desktop engine writes no secret to disk itself. Answered by main/account-requests.ts, not by
 * the supervisor.
 */
export type AccountRequest =
  | { kind: 'account'; id: number; op: 'load' | 'remove' }
  | { kind: 'account'; id: number; op: 'save'; account: Account };

const CREDENTIALS = ['consumerKey', 'consumerSecret', 'token', 'tokenSecret'] as const;
const ENDPOINTS = ['apiBaseUrl', 'uploadUrl', 'oauthBaseUrl'] as const;

type Fields = Partial<Record<string, unknown>> | null | undefined;

function filled(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

export function isAccount(value: unknown): value is Account {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Fields;
  const e = a?.endpoints as Fields;
  return (
    typeof a?.nickname === 'string' &&
    CREDENTIALS.every((field) => filled(a[field])) &&
    typeof e === 'object' &&
    e !== null &&
    ENDPOINTS.every((field) => filled(e[field]))
  );
}

export function isFromEngine(value: unknown): value is FromEngine {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'ready' || kind === 'granted' || kind === 'fatal';
}

export function isAccountRequest(value: unknown): value is AccountRequest {
  const m = value as Fields;
  if (m?.kind !== 'account' || typeof m.id !== 'number') return false;
  if (m.op === 'save') return isAccount(m.account);
  return m.op === 'load' || m.op === 'remove';
}

export function isToEngine(value: unknown): value is ToEngine {
  const m = value as Fields;
  if (m?.kind === 'connect') return m.role === 'control' || m.role === 'ui';
  if (m?.kind === 'grant') return typeof m.id === 'number' && typeof m.path === 'string';
  if (m?.kind === 'shutdown') return typeof m.graceMs === 'number';
  if (m?.kind === 'account' && typeof m.id === 'number') {
    if (m.ok === true) return m.account === null || isAccount(m.account);
    return m.ok === false && typeof m.error === 'string';
  }
  return false;
}
