// Functions that run inside the page, handed to page.evaluate / addInitScript. The tests compile
// without the DOM library, so the little of the browser they touch is declared here, for this
// module only.

interface PageElement {
  tagName: string;
  textContent: string | null;
  outerHTML: string;
  labels?: ArrayLike<PageElement> | null;
  getAttribute(name: string): string | null;
}

interface PageEvent {
  violatedDirective: string;
  blockedURI: string;
}

interface PerformanceEntryLike {
  duration: number;
  startTime: number;
}

declare const window: Record<string, any>;
declare const document: {
  activeElement: PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getElementById(id: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', listener: (event: PageEvent) => void): void;
};
declare function getComputedStyle(element: PageElement): { outlineStyle: string };
declare function requestAnimationFrame(callback: () => void): number;
declare const PerformanceObserver: new (
  callback: (list: { getEntries(): PerformanceEntryLike[] }) => void,
) => { observe(options: { type: string; buffered?: boolean }): void };

/** Init script: remembers every CSP violation the page reports. */
export function recordCspViolations(): void {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
}

export function cspViolations(): string[] {
  return window.__csp;
}

/** Init script: remembers every task longer than 50 ms (the browser's definition of a long task). */
export function recordLongTasks(): void {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

export function longTasks(): Array<{ start: number; duration: number }> {
  return window.__longTasks;
}

/** Resolves after two frames, when what React rendered has been painted. */
export function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

/** Buttons, links and fields without a name a screen reader could announce. */
export function unnamedControls(): string[] {
  const nameOf = (el: PageElement) => {
    const label = el.getAttribute('aria-label') ?? '';
    const by = el.getAttribute('aria-labelledby');
    const byText = by
      ? by
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join('')
      : '';
    const labelText = el.labels ? Array.from(el.labels, (l) => l.textContent ?? '').join('') : '';
    const field = el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA';
    return `${label}${byText}${labelText}${field ? '' : (el.textContent ?? '')}`.trim();
  };
  return Array.from(document.querySelectorAll('button, a[href], input, select, textarea, [role="tab"]'))
    .filter((el) => nameOf(el) === '')
    .map((el) => el.outerHTML.slice(0, 120));
}

export function focused(): { tag: string; text: string; label: string; outline: string } {
  const el = document.activeElement;
  if (!el) return { tag: '', text: '', label: '', outline: '' };
  return {
    tag: el.tagName,
    text: el.textContent ?? '',
    label: el.getAttribute('aria-label') ?? '',
    outline: getComputedStyle(el).outlineStyle,
  };
}
