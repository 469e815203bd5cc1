// The `safelight` command.
import { chmodSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  type AddOptions,
  addFolder,
  dateModeHint,
  modeText,
  PRIVACY_CHOICES,
  retryFailed,
  selectFolders,
  status,
  statusText,
  WATCH_CHOICES,
} from './cli/commands.ts';
import { type Context, openContext, UserError } from './cli/context.ts';
import { login } from './cli/login.ts';
import { runSync } from './cli/run-sync.ts';
import { runWatch } from './cli/run-watch.ts';
import { parseRate } from './config/settings.ts';
import { DEFAULT_PORT, runServe } from './daemon/serve.ts';
import { DaemonError } from './daemon/server.ts';
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

/** Runs a command with the context, turning a person's mistakes into one clear line. */
function withContext<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<number | undefined>) {
  return async (...args: A) => {
    let ctx: Context | undefined;
    try {
      ctx = openContext();
      process.exitCode = (await fn(ctx, ...args)) ?? 0;
    } catch (e) {
      if (!(e instanceof UserError || e instanceof Error)) throw e;
      process.stderr.write(`safelight: ${e.message}\n`);
      process.exitCode = 1;
    } finally {
      ctx?.store.close();
    }
  };
}

function rate(value: string): number {
  try {
    return parseRate(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function parallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('a whole number from 1 to 16');
  return n;
}

program
  .command('login')
  .description('Connect your SmugMug account (PIN sign-in), or a running sandbox with --sandbox')
  .option('--sandbox <ready-file>', "use the endpoints and credentials in a sandbox's ready file")
  .addOption(new Option('--api <url>', 'API base URL (default: SmugMug)').hideHelp())
  .addOption(new Option('--upload <url>', 'uploader URL (default: SmugMug)').hideHelp())
  .addOption(new Option('--oauth <url>', 'OAuth base URL (default: SmugMug)').hideHelp())
  .action(
    withContext(async (ctx, opts: { sandbox?: string; api?: string; upload?: string; oauth?: string }) => {
      const account = await login(ctx, opts, {
        input: process.stdin,
        output: process.stdout,
        env: process.env,
      });
      process.stdout.write(`Signed in to SmugMug as ${account.nickname}.\n`);
      return 0;
    }),
  );

interface AddFlags extends Omit<AddOptions, 'mode' | 'date'> {
  byDate?: boolean;
  mirror?: boolean;
  mode?: AddOptions['mode'];
  /** A name, or false for --no-date-folder. */
  dateFolder?: string | false;
  galleryFormat?: string;
}

program
  .command('add')
  .description('Connect a folder: its photos and videos are backed up to SmugMug')
  .argument('<folder>', 'the folder to back up')
  .addOption(
    new Option('--privacy <privacy>', 'privacy of new galleries').choices(PRIVACY_CHOICES).default('private'),
  )
  .addOption(
    new Option(
      '--by-date',
      'galleries by month of capture ("Safelight Uploads" → "2024" → "2024-07 July"), for phone and camera imports',
    ).conflicts(['mirror', 'mode']),
  )
  .addOption(new Option('--mirror', 'galleries like its subfolders (the default)').conflicts('mode'))
  .addOption(new Option('--mode <mode>', 'mirror (--mirror) or date (--by-date)').choices(['mirror', 'date']))
  .option(
    '--date-folder <name>',
    'with --by-date: the SmugMug folder holding the years (default "Safelight Uploads")',
  )
  .option('--no-date-folder', 'with --by-date: put the years straight into the --target folder')
  .option(
    '--gallery-format <format>',
    'with --by-date: gallery names from {YYYY} {YY} {MM} {M} {MMMM} {MMM}',
    undefined,
  )
  .option(
    '--target <smugmug-folder>',
    'SmugMug folder to put it in, e.g. "Backups/Laptop" (default: the top)',
    '',
  )
  .option('--no-videos', 'leave videos out')
  .option('--raw', 'include RAW files (SmugMug needs the Source plan for them)', false)
  .option('--ignore <pattern...>', 'glob patterns of files and folders to leave out', [])
  .addOption(
    new Option('--watch <how>', 'native file events, or polling (network shares); auto decides')
      .choices(WATCH_CHOICES)
      .default('auto'),
  )
  .addHelpText(
    'after',
    '\nGallery format example: --gallery-format "{MMMM} {YYYY}" names July 2024\'s gallery "July 2024".\n',
  )
  .action(
    withContext(async (ctx, folder: string, flags: AddFlags) => {
      const { byDate, mirror, mode: given, dateFolder, galleryFormat, ...rest } = flags;
      const mode = byDate ? 'date' : mirror ? 'mirror' : (given ?? 'mirror');
      if (mode !== 'date' && (dateFolder !== undefined || galleryFormat !== undefined)) {
        throw new UserError(
          '--date-folder, --no-date-folder and --gallery-format are for date mode: add --by-date',
        );
      }
      const date = {
        ...(dateFolder === undefined ? {} : { folderName: dateFolder === false ? null : dateFolder }),
        ...(galleryFormat === undefined ? {} : { galleryFormat }),
      };
      const row = await addFolder(ctx, folder, { ...rest, mode, date });
      const where = row.target ? `the SmugMug folder "${row.target}"` : 'the top of your SmugMug site';
      process.stdout.write(
        `Connected ${row.path}: it goes into ${where} as ${row.privacy} ${modeText(row)}. ` +
          'Run "safelight sync" to back it up and keep watching it.\n',
      );
      const hint = byDate || mirror || given !== undefined ? null : await dateModeHint(row);
      if (hint) process.stdout.write(`\n${hint}\n`);
      return 0;
    }),
  );

program
  .command('remove')
  .description('Stop backing up a connected folder; nothing is deleted on SmugMug or on this computer')
  .argument('<folder>', 'the connected folder')
  .action(
    withContext(async (ctx, folder: string) => {
      const [row] = await selectFolders(ctx, folder);
      if (!row) return 1;
      ctx.store.removeFolder(row.id);
      process.stdout.write(
        `Stopped backing up ${row.path}. Nothing was deleted on SmugMug or on this computer.\n`,
      );
      return 0;
    }),
  );

program
  .command('sync')
  .description('Upload what is new or changed in the connected folders, then keep watching them')
  .argument('[folder]', 'only this connected folder (with --once)')
  .option('--once', 'one pass over the folders, then exit')
  .option('--limit <rate>', 'bandwidth limit for this run, e.g. 5MB (per second); 0 = none', rate)
  .option('--parallel <n>', 'uploads at once', parallel)
  .action(
    withContext(
      async (
        ctx,
        folder: string | undefined,
        opts: { once?: boolean; limit?: number; parallel?: number },
      ) => {
        if (opts.once) return runSync(ctx, await selectFolders(ctx, folder), opts);
        if (folder !== undefined) throw new UserError('a single folder can be synced only with --once');
        return runWatch(ctx, opts);
      },
    ),
  );

program
  .command('watch')
  .description('Keep every connected folder backed up: watch for new, changed and moved files (Ctrl-C stops)')
  .option('--limit <rate>', 'bandwidth limit, e.g. 5MB (per second); 0 = none', rate)
  .option('--parallel <n>', 'uploads at once', parallel)
  .action(withContext(async (ctx, opts: { limit?: number; parallel?: number }) => runWatch(ctx, opts)));

program
  .command('status')
  .description('What is backed up, pending, failed (and why) in each connected folder')
  .option('--json', 'machine-readable output')
  .action(
    withContext(async (ctx, opts: { json?: boolean }) => {
      const s = await status(ctx);
      process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : statusText(s));
      return 0;
    }),
  );

program
  .command('retry')
  .description('Try failed files again, then sync once')
  .argument('[folder]', 'only this connected folder')
  .option('--no-sync', 'only mark them to be tried on the next sync')
  .action(
    withContext(async (ctx, folder: string | undefined, opts: { sync: boolean }) => {
      const folders = await selectFolders(ctx, folder);
      const n = retryFailed(ctx, folders);
      process.stdout.write(`${n} failed file${n === 1 ? '' : 's'} will be tried again.\n`);
      return opts.sync && n > 0 ? runSync(ctx, folders, {}) : 0;
    }),
  );

program
  .command('serve')
  .description('Serve the Safelight window to a browser, for a computer without a screen (Ctrl-C stops)')
  .option('--port <n>', 'port to listen on (0 picks a free one)', port, DEFAULT_PORT)
  .option(
    '--host <address>',
    'address to listen on; anything but 127.0.0.1 lets other computers reach it (e.g. 0.0.0.0)',
    '127.0.0.1',
  )
  .option('--sandbox <ready-file>', 'sign in from the window to a running sandbox (its ready file)')
  .action(async (opts: { port: number; host: string; sandbox?: string }) => {
    try {
      process.exitCode = await runServe(opts, { env: process.env, out: process.stdout });
    } catch (e) {
      if (!(e instanceof DaemonError || e instanceof UserError)) throw e;
      process.stderr.write(`safelight: ${e.message}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
