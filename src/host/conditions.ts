// Why uploads are paused: the person (for a while or until they resume), the computer asleep,
// the battery, or the upload schedule. Pure, so each rule is tested with plain times.
import type { ScheduleSettings } from '../config/settings.ts';
import type { SnapshotData } from '../protocol/schema.ts';

export type PauseInfo = SnapshotData['pause'];

export interface Conditions {
  /** Paused by the person; `until` null = until they resume. */
  user: { until: number | null } | null;
  onBattery: boolean;
  suspended: boolean;
}

export interface PauseRules {
  schedule: ScheduleSettings;
  pauseOnBattery: boolean;
}

/** Whether uploads may run at this local time. End before start spans midnight; equal = all day. */
export function inSchedule(schedule: ScheduleSettings, at: Date): boolean {
  if (!schedule.enabled || schedule.startHour === schedule.endHour) return true;
  const hour = at.getHours();
  return schedule.startHour < schedule.endHour
    ? hour >= schedule.startHour && hour < schedule.endHour
    : hour >= schedule.startHour || hour < schedule.endHour;
}

/** The next local time the clock reaches `hour`:00, after `now`. */
export function nextHour(hour: number, now: number): number {
  const d = new Date(now);
  d.setHours(hour, 0, 0, 0);
  if (d.getTime() <= now) d.setDate(d.getDate() + 1);
  return d.getTime();
}

export function pauseInfo(conditions: Conditions, rules: PauseRules, now: number): PauseInfo {
  const { user } = conditions;
  if (user && (user.until === null || user.until > now)) {
    return { paused: true, until: user.until, reason: 'user' };
  }
  if (conditions.suspended) return { paused: true, until: null, reason: 'suspended' };
  if (rules.pauseOnBattery && conditions.onBattery) return { paused: true, until: null, reason: 'battery' };
  if (!inSchedule(rules.schedule, new Date(now))) {
    return { paused: true, until: nextHour(rules.schedule.startHour, now), reason: 'schedule' };
  }
  return { paused: false, until: null, reason: null };
}

/** When the pause may change by itself (a timed pause ends, the schedule opens or closes), or null. */
export function nextChange(conditions: Conditions, rules: PauseRules, now: number): number | null {
  const times: number[] = [];
  const until = conditions.user?.until;
  if (until != null && until > now) times.push(until);
  const { schedule } = rules;
  if (schedule.enabled && schedule.startHour !== schedule.endHour) {
    times.push(nextHour(schedule.startHour, now), nextHour(schedule.endHour, now));
  }
  return times.length > 0 ? Math.min(...times) : null;
}
