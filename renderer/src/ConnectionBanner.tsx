// Tells the person, plainly, when the engine cannot be reached and when the next try is.
import { useEffect, useState } from 'react';
import { Icon } from './icons.tsx';
import { useConnection, useConnectionStatus } from './use-connection.ts';

export function ConnectionBanner() {
  const connection = useConnection();
  const status = useConnectionStatus();
  const [now, setNow] = useState(() => Date.now());
  const lost = status.kind === 'lost';
  useEffect(() => {
    if (!lost) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [lost]);
  if (status.kind !== 'lost' && !(status.kind === 'connecting' && status.attempt > 0)) return null;
  const seconds = status.kind === 'lost' ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : 0;
  return (
    <div className="banner banner-error" role="alert">
      <Icon name="cloudOff" />
      <div className="banner-text">
        <strong>Connection to Safelight lost.</strong>{' '}
        <span>
          {status.kind === 'connecting' || seconds === 0
            ? 'Reconnecting…'
            : `Trying again in ${seconds} s. What you see may be out of date.`}
        </span>
      </div>
      {status.kind === 'lost' ? (
        <button type="button" className="button button-secondary" onClick={() => connection.retryNow()}>
          Reconnect now
        </button>
      ) : null}
    </div>
  );
}
