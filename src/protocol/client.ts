// The UI's side of the protocol: typed requests that resolve with the engine's reply, and event
// subscriptions. Browser-safe: imported by the renderer.
import { type EventMessage, ProtocolError, type ReplyMessage } from './messages.ts';
import type { CommandName, EventName, EventOf, ParamsOf, ResultOf } from './schema.ts';
import type { Transport } from './transport.ts';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class ProtocolClient {
  private readonly transport: Transport;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(data: never) => void>>();
  private nextId = 1;
  private closed = false;

  constructor(transport: Transport) {
    this.transport = transport;
    transport.onMessage((message) => this.receive(message));
    transport.onClose(() => {
      this.closed = true;
      for (const p of this.pending.values()) {
        p.reject(new ProtocolError('disconnected', 'the connection to Safelight was lost'));
      }
      this.pending.clear();
    });
  }

  request<C extends CommandName>(command: C, params: ParamsOf<C>): Promise<ResultOf<C>> {
    if (this.closed) {
      return Promise.reject(new ProtocolError('disconnected', 'the connection to Safelight was lost'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.transport.send({ kind: 'request', id, command, params });
    });
  }

  on<E extends EventName>(event: E, handler: (data: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(handler as (data: never) => void);
    return () => set.delete(handler as (data: never) => void);
  }

  close(): void {
    this.transport.close();
  }

  private receive(message: unknown): void {
    const m = message as ReplyMessage | EventMessage | undefined;
    if (m?.kind === 'reply') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new ProtocolError(m.error.code, m.error.message));
    } else if (m?.kind === 'event') {
      for (const handler of this.listeners.get(m.event) ?? []) (handler as (data: unknown) => void)(m.data);
    }
  }
}
