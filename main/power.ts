// Power and sleep as the engine's conditions. The engine decides what they mean (pause on battery
// only when the person asked for it; no new uploads while asleep; a reconciliation walk on
// waking); main only reports the facts, and reports them again to an engine that restarted.

export interface PowerConditions {
  onBattery: boolean;
  suspended: boolean;
}

export type PowerEvent = 'on-battery' | 'on-ac' | 'suspend' | 'resume' | 'poll';

/**
 * The conditions after `event`. `onBatteryNow` is the OS's answer at that moment; it is trusted
 * on waking and when polled, since the plug can change while the computer sleeps, and some
 * systems never send on-ac/on-battery at all.
 */
export function nextConditions(
  current: PowerConditions,
  event: PowerEvent,
  onBatteryNow: boolean,
): PowerConditions {
  switch (event) {
    case 'on-battery':
      return { ...current, onBattery: true };
    case 'on-ac':
      return { ...current, onBattery: false };
    case 'suspend':
      return { ...current, suspended: true };
    case 'resume':
      return { onBattery: onBatteryNow, suspended: false };
    case 'poll':
      return { ...current, onBattery: onBatteryNow };
  }
}

/** The parts of Electron's powerMonitor this uses. */
export interface PowerMonitorLike {
  isOnBatteryPower(): boolean;
  on(event: 'on-battery' | 'on-ac' | 'suspend' | 'resume', listener: () => void): unknown;
}

export interface PowerOptions {
  powerMonitor: PowerMonitorLike;
  /** Called with the first conditions and then on every change. */
  report(conditions: PowerConditions): void;
  pollMs?: number;
}

export function setupPower(options: PowerOptions): { current(): PowerConditions; stop(): void } {
  const { powerMonitor, report } = options;
  let current: PowerConditions = { onBattery: powerMonitor.isOnBatteryPower(), suspended: false };
  report(current);
  const apply = (event: PowerEvent) => {
    const next = nextConditions(current, event, powerMonitor.isOnBatteryPower());
    if (next.onBattery === current.onBattery && next.suspended === current.suspended) return;
    current = next;
    report(current);
  };
  for (const event of ['on-battery', 'on-ac', 'suspend', 'resume'] as const) {
    powerMonitor.on(event, () => apply(event));
  }
  const timer = setInterval(() => apply('poll'), options.pollMs ?? 60_000);
  timer.unref?.();
  return { current: () => current, stop: () => clearInterval(timer) };
}
