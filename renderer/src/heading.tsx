// Each view's title. Focus moves to it when the view opens, so keyboard and screen reader users
// land at the top of what they just opened instead of back at the first link.
import { type ReactNode, type RefObject, useEffect, useRef } from 'react';

export function useFocusOnOpen(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    // Not on first load (nothing had focus yet), only when the person moved here.
    if (document.activeElement && document.activeElement !== document.body) ref.current?.focus();
  }, [ref]);
}

export function ViewHeading({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useFocusOnOpen(ref);
  return (
    <header className="view-header">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions ? <div className="view-actions">{actions}</div> : null}
    </header>
  );
}
