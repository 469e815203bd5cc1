// The SmugMug account: who is signed in, and signing in with SmugMug's PIN flow (open the page
// SmugMug gives, allow Safelight, type the six-digit code it shows).
import { type FormEvent, useCallback, useId, useState } from 'react';
import { errorText } from './query.ts';
import { useSnapshot } from './snapshot.ts';
import { Badge, Button, ErrorNote, useAction } from './ui.tsx';
import { useConnection } from './use-connection.ts';

function SignIn() {
  const connection = useConnection();
  const ids = useId();
  const [authorizeUrl, setAuthorizeUrl] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [finishing, setFinishing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = useAction(
    useCallback(async () => {
      const { authorizeUrl } = await connection.request('loginStart', {});
      setAuthorizeUrl(authorizeUrl);
    }, [connection]),
  );
  const finish = (event: FormEvent) => {
    event.preventDefault();
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setError('The code is the six digits SmugMug shows after you allow Safelight.');
      return;
    }
    setFinishing(true);
    setError(null);
    void connection.request('loginFinish', { code: digits }).then(
      () => {
        setFinishing(false);
        setAuthorizeUrl(null);
        setCode('');
      },
      (e: unknown) => {
        setFinishing(false);
        setError(errorText(e));
      },
    );
  };
  if (!authorizeUrl) {
    return (
      <>
        <Button variant="primary" busy={start.busy} onClick={() => start.run()}>
          Connect SmugMug account
        </Button>
        <ErrorNote error={start.error} />
      </>
    );
  }
  return (
    <form className="pin-flow" onSubmit={finish} noValidate>
      <ol className="steps">
        <li>
          <span>Open SmugMug, sign in if asked, and allow Safelight.</span>{' '}
          <a
            className="button button-secondary"
            href={authorizeUrl}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="authorize-link"
          >
            Open SmugMug
          </a>
        </li>
        <li>
          <label htmlFor={`${ids}-code`}>Type the six-digit code SmugMug shows:</label>
          <span className="pin-row">
            <input
              id={`${ids}-code`}
              className="input pin-input"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              placeholder="123456"
              value={code}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setCode(e.target.value)}
            />
            <Button type="submit" variant="primary" busy={finishing}>
              Finish
            </Button>
            <Button variant="quiet" onClick={() => setAuthorizeUrl(null)}>
              Cancel
            </Button>
          </span>
        </li>
      </ol>
      <ErrorNote error={error} />
    </form>
  );
}

export function Account() {
  const account = useSnapshot((s) => s.account, null);
  const connection = useConnection();
  const [confirming, setConfirming] = useState(false);
  const logout = useAction(
    useCallback(async () => {
      await connection.request('logout', {});
      setConfirming(false);
    }, [connection]),
  );
  if (!account) return null;
  if (account.state === 'signed-in') {
    return (
      <div className="account">
        <p className="account-who">
          <Badge tone="ok">Connected</Badge>
          <span>
            Signed in as <strong>{account.nickname}</strong>
          </span>
          {account.sandbox ? <span className="tag">sandbox</span> : null}
        </p>
        {account.sandbox && account.apiBaseUrl ? (
          <p className="muted small">Talking to a test server at {account.apiBaseUrl}, not to SmugMug.</p>
        ) : null}
        {confirming ? (
          <div className="callout tone-warn" role="alertdialog" aria-labelledby="confirm-logout">
            <p id="confirm-logout">
              Disconnect {account.nickname}? Uploads stop. Nothing on SmugMug is deleted, and you can connect
              again at any time.
            </p>
            <Button variant="danger" busy={logout.busy} onClick={() => logout.run()}>
              Disconnect
            </Button>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
          </div>
        ) : (
          <Button onClick={() => setConfirming(true)}>Disconnect…</Button>
        )}
        <ErrorNote error={logout.error} />
      </div>
    );
  }
  return (
    <div className="account">
      <p className="account-who">
        <Badge tone="warn">{account.state === 'needs-attention' ? 'Needs attention' : 'Not connected'}</Badge>
        <span>{account.problem ?? 'Connect a SmugMug account so Safelight can upload your photos.'}</span>
      </p>
      <SignIn />
    </div>
  );
}
