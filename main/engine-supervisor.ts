// Keeps the engine running in its own process: starts it, hands it the ports main and the windows
// talk to it through, and starts it again, after a growing wait, when it dies. Its state lives in
// SQLite, so a restarted engine carries on where the dead one stopped.
import { EventEmitter } from 'node:events';
import { type FromEngine, GRANT_TTL_MS, isFromEngine, type ToEngine } from '../engine-process/messages.ts';

/** The parts of Electron's UtilityProcess this uses. */
export interface EngineChild<Port> {
  postMessage(message: ToEngine, transfer?: Port[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  kill(): boolean;
}

/** The parts of Electron's MessagePortMain this uses. */
export interface ClosablePort {
  close(): void;
}

export interface SupervisorOptions<Port extends ClosablePort> {
  fork(): EngineChild<Port>;
  channel(): { port1: Port; port2: Port };
  /** Waits before each restart in a row; the last repeats. */
  restartDelaysMs?: readonly number[];
  /** A run at least this long was healthy: the next crash waits the first delay again. */
  healthyAfterMs?: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  now?: () => number;
}

export const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000] as const;

/** How long to wait before restart number `attempt` (0 = the first after a healthy run). */
export function restartDelay(attempt: number, delays: readonly number[] = RESTART_DELAYS_MS): number {
  return delays[Math.min(attempt, delays.length - 1)] ?? 0;
}

export type EngineStatus =
  | { kind: 'starting' }
  | { kind: 'up' }
  | { kind: 'restarting'; at: number; reason: string }
  | { kind: 'stopped' };

interface Events<Port> {
  /** A new engine is ready; `control` is main's own connection to it. */
  up: [control: Port];
  /** The engine died; ports to it are dead. */
  down: [status: Extract<EngineStatus, { kind: 'restarting' }>];
  status: [status: EngineStatus];
}

interface WaitingUi<Port> {
  /** The engine's end. */
  port: Port;
  deliver: () => void;
  reject: (error: Error) => void;
}

export class EngineSupervisor<Port extends ClosablePort> extends EventEmitter<Events<Port>> {
  private readonly options: SupervisorOptions<Port>;
  private readonly now: () => number;
  private child: EngineChild<Port> | null = null;
  private ready = false;
  private stopping = false;
  private startedAt = 0;
  private attempt = 0;
  private lastFatal: string | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly waitingUi: WaitingUi<Port>[] = [];
  private readonly grants = new Map<number, { path: string; at: number; resolve: () => void }>();
  private nextGrantId = 1;
  private exited: Promise<void> = Promise.resolve();
  private currentStatus: EngineStatus = { kind: 'stopped' };

  constructor(options: SupervisorOptions<Port>) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  get status(): EngineStatus {
    return this.currentStatus;
  }

  start(): void {
    this.stopping = false;
    this.launch();
  }

  /**
   * A port to the engine for a window. It resolves once a running engine holds the other end,
   * so a window that asks while the engine restarts waits instead of talking to nobody.
   */
  connectUi(): Promise<Port> {
    if (this.stopping) return Promise.reject(new Error('Safelight is quitting'));
    const { port1, port2 } = this.options.channel();
    return new Promise((resolve, reject) => {
      this.waitingUi.push({ port: port1, deliver: () => resolve(port2), reject });
      if (this.ready) this.handOverUiPorts();
    });
  }

  /**
   * Tells the engine that windows may use this folder; resolves once it has heard. Grants are
   * told again to every engine started later, so a restart does not forget them.
   */
  grant(path: string): Promise<void> {
    const id = this.nextGrantId++;
    return new Promise((resolve) => {
      this.grants.set(id, { path, at: this.now(), resolve });
      if (this.ready) this.send({ kind: 'grant', id, path });
    });
  }

  /** Asks the engine to finish what it is doing and exit; kills it after `graceMs` more. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    for (const waiting of this.waitingUi.splice(0)) {
      waiting.port.close();
      waiting.reject(new Error('Safelight is quitting'));
    }
    const child = this.child;
    if (child) {
      child.postMessage({ kind: 'shutdown', graceMs });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill();
          resolve();
        }, graceMs + 1000);
      });
      await Promise.race([this.exited, killed]);
      clearTimeout(timer);
    }
    this.setStatus({ kind: 'stopped' });
  }

  private launch(): void {
    this.restartTimer = null;
    this.ready = false;
    this.lastFatal = null;
    this.startedAt = this.now();
    this.setStatus({ kind: 'starting' });
    const child = this.options.fork();
    this.child = child;
    let onExit = () => {};
    this.exited = new Promise((resolve) => {
      onExit = resolve;
    });
    child.on('message', (message) => {
      if (this.child === child && isFromEngine(message)) this.receive(message);
    });
    child.on('exit', (code) => {
      onExit();
      if (this.child === child) this.exitedWith(code);
    });
  }

  private receive(message: FromEngine): void {
    if (message.kind === 'fatal') {
      this.lastFatal = message.message;
      this.options.log('error', `engine: ${message.message}`);
    } else if (message.kind === 'granted') {
      const grant = this.grants.get(message.id);
      grant?.resolve();
    } else {
      this.becameReady();
    }
  }

  private becameReady(): void {
    this.ready = true;
    for (const [id, { path, at }] of this.grants) {
      if (this.now() - at < GRANT_TTL_MS) this.send({ kind: 'grant', id, path });
      else this.grants.delete(id);
    }
    const { port1, port2 } = this.options.channel();
    this.send({ kind: 'connect', role: 'control' }, port1);
    this.handOverUiPorts();
    this.setStatus({ kind: 'up' });
    this.options.log('info', 'engine is running');
    this.emit('up', port2);
  }

  private handOverUiPorts(): void {
    for (const waiting of this.waitingUi.splice(0)) {
      this.send({ kind: 'connect', role: 'ui' }, waiting.port);
      waiting.deliver();
    }
  }

  private send(message: ToEngine, port?: Port): void {
    this.child?.postMessage(message, port ? [port] : []);
  }

  private exitedWith(code: number): void {
    this.child = null;
    this.ready = false;
    if (this.stopping) return;
    if (this.now() - this.startedAt >= (this.options.healthyAfterMs ?? 60_000)) this.attempt = 0;
    const wait = restartDelay(this.attempt, this.options.restartDelaysMs);
    this.attempt += 1;
    const reason = this.lastFatal ?? `it stopped unexpectedly (exit code ${code})`;
    this.options.log('warn', `engine exited with code ${code}; starting it again in ${wait} ms`);
    const status = { kind: 'restarting', at: this.now() + wait, reason } as const;
    this.setStatus(status);
    this.emit('down', status);
    this.restartTimer = setTimeout(() => this.launch(), wait);
  }

  private setStatus(status: EngineStatus): void {
    this.currentStatus = status;
    this.emit('status', status);
  }
}
