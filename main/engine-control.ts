// Main's own connection to the engine, for the tray, notifications, start at login and power.
// It follows the engine through restarts: each new engine gets a fresh connection, is told the
// power conditions again (they live in the engine's memory), and is asked for its state.
import { EventEmitter } from 'node:events';
import { ProtocolClient } from '../src/protocol/client.ts';
import { ProtocolError } from '../src/protocol/messages.ts';
import type { AppSettingsData, FailureGroupData, ParamsOf, SnapshotData } from '../src/protocol/schema.ts';
import { messagePortTransport, type PortLike } from '../src/protocol/transport.ts';
import type { PowerConditions } from './power.ts';

interface Events {
  snapshot: [snapshot: SnapshotData];
  settings: [settings: AppSettingsData];
  /** Files failed, or failures were retried or ignored. */
  failures: [];
}

export class EngineControl extends EventEmitter<Events> {
  private client: ProtocolClient | null = null;
  private conditions: PowerConditions | null = null;
  private latest: SnapshotData | null = null;
  private readonly log: (message: string) => void;

  constructor(log: (message: string) => void) {
    super();
    this.log = log;
  }

  get snapshot(): SnapshotData | null {
    return this.latest;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Talks to a newly started engine over `port`. */
  attach(port: PortLike): void {
    this.client?.close();
    const client = new ProtocolClient(messagePortTransport(port));
    this.client = client;
    client.on('snapshot', (snapshot) => this.received(client, snapshot));
    client.on('changed', ({ topics }) => {
      if (client !== this.client) return;
      if (topics.includes('settings')) this.fetchSettings(client);
      if (topics.includes('failures')) this.emit('failures');
    });
    if (this.conditions) this.send('setConditions', this.conditions);
    client.request('snapshot', {}).then(
      (snapshot) => this.received(client, snapshot),
      (error: unknown) => this.failed('snapshot', error),
    );
    this.fetchSettings(client);
  }

  /** The engine died: nothing more will come over the old connection. */
  detach(): void {
    this.client = null;
    this.latest = null;
  }

  setConditions(conditions: PowerConditions): void {
    this.conditions = { ...conditions };
    this.send('setConditions', this.conditions);
  }

  pause(minutes?: number): void {
    this.send('pause', minutes === undefined ? {} : { minutes });
  }

  resume(): void {
    this.send('resume', {});
  }

  syncNow(): void {
    this.send('syncNow', {});
  }

  /** The engine's failures, grouped by reason (for the notifications). */
  async failureGroups(): Promise<FailureGroupData[]> {
    if (!this.client) throw new ProtocolError('disconnected', 'the engine is not running');
    return (await this.client.request('listFailures', {})).groups;
  }

  private received(client: ProtocolClient, snapshot: SnapshotData): void {
    if (client !== this.client) return;
    this.latest = snapshot;
    this.emit('snapshot', snapshot);
  }

  private fetchSettings(client: ProtocolClient): void {
    client.request('getSettings', {}).then(
      (settings) => {
        if (client === this.client) this.emit('settings', settings);
      },
      (error: unknown) => this.failed('getSettings', error),
    );
  }

  private send<C extends 'pause' | 'resume' | 'syncNow' | 'setConditions'>(
    command: C,
    params: ParamsOf<C>,
  ): void {
    const client = this.client;
    if (!client) {
      if (command !== 'setConditions') this.log(`${command}: the engine is not running`);
      return;
    }
    client.request(command, params).then(
      () => undefined,
      (error: unknown) => this.failed(command, error),
    );
  }

  private failed(command: string, error: unknown): void {
    this.log(`${command} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
