// A stand-in for Electron's utilityProcess.fork: the engine entry runs in a worker thread, which,
// like a utility process, has a parent port that carries MessagePorts. Killing it ends the
// thread the way a crash ends the process: 'exit' with a non-zero code.
import { EventEmitter } from 'node:events';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { ToEngine } from '../../engine-process/messages.ts';
import type { EngineChild } from '../../main/engine-supervisor.ts';
import type { PortLike } from '../../src/protocol/transport.ts';

const SHIM = new URL('./engine-shim.ts', import.meta.url);
export const ENGINE_ENTRY = new URL('../../engine-process/entry.ts', import.meta.url).href;

export class WorkerProcess extends EventEmitter implements EngineChild<PortLike> {
  readonly worker: Worker;
  readonly stderr: string[] = [];
  exitCode: number | null = null;

  constructor(entry: string, env: NodeJS.ProcessEnv) {
    super();
    this.worker = new Worker(SHIM, { workerData: { entry }, env, stderr: true, stdout: true });
    let partial = '';
    this.worker.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      this.stderr.push(...lines);
    });
    this.worker.stdout.resume();
    this.worker.on('message', (message) => this.emit('message', message));
    this.worker.on('error', (error) => this.stderr.push(`uncaught: ${error.message}`));
    this.worker.on('exit', (code) => {
      this.exitCode = code;
      this.emit('exit', code);
    });
  }

  postMessage(message: ToEngine, transfer: PortLike[] = []): void {
    // The ports are worker_threads MessagePorts (the world's channel makes them).
    const ports = transfer as unknown as MessagePort[];
    this.worker.postMessage({ data: message, ports }, ports);
  }

  kill(): boolean {
    void this.worker.terminate();
    return true;
  }
}

/** A fake utilityProcess.fork that remembers every process it started. */
export function workerForker(env: NodeJS.ProcessEnv, entry = ENGINE_ENTRY) {
  const started: WorkerProcess[] = [];
  return {
    started,
    fork: () => {
      const child = new WorkerProcess(entry, env);
      started.push(child);
      return child;
    },
  };
}
