// The engine's side of the protocol: every incoming message is checked against the schemas
// before a handler sees it, and a bad one gets a reply that says what was wrong. Events go out
// through a Publisher that coalesces them, so a 100k-file import cannot flood the UI.
import * as v from 'valibot';
import { describeIssues, type ErrorCode, Request } from './messages.ts';
import { type CommandName, commands, type EventName, type EventOf, type ResultOf } from './schema.ts';
import type { Transport } from './transport.ts';

export type Handlers = {
  [C in CommandName]: (
    params: v.InferOutput<(typeof commands)[C]['params']>,
  ) => Promise<ResultOf<C>> | ResultOf<C>;
};

/** A refusal the person should read as is ("that folder is already connected"). */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** Answers requests arriving on `transport` with `handlers`; returns a function that stops. */
export function serveProtocol(
  transport: Transport,
  handlers: Handlers,
  options: { onUnexpectedError?: (error: unknown, command: string) => void } = {},
): () => void {
  const fail = (id: number, code: ErrorCode, message: string) =>
    transport.send({ kind: 'reply', id, ok: false, error: { code, message } });

  return transport.onMessage((raw) => {
    const request = v.safeParse(Request, raw);
    if (!request.success) {
      const id = (raw as { id?: unknown } | undefined)?.id;
      fail(
        typeof id === 'number' ? id : 0,
        'bad-request',
        raw === undefined ? 'message is not valid JSON' : describeIssues('message', request.issues),
      );
      return;
    }
    const { id, command } = request.output;
    if (!isCommand(command)) {
      fail(id, 'unknown-command', `unknown command "${command}"`);
      return;
    }
    const params = v.safeParse(commands[command].params, request.output.params ?? {});
    if (!params.success) {
      fail(id, 'bad-request', `${command}: ${describeIssues('params', params.issues)}`);
      return;
    }
    const handler = handlers[command] as (p: unknown) => Promise<unknown> | unknown;
    Promise.resolve()
      .then(() => handler(params.output))
      .then(
        (result) => transport.send({ kind: 'reply', id, ok: true, result: result ?? null }),
        (error: unknown) => {
          if (!(error instanceof CommandError)) options.onUnexpectedError?.(error, command);
          fail(id, 'failed', error instanceof Error ? error.message : String(error));
        },
      );
  });
}

/**
 * Sends events to every connected UI, at most one of each kind per `intervalMs`: the latest
 * value wins (a snapshot), or values are merged (changed topics) until the next send.
 */
export class Publisher {
  private readonly transports = new Set<Transport>();
  private readonly intervalMs: number;
  private readonly waiting = new Map<EventName, unknown>();
  private readonly lastSent = new Map<EventName, number>();
  private readonly timers = new Map<EventName, ReturnType<typeof setTimeout>>();

  constructor(intervalMs = 250) {
    this.intervalMs = intervalMs;
  }

  add(transport: Transport): () => void {
    this.transports.add(transport);
    const off = transport.onClose(() => this.transports.delete(transport));
    return () => {
      off();
      this.transports.delete(transport);
    };
  }

  get size(): number {
    return this.transports.size;
  }

  /** Queue `data`; `merge` combines it with a value still waiting to be sent. */
  publish<E extends EventName>(
    event: E,
    data: EventOf<E>,
    merge?: (older: EventOf<E>, newer: EventOf<E>) => EventOf<E>,
  ): void {
    const older = this.waiting.get(event) as EventOf<E> | undefined;
    this.waiting.set(event, older !== undefined && merge ? merge(older, data) : data);
    if (this.timers.has(event)) return;
    const wait = Math.max(
      0,
      (this.lastSent.get(event) ?? Number.NEGATIVE_INFINITY) + this.intervalMs - Date.now(),
    );
    const timer = setTimeout(() => this.flush(event), wait);
    timer.unref?.();
    this.timers.set(event, timer);
  }

  /** Sends one event to one UI at once (the first snapshot after it connects). */
  sendTo<E extends EventName>(transport: Transport, event: E, data: EventOf<E>): void {
    transport.send({ kind: 'event', event, data });
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.waiting.clear();
  }

  private flush(event: EventName): void {
    this.timers.delete(event);
    if (!this.waiting.has(event)) return;
    const data = this.waiting.get(event);
    this.waiting.delete(event);
    this.lastSent.set(event, Date.now());
    for (const t of this.transports) t.send({ kind: 'event', event, data });
  }
}

/** Merges two `changed` events: the union of their topics and folders. */
export function mergeChanged(older: EventOf<'changed'>, newer: EventOf<'changed'>): EventOf<'changed'> {
  return {
    topics: [...new Set([...older.topics, ...newer.topics])],
    folderIds: [...new Set([...older.folderIds, ...newer.folderIds])],
  };
}
