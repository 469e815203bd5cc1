// Starts the UI: one connection to the engine, its snapshots into the store, React on the page.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, NotAuthorized } from './App.tsx';
import { type Connection, createConnection } from './connection.ts';
import { snapshotStore } from './snapshot.ts';
import { ConnectionContext } from './use-connection.ts';
import './styles.css';

function wire(connection: Connection): void {
  connection.on('snapshot', (snapshot) => snapshotStore.set(snapshot));
  // The engine sends a snapshot to every new connection; asking as well covers an engine that
  // has nothing to report yet.
  connection.subscribeStatus(() => {
    if (connection.getStatus().kind !== 'open') return;
    void connection.request('snapshot', {}).then(
      (snapshot) => snapshotStore.set(snapshot),
      () => undefined,
    );
  });
  connection.start();
}

const root = createRoot(document.getElementById('root') as HTMLElement);
const connection = createConnection();
if (connection) {
  wire(connection);
  root.render(
    <StrictMode>
      <ConnectionContext value={connection}>
        <App />
      </ConnectionContext>
    </StrictMode>,
  );
} else {
  root.render(<NotAuthorized />);
}
