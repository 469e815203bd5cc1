// The window: a sidebar of views, the view shown, and a banner while the engine is unreachable.
import { useEffect, useState } from 'react';
import { Activity } from './Activity.tsx';
import { AddFolder } from './AddFolder.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { desktopBridge } from './desktop.ts';
import { Failures } from './Failures.tsx';
import { FolderDetail } from './FolderDetail.tsx';
import { Folders } from './Folders.tsx';
import { Icon, type IconName } from './icons.tsx';
import { NavigationContext, type View } from './navigation.ts';
import { Overview } from './Overview.tsx';
import { Settings } from './Settings.tsx';
import { useSnapshot } from './snapshot.ts';
import { useConnectionStatus } from './use-connection.ts';

const SECTIONS: Array<{ name: View['name']; label: string; icon: IconName }> = [
  { name: 'overview', label: 'Overview', icon: 'overview' },
  { name: 'folders', label: 'Folders', icon: 'folders' },
  { name: 'failures', label: 'Failures', icon: 'failures' },
  { name: 'activity', label: 'Activity', icon: 'activity' },
  { name: 'settings', label: 'Settings', icon: 'settings' },
];

function sectionOf(view: View): View['name'] {
  return view.name === 'folder' ? 'folders' : view.name;
}

function Sidebar({ view, go }: { view: View; go: (view: View) => void }) {
  const failures = useSnapshot((s) => s.failures, 0);
  const account = useSnapshot((s) => s.account, null);
  const current = sectionOf(view);
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Safelight</span>
      </div>
      <ul className="nav-list">
        {SECTIONS.map((s) => (
          <li key={s.name}>
            <button
              type="button"
              className="nav-item"
              aria-current={current === s.name ? 'page' : undefined}
              aria-label={
                s.name === 'failures' && failures > 0
                  ? `Failures: ${failures.toLocaleString('en-US')} ${failures === 1 ? 'file' : 'files'}`
                  : undefined
              }
              onClick={() => go({ name: s.name } as View)}
            >
              <Icon name={s.icon} />
              <span className="nav-label">{s.label}</span>
              {s.name === 'failures' && failures > 0 ? (
                <span className="nav-count" aria-hidden="true">
                  {failures.toLocaleString('en-US')}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button button-primary add-button"
        aria-current={current === 'add' ? 'page' : undefined}
        onClick={() => go({ name: 'add' })}
      >
        <Icon name="add" size={16} />
        <span>Add folder</span>
      </button>
      <div className="sidebar-foot">
        {account?.state === 'signed-in' ? (
          <p className="account-line">
            <Icon name="user" size={16} />
            <span>
              {account.nickname}
              {account.sandbox ? <span className="tag">sandbox</span> : null}
            </span>
          </p>
        ) : account ? (
          <button type="button" className="link-button" onClick={() => go({ name: 'settings' })}>
            Connect your SmugMug account
          </button>
        ) : null}
      </div>
    </nav>
  );
}

function CurrentView({ view }: { view: View }) {
  switch (view.name) {
    case 'overview':
      return <Overview />;
    case 'folders':
      return <Folders />;
    case 'folder':
      return <FolderDetail key={view.folderId} folderId={view.folderId} />;
    case 'failures':
      return <Failures />;
    case 'activity':
      return <Activity />;
    case 'add':
      return <AddFolder />;
    case 'settings':
      return <Settings />;
  }
}

export function App() {
  const [view, setView] = useState<View>({ name: 'overview' });
  // A notification clicked in the desktop app opens the view it is about.
  useEffect(() => desktopBridge()?.onNavigate((name) => setView({ name } as View)), []);
  const status = useConnectionStatus();
  const hasSnapshot = useSnapshot(() => true, false);
  if (status.kind === 'unauthorized') return <NotAuthorized />;
  return (
    <NavigationContext value={setView}>
      <div className="app">
        <Sidebar view={view} go={setView} />
        <main className="main">
          <ConnectionBanner />
          {hasSnapshot ? (
            <div className="view">
              <CurrentView view={view} />
            </div>
          ) : (
            <div className="loading" role="status">
              Connecting to Safelight…
            </div>
          )}
        </main>
      </div>
    </NavigationContext>
  );
}

export function NotAuthorized() {
  return (
    <main className="gate">
      <div className="gate-card" role="alert">
        <span className="gate-icon">
          <Icon name="alert" size={28} />
        </span>
        <h1>This page is not authorized</h1>
        <p>
          Safelight only opens its window for the address it printed when it started, which carries a secret
          key. Copy that whole address from the output of <code>safelight serve</code>, including the part
          after <code>#</code>, and open it again.
        </p>
      </div>
    </main>
  );
}
