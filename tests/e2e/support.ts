// The world an end-to-end test drives: the renderer built from source, the real engine host and
// daemon serving it on 127.0.0.1, the sandbox SmugMug on 127.0.0.1, real files in a temp folder,
// and Debian's Chromium opening the page the way a person opens the printed link.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { sandboxAccount } from '../../src/cli/login.ts';
import { type HomePaths, homePaths } from '../../src/config/home.ts';
import { DEFAULT_SETTINGS, type Settings, saveAccount, saveSettings } from '../../src/config/settings.ts';
import { type Daemon, startDaemon } from '../../src/daemon/server.ts';
import { EngineHost } from '../../src/host/host.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { cspViolations, nextPaint, recordCspViolations, recordLongTasks } from './in-page.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VITE = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
export const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');

/** Fast retries and a short settle window so a test's uploads finish in seconds. */
export const TEST_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 40 },
  watch: { ...DEFAULT_SETTINGS.watch, settleMs: 300 },
  startAtLogin: false,
};

/** Resolves when `check` holds, failing after `ms` with what was awaited. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Builds the UI from source into `outDir` with the project's Vite config, so a test never runs
 * against a stale dist/renderer. Test files run in parallel, each building into its own folder.
 */
export function buildRenderer(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        VITE,
        'build',
        '--config',
        join(REPO, 'renderer', 'vite.config.ts'),
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${code}):\n${output}`));
    });
  });
}

/** A small real JPEG, different for every `label`, so thumbnails have something to show. */
export async function photo(label: string, width = 480, height = 320): Promise<Buffer> {
  const hue = createHash('md5').update(label).digest().readUInt16BE(0) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},65%,72%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},55%,45%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width * 0.72}" cy="${height * 0.3}" r="${height * 0.12}" fill="hsl(48,95%,88%)"/>
    <path d="M0 ${height} L${width * 0.35} ${height * 0.45} L${width * 0.6} ${height * 0.8} L${width * 0.8} ${height * 0.6} L${width} ${height} Z" fill="hsl(${(hue + 180) % 360},30%,25%)"/>
    <text x="12" y="${height - 14}" font-size="14" fill="white" opacity="0.5">${label}</text>
  </svg>`;
  // Grain, as a real photo has, so the file is photo-sized rather than a few KB of flat colour.
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .png()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: grain, blend: 'soft-light' }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * Writes files (relative path → bytes) under `dir`, dated a minute ago so they count as settled
 * (finished copying) from the start.
 */
export async function writeFiles(dir: string, files: Record<string, Buffer>): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  for (const [rel, bytes] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    await utimes(path, past, past);
  }
}

export interface WorldOptions {
  /** Starts with an account signed in to the sandbox (default), or signed out. */
  signedIn?: boolean;
  settings?: Partial<Settings>;
  sandbox?: SandboxOptions;
  /** The engine reports itself as the desktop app's (as engine-process runs it), not the daemon's. */
  desktop?: boolean;
  /** Runs with the home folder ready and before the engine opens it (to fill the store, say). */
  prepare?: (paths: HomePaths) => Promise<void> | void;
}

export interface World {
  root: string;
  /** A folder for the test's photos, outside the home folder. */
  photos: string;
  paths: HomePaths;
  sandbox: Sandbox;
  host: EngineHost;
  daemon: Daemon;
  browser: Browser;
  /** What the engine reported as unexpected (failed commands, watcher errors). */
  log: string[];
  /** The address `safelight serve` prints: the origin with #token=… */
  url: string;
  /**
   * A new window (its own context) at `url`, recording CSP violations and long tasks;
   * `beforeLoad` prepares the context before the page exists (to add init scripts, say).
   */
  open(options?: {
    url?: string;
    width?: number;
    height?: number;
    beforeLoad?: (context: BrowserContext) => Promise<unknown>;
  }): Promise<Page>;
  /** The engine and daemon stop; the page sees the connection drop. */
  stopDaemon(): Promise<void>;
  /** A new daemon on the same port and token, with the same engine. */
  restartDaemon(): Promise<void>;
  close(): Promise<void>;
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'safelight-e2e-'));
  // What is started so far, stopped in reverse if a later step fails.
  const started: Array<() => Promise<unknown>> = [() => rm(root, { recursive: true, force: true })];
  const undo = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const ui = join(root, 'ui');
    await buildRenderer(ui);
    const photos = join(root, 'photos');
    await mkdir(photos, { recursive: true });
    const paths = homePaths({ SAFELIGHT_HOME: join(root, 'home') });
    await mkdir(paths.home, { recursive: true, mode: 0o700 });
    const sandbox = await startSandbox(options.sandbox);
    started.push(() => sandbox.close());
    saveSettings(paths.settings, { ...TEST_SETTINGS, ...options.settings });
    if (options.signedIn ?? true) saveAccount(paths.account, sandboxAccount(sandbox.info));
    await options.prepare?.(paths);
    const log: string[] = [];
    const host = await EngineHost.open({
      paths,
      desktop: options.desktop ?? false,
      login: {
        endpoints: {
          apiBaseUrl: sandbox.apiBaseUrl,
          uploadUrl: sandbox.uploadUrl,
          oauthBaseUrl: sandbox.oauthBaseUrl,
        },
        consumerKey: sandbox.consumerKey,
        consumerSecret: sandbox.consumerSecret,
      },
      log: (line) => log.push(line),
    });
    started.push(() => host.close(1000));
    const serve = (port = 0) =>
      startDaemon({ attach: (t) => host.attach(t), rendererDir: ui, tokenFile: paths.daemonToken, port });
    let daemon = await serve();
    started.push(() => daemon.close());
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: LAUNCH_ARGS,
      timeout: 30_000,
    });
    started.push(() => browser.close());
    const contexts: BrowserContext[] = [];
    const world: World = {
      root,
      photos,
      paths,
      sandbox,
      host,
      get daemon() {
        return daemon;
      },
      browser,
      get url() {
        return daemon.url;
      },
      async open(o = {}) {
        const context = await browser.newContext({
          viewport: { width: o.width ?? 1180, height: o.height ?? 820 },
          colorScheme: 'light',
          reducedMotion: 'reduce',
        });
        contexts.push(context);
        context.setDefaultTimeout(15_000);
        await context.addInitScript(recordCspViolations);
        await context.addInitScript(recordLongTasks);
        await o.beforeLoad?.(context);
        const page = await context.newPage();
        await page.goto(o.url ?? daemon.url);
        return page;
      },
      async stopDaemon() {
        await daemon.close();
      },
      async restartDaemon() {
        daemon = await serve(daemon.port);
      },
      log,
      async close() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await undo();
      },
    };
    return world;
  } catch (e) {
    await undo();
    throw e;
  }
}

/** CSP violations the page reported; a UI that runs under `script-src 'self'` has none. */
export function cspViolationsOf(page: Page): Promise<string[]> {
  return page.evaluate(cspViolations);
}

/** Screenshots of what the page shows now, in the light and the dark theme. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(nextPaint);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Goes to a section with the sidebar, as a person would. */
export async function goTo(
  page: Page,
  section: 'Overview' | 'Folders' | 'Failures' | 'Activity' | 'Settings' | 'Add folder',
) {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: new RegExp(`^${section}`) })
    .click();
}
