// The `safelight` command.
import { chmodSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { FaultSpecError, parseFaultSpec } from './sandbox/faults.ts';
import { startSandbox } from './sandbox/server.ts';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function faultSpec(value: string): string {
  try {
    parseFaultSpec(value);
  } catch (e) {
    if (e instanceof FaultSpecError) throw new InvalidArgumentError(e.message);
    throw e;
  }
  return value;
}

const program = new Command()
  .name('safelight')
  .description('Keeps folders of photos and videos backed up to SmugMug, exactly once.')
  .showHelpAfterError();

program
  .command('sandbox')
  .description(
    'Run a local SmugMug API v2 service (API, OAuth and uploader) on 127.0.0.1 for tests and demos',
  )
  .option('--port <n>', 'port for the API and OAuth (0 picks a free one)', port, 0)
  .option('--upload-port <n>', 'port for the uploader (0 picks a free one)', port, 0)
  .option('--state <dir>', 'keep the account in this folder across restarts (default: in memory)')
  .option(
    '--faults <spec>',
    'inject faults, e.g. 500=0.05,503=0.05,429=50x5@1,reset=0.02,504commit=0.02,slow=0.1@2000',
    faultSpec,
  )
  .option('--rate-limit <n/seconds>', 'requests allowed per window, e.g. 600/60', '100000/3600')
  .option('--no-heic-transform', 'store HEIC as uploaded instead of converting it to NAME.JPG')
  .option('--no-video-transform', 'store videos as uploaded instead of re-encoding them')
  .option('--source-plan', 'accept RAW files, as the SmugMug Source plan does')
  .option('--ready-file <file>', 'write the endpoints and credentials here as JSON once ready')
  .action(
    async (opts: {
      port: number;
      uploadPort: number;
      state?: string;
      faults?: string;
      rateLimit: string;
      heicTransform: boolean;
      videoTransform: boolean;
      sourcePlan?: boolean;
      readyFile?: string;
    }) => {
      const m = /^(\d+)\/(\d+)$/.exec(opts.rateLimit);
      if (!m) program.error(`--rate-limit wants REQUESTS/SECONDS such as 600/60, got "${opts.rateLimit}"`);
      const sandbox = await startSandbox({
        port: opts.port,
        uploadPort: opts.uploadPort,
        ...(opts.state ? { stateDir: opts.state } : {}),
        ...(opts.faults ? { faults: opts.faults } : {}),
        rateLimit: { limit: Number(m?.[1]), windowSeconds: Number(m?.[2]) },
        transforms: { heic: opts.heicTransform ? 'jpg' : 'off', video: opts.videoTransform },
        sourcePlan: opts.sourcePlan ?? false,
      });
      const ready = JSON.stringify(sandbox.info);
      if (opts.readyFile) {
        // The ready file carries the account's secrets: owner only, even if it existed before.
        writeFileSync(opts.readyFile, `${ready}\n`, { mode: 0o600 });
        chmodSync(opts.readyFile, 0o600);
      }
      process.stdout.write(`${ready}\n`);
      const stop = () => {
        sandbox.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );

await program.parseAsync(process.argv);
