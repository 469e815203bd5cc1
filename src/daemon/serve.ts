// `safelight serve`: the engine with its window served to a browser, for a computer without a
// screen of its own (a home server, a NAS). It listens before the engine opens, so a taken port
// costs nothing; SIGINT/SIGTERM stop it cleanly (uploads in flight get a grace period), a second
// signal stops at once.
import { ensurePrivateDir } from '../config/files.ts';
import { homePaths } from '../config/home.ts';
import { EngineHost } from '../host/host.ts';
import type { Transport } from '../protocol/transport.ts';
import { isLoopback } from './access.ts';
import { loginTarget } from './login-target.ts';
import { rendererDir } from './renderer-dir.ts';
import { startDaemon } from './server.ts';

export const DEFAULT_PORT = 7719;
const GRACE_MS = 10_000;

export interface ServeOptions {
  port: number;
  host: string;
  /** A sandbox's ready file: sign in to it instead of SmugMug. */
  sandbox?: string;
}

export async function runServe(
  options: ServeOptions,
  io: { env: NodeJS.ProcessEnv; out: NodeJS.WritableStream },
): Promise<number> {
  const write = (line: string) => io.out.write(`${line}\n`);
  // Its output is a log: when nobody reads it any more (a closed pipe), serving goes on.
  io.out.on('error', () => {});
  const paths = homePaths(io.env);
  ensurePrivateDir(paths.home);
  const login = loginTarget(options, io.env);
  let host: EngineHost | undefined;

  const daemon = await startDaemon({
    // A tab that reconnects in the moment before the engine is open is asked to try again.
    attach: (transport: Transport) => {
      if (host) return host.attach(transport);
      transport.close();
      return () => {};
    },
    rendererDir: rendererDir(io.env),
    tokenFile: paths.daemonToken,
    host: options.host,
    port: options.port,
    log: write,
  });
  try {
    host = await EngineHost.open({ paths, desktop: false, ...(login ? { login } : {}) });
  } catch (e) {
    await daemon.close();
    throw e;
  }

  write(`Safelight is serving its window at ${daemon.origin} (state in ${paths.home})`);
  if (!isLoopback(options.host)) {
    write(
      `It listens on ${options.host}: other computers can reach it by this computer's name or address. ` +
        'The connection is not encrypted; use it only on a network you trust.',
    );
  }
  if (!login) {
    write(
      'Signing in from the window needs SAFELIGHT_CONSUMER_KEY and SAFELIGHT_CONSUMER_SECRET (your SmugMug ' +
        'API key), or --sandbox READY_FILE; an account saved by "safelight login" is used as is.',
    );
  }
  write(
    `\nOpen this address in a browser (it carries the access key: keep it private):\n\n  ${daemon.url}\n`,
  );
  write('Ctrl-C stops.');

  const opened = host;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async () => {
      write(`stopping: uploads in flight get up to ${GRACE_MS / 1000} s to finish (again to stop at once)`);
      try {
        await daemon.close();
        await opened.close(GRACE_MS);
        write('stopped');
        resolve(0);
      } catch (e) {
        write(`error while stopping: ${e instanceof Error ? e.message : String(e)}`);
        resolve(1);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    };
    const onSignal = () => {
      if (stopping) {
        write('stopping at once');
        process.exit(1);
      }
      stopping = true;
      void stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
