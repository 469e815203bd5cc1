// `safelight login`: connect a SmugMug account, by the PIN flow, from credentials supplied
// directly (environment, never the command line, where other users could read them), or
// from a running sandbox's ready file.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { type Account, saveAccount } from '../config/settings.ts';
import { SmugMugClient } from '../smugmug/client.ts';
import { getAccessToken, getRequestToken } from '../smugmug/login.ts';
import { type Endpoints, SMUGMUG_ENDPOINTS } from '../smugmug/types.ts';
import { type Context, UserError } from './context.ts';

export interface LoginOptions {
  sandbox?: string;
  api?: string;
  upload?: string;
  oauth?: string;
}

const SANDBOX_FIELDS = [
  'apiBaseUrl',
  'uploadUrl',
  'oauthBaseUrl',
  'consumerKey',
  'consumerSecret',
  'accessToken',
  'accessTokenSecret',
  'nickname',
] as const;

export type SandboxReadyInfo = Record<(typeof SANDBOX_FIELDS)[number], string>;

/** The account a sandbox's ready file (or its in-process info) describes. */
export function sandboxAccount(info: SandboxReadyInfo): Account {
  return {
    endpoints: { apiBaseUrl: info.apiBaseUrl, uploadUrl: info.uploadUrl, oauthBaseUrl: info.oauthBaseUrl },
    consumerKey: info.consumerKey,
    consumerSecret: info.consumerSecret,
    token: info.accessToken,
    tokenSecret: info.accessTokenSecret,
    nickname: info.nickname,
  };
}

/** The sandbox account a ready file describes; a clear error when it is not one. */
export function fromReadyFile(file: string): Account {
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`cannot read the sandbox ready file ${file}: ${(e as Error).message}`);
  }
  const missing = SANDBOX_FIELDS.filter((k) => typeof info[k] !== 'string');
  if (missing.length)
    throw new UserError(`${file} is not a sandbox ready file (missing ${missing.join(', ')})`);
  return sandboxAccount(info as SandboxReadyInfo);
}

function endpointsFrom(options: LoginOptions): Endpoints {
  return {
    apiBaseUrl: options.api ?? SMUGMUG_ENDPOINTS.apiBaseUrl,
    uploadUrl: options.upload ?? SMUGMUG_ENDPOINTS.uploadUrl,
    oauthBaseUrl: options.oauth ?? SMUGMUG_ENDPOINTS.oauthBaseUrl,
  };
}

async function pinFlow(
  endpoints: Endpoints,
  consumer: { consumerKey: string; consumerSecret: string },
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
) {
  const request = await getRequestToken(endpoints, consumer);
  output.write(
    `Open this address, sign in to SmugMug and allow Safelight:\n\n  ${request.authorizeUrl}\n\n` +
      'SmugMug then shows a six-digit code.\n',
  );
  const rl = createInterface({ input, output, terminal: false });
  try {
    const code = (await rl.question('Code: ')).trim();
    if (!/^\d{6}$/.test(code)) throw new UserError(`"${code}" is not the six-digit code SmugMug showed`);
    return await getAccessToken(endpoints, consumer, request, code);
  } finally {
    rl.close();
  }
}

export async function login(
  ctx: Context,
  options: LoginOptions,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
): Promise<Account> {
  let partial: Omit<Account, 'nickname'>;
  if (options.sandbox) {
    partial = fromReadyFile(options.sandbox);
  } else {
    const consumerKey = io.env.SAFELIGHT_CONSUMER_KEY;
    const consumerSecret = io.env.SAFELIGHT_CONSUMER_SECRET;
    if (!consumerKey || !consumerSecret) {
      throw new UserError(
        'set SAFELIGHT_CONSUMER_KEY and SAFELIGHT_CONSUMER_SECRET to your SmugMug API key and secret ' +
          '(from https://api.smugmug.com/api/developer/apply), or use --sandbox READY_FILE',
      );
    }
    const endpoints = endpointsFrom(options);
    const consumer = { consumerKey, consumerSecret };
    const token = io.env.SAFELIGHT_TOKEN;
    const tokenSecret = io.env.SAFELIGHT_TOKEN_SECRET;
    const access =
      token && tokenSecret ? { token, tokenSecret } : await pinFlow(endpoints, consumer, io.input, io.output);
    partial = { endpoints, ...consumer, ...access };
  }
  const user = await new SmugMugClient({
    endpoints: partial.endpoints,
    credentials: partial,
    retry: { retries: 2 },
  }).authUser();
  const account: Account = { ...partial, nickname: user.nickname };
  saveAccount(ctx.paths.account, account);
  return account;
}
