// Telling the person, outside the window, what needs them: files that failed for good (not those
// that will be tried again by themselves), and an account that must sign in again. At most one
// notification of each kind per interval: a burst of 500 failures is one notification, and
// failures that arrive meanwhile are summed into the next. What is already wrong at start is only
// a baseline, so old failures are not announced at every start.
import type { NavigableView } from '../preload/channels.ts';
import type { FailureGroupData, SnapshotData } from '../src/protocol/schema.ts';

export type NoticeKind = 'failures' | 'account';

export interface Notice {
  kind: NoticeKind;
  title: string;
  body: string;
  /** The view a click opens. */
  view: NavigableView;
}

export const NOTICE_INTERVAL_MS = 10 * 60_000;

/** What the notices are decided from. */
export interface NoticeFacts {
  /** Files that failed for good: retrying by itself will not help. */
  permanentFailures: number;
  account: SnapshotData['account'];
}

/**
 * Files that failed for good, from the failure groups. A group lists its first files only, so a
 * big group counts in the proportion its listed files show (a group's files share one reason,
 * and almost always one kind).
 */
export function permanentFailures(groups: readonly FailureGroupData[]): number {
  let total = 0;
  for (const group of groups) {
    if (group.files.length === 0) continue;
    const permanent = group.files.filter((f) => f.kind === 'permanent').length;
    total += Math.round((group.count * permanent) / group.files.length);
  }
  return total;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export class NoticePolicy {
  private readonly intervalMs: number;
  private baseline = false;
  /** The failure count last announced (or seen at the start). */
  private announcedFailures = 0;
  private accountNeedsAttention = false;
  private accountAnnounced = false;
  private readonly lastShown = new Map<NoticeKind, number>();

  constructor(intervalMs = NOTICE_INTERVAL_MS) {
    this.intervalMs = intervalMs;
  }

  /** The notices to show now. */
  observe(facts: NoticeFacts, now: number): Notice[] {
    const needsAttention = facts.account.state === 'needs-attention';
    const failures = facts.permanentFailures;
    if (!this.baseline) {
      this.baseline = true;
      this.announcedFailures = failures;
      this.accountNeedsAttention = needsAttention;
      this.accountAnnounced = needsAttention;
      return [];
    }
    // Retried or ignored failures lower the mark, so the next new ones are announced again.
    this.announcedFailures = Math.min(this.announcedFailures, failures);
    if (needsAttention !== this.accountNeedsAttention) {
      this.accountNeedsAttention = needsAttention;
      this.accountAnnounced = false;
    }
    const notices: Notice[] = [];
    const fresh = failures - this.announcedFailures;
    if (fresh > 0 && this.allowed('failures', now)) {
      this.announcedFailures = failures;
      notices.push({
        kind: 'failures',
        title: `${plural(fresh, 'file')} could not be backed up`,
        body: 'Click to see which, and what to do about them.',
        view: 'failures',
      });
    }
    if (needsAttention && !this.accountAnnounced && this.allowed('account', now)) {
      this.accountAnnounced = true;
      notices.push({
        kind: 'account',
        title: 'Sign in to SmugMug again',
        body: facts.account.problem ?? 'Safelight cannot upload until you do.',
        view: 'settings',
      });
    }
    for (const notice of notices) this.lastShown.set(notice.kind, now);
    return notices;
  }

  /** When a notice held back by the interval may be shown, or null when none is waiting. */
  retryAt(facts: NoticeFacts): number | null {
    const waiting: number[] = [];
    if (facts.permanentFailures > this.announcedFailures) waiting.push(this.nextAllowed('failures'));
    if (this.accountNeedsAttention && !this.accountAnnounced) waiting.push(this.nextAllowed('account'));
    return waiting.length > 0 ? Math.min(...waiting) : null;
  }

  private nextAllowed(kind: NoticeKind): number {
    return (this.lastShown.get(kind) ?? Number.NEGATIVE_INFINITY) + this.intervalMs;
  }

  private allowed(kind: NoticeKind, now: number): boolean {
    return now >= this.nextAllowed(kind);
  }
}

/** The parts of Electron's Notification this uses. */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotificationOptions {
  create(content: { title: string; body: string }): NotificationLike;
  open(view: NavigableView): void;
  /** The engine's failure groups (the listFailures command). */
  failureGroups(): Promise<readonly FailureGroupData[]>;
  policy?: NoticePolicy;
  now?: () => number;
  log?(message: string): void;
}

export interface Notifications {
  observe(snapshot: SnapshotData): void;
  /** The engine said its failures changed (the count alone can stay the same). */
  failuresChanged(): void;
  stop(): void;
}

/**
 * Follows the engine: only the failure groups tell failures for good from those that will be
 * retried, so they are fetched when the failures changed (one fetch at a time; a change during a
 * fetch is fetched again after it), not for every snapshot.
 */
export function setupNotifications(options: NotificationOptions): Notifications {
  const policy = options.policy ?? new NoticePolicy();
  const now = options.now ?? Date.now;
  // Windows forgets a notification's click handler once the object is collected.
  const shown = new Set<NotificationLike>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest: NoticeFacts | null = null;
  let account: SnapshotData['account'] | null = null;
  let countedFailures: number | null = null;
  let fetching = false;
  let again = false;
  let stopped = false;

  const decide = (facts: NoticeFacts) => {
    latest = facts;
    for (const notice of policy.observe(facts, now())) {
      const notification = options.create({ title: notice.title, body: notice.body });
      shown.add(notification);
      notification.on('click', () => {
        shown.delete(notification);
        options.open(notice.view);
      });
      notification.show();
      if (shown.size > 20) shown.delete(shown.values().next().value as NotificationLike);
    }
    const at = policy.retryAt(facts);
    if (timer || at === null || stopped) return;
    timer = setTimeout(
      () => {
        timer = null;
        if (latest) decide(latest);
      },
      Math.max(0, at - now()),
    );
    timer.unref?.();
  };

  const count = () => {
    if (stopped) return;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    again = false;
    options.failureGroups().then(
      (groups) => {
        fetching = false;
        const permanent = permanentFailures(groups);
        countedFailures = groups.reduce((n, g) => n + g.count, 0);
        if (account && !stopped) decide({ permanentFailures: permanent, account });
        if (again) count();
      },
      (error: unknown) => {
        fetching = false;
        options.log?.(`could not look at the failures: ${(error as Error).message}`);
      },
    );
  };

  return {
    observe: (snapshot) => {
      account = snapshot.account;
      // The count moving is a change too (a restarted engine, an event this missed).
      if (countedFailures !== snapshot.failures) count();
      else if (latest) decide({ ...latest, account });
    },
    failuresChanged: count,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
