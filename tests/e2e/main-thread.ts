// Which of the page's long tasks were the page's own doing. A long task (PerformanceObserver
// 'longtask') is wall-clock time; on a loaded machine (a 2-CPU runner with the engine, the
// sandbox and another test file busy) a cheap task can last 100 ms because its thread was
// waiting for a CPU. Chromium's trace records each task's thread CPU time (`tdur`) beside its
// wall time (`dur`), which tells the two apart.
import type { Browser, Page } from 'playwright-core';

export interface LongTask {
  /** Milliseconds since the page's time origin, as the observer reports it. */
  start: number;
  duration: number;
}

export interface Attributed extends LongTask {
  /** CPU time the page's main thread spent in the task, in milliseconds; null when not found. */
  cpu: number | null;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];
const ALIGN_MARK = 'safelight-trace-align';

export function startTrace(browser: Browser, page: Page): Promise<void> {
  return browser.startTracing(page, { categories: CATEGORIES });
}

/**
 * Stops the trace and gives each long task the CPU time of the main-thread task it was. The
 * page's clock and the trace's are aligned through a performance mark made in both.
 */
export async function stopTrace(browser: Browser, page: Page, tasks: LongTask[]): Promise<Attributed[]> {
  const markAt = await page.evaluate((name) => performance.mark(name).startTime, ALIGN_MARK);
  const raw = JSON.parse((await browser.stopTracing()).toString()) as
    | { traceEvents?: TraceEvent[] }
    | TraceEvent[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const mark = events.find((e) => e.name === ALIGN_MARK && mainThreads.has(`${e.pid}:${e.tid}`));
  if (!mark) throw new Error('the trace has no alignment mark: cannot match long tasks to it');
  const offset = mark.ts - markAt * 1000;
  const runs = events.filter(
    (e) =>
      e.ph === 'X' && e.name === 'RunTask' && mainThreads.has(`${e.pid}:${e.tid}`) && e.dur !== undefined,
  );
  return tasks.map((task) => {
    const from = task.start * 1000 + offset;
    const to = from + task.duration * 1000;
    let best: TraceEvent | undefined;
    let bestOverlap = 0;
    for (const run of runs) {
      const overlap = Math.min(to, run.ts + (run.dur ?? 0)) - Math.max(from, run.ts);
      if (overlap > bestOverlap) {
        best = run;
        bestOverlap = overlap;
      }
    }
    return { ...task, cpu: best?.tdur === undefined ? null : best.tdur / 1000 };
  });
}
