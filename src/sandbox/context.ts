import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.ts';
import type { Transforms } from './media-rules.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { AccountState } from './state.ts';
import type { Level, SiteInfo } from './views.ts';

export type Permission = 'Read' | 'Add' | 'Modify';

export const permissionRank: Record<Permission, number> = { Read: 0, Add: 1, Modify: 2 };

export interface Caller {
  level: Level;
  permissions: Permission;
  /** Rate limits are per user per application, or per application without a user. */
  rateKey: string;
}

export interface Limits {
  albumImages: number;
  photoBytes: number;
  videoBytes: number;
  /** Videos this small are refused as "Invalid file type", as the real service does; 0 turns it off. */
  minVideoBytes: number;
  maxPageCount: number;
  folderDepth: number;
  /** How long the server waits for a request body that stopped arriving. */
  bodyIdleMs: number;
  timestampSkewSeconds: number;
}

export interface Stats {
  requests: number;
  uploadsAccepted: number;
  uploadsReplaced: number;
  uploadsFailed: number;
  byStatus: Record<string, number>;
}

export interface SandboxContext {
  state: AccountState;
  site: SiteInfo;
  consumerKey: string;
  consumerSecret: string;
  faults: Faults;
  rate: RateLimiter;
  limits: Limits;
  transforms: Transforms;
  /** SmugMug Source plan: RAW uploads accepted. */
  sourcePlan: boolean;
  /** Refuse a second upload of the same FileName into an album (an unverified claim; off by default). */
  rejectDuplicateNames: boolean;
  blobDir: string;
  stats: Stats;
  /** Whether the nonce was used before; remembers it unless `remember` is false. */
  seenNonce: (key: string, timestamp: number, remember?: boolean) => boolean;
  now: () => number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rateHeaders: Record<string, string>;
}
