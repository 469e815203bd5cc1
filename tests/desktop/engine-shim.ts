// Runs inside a worker thread and makes it look like an Electron utility process to the engine
// entry: process.parentPort, delivering { data, ports } events as Electron's does. Messages from
// the fake utilityProcess arrive as { data, ports } with the ports transferred alongside.
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('engine-shim.ts runs only in a worker');

Object.assign(process, {
  parentPort: {
    on: (event: 'message', listener: (e: { data: unknown; ports: unknown[] }) => void) => {
      port.on(event, (message: { data: unknown; ports: unknown[] }) => listener(message));
    },
    postMessage: (message: unknown) => port.postMessage(message),
  },
});

await import((workerData as { entry: string }).entry);
