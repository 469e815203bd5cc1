// The Connection as React sees it: from context, with its status as state.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Connection, ConnectionStatus } from './connection.ts';

export const ConnectionContext = createContext<Connection | null>(null);

export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection outside ConnectionContext');
  return connection;
}

export function useConnectionStatus(): ConnectionStatus {
  const connection = useConnection();
  return useSyncExternalStore(connection.subscribeStatus, connection.getStatus);
}

/** Increases with every successful (re)connection; 0 while not connected. */
export function useGeneration(): number {
  const status = useConnectionStatus();
  return status.kind === 'open' ? status.generation : 0;
}
