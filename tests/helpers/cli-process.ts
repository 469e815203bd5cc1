// `safelight …` as a real child process, its stdout and stderr gathered into one text, for the
// tests of the long-running commands (watch, serve).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/safelight.js', import.meta.url));

export interface Running {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  out: () => string;
  exit: Promise<number | null>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exit };
}
