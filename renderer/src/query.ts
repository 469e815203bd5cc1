// Lists the UI fetches by command (files, failures, activity, settings): fetched when shown and
// after each reconnect, and fetched again when the engine says the topic changed — at most once
// per interval, and never two requests for the same list at once.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommandName, EventOf, ParamsOf, ResultOf } from '../../src/protocol/schema.ts';
import { useConnection, useGeneration } from './use-connection.ts';

export type Topic = EventOf<'changed'>['topics'][number];

const MIN_INTERVAL_MS = 400;

export interface Query<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a `changed` event concerns a list about `topics` (and, for files, `folderId`). */
export function concerns(event: EventOf<'changed'>, topics: readonly Topic[], folderId?: number): boolean {
  return event.topics.some(
    (t) =>
      topics.includes(t) &&
      (t !== 'files' ||
        folderId === undefined ||
        event.folderIds.length === 0 ||
        event.folderIds.includes(folderId)),
  );
}

export function useQuery<C extends CommandName>(
  command: C,
  params: ParamsOf<C> | null,
  topics: readonly Topic[],
  folderId?: number,
): Query<ResultOf<C>> {
  const connection = useConnection();
  const generation = useGeneration();
  const key = params === null ? null : JSON.stringify(params);
  const [state, setState] = useState<{ key: string | null; data?: ResultOf<C>; error: string | null }>({
    key: null,
    error: null,
  });
  const reloadRef = useRef<() => void>(() => undefined);
  const topicKey = topics.join(',');

  useEffect(() => {
    if (key === null || generation === 0) return;
    const parsed = JSON.parse(key) as ParamsOf<C>;
    let cancelled = false;
    let inFlight = false;
    let dirty = false;
    let lastAt = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fetchNow = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (inFlight) {
        dirty = true;
        return;
      }
      inFlight = true;
      void connection
        .request(command, parsed)
        .then(
          (data) => {
            if (!cancelled) setState({ key, data, error: null });
          },
          (error: unknown) => {
            if (!cancelled) setState((s) => ({ ...s, key, error: errorText(error) }));
          },
        )
        .finally(() => {
          inFlight = false;
          lastAt = Date.now();
          if (dirty) {
            dirty = false;
            schedule();
          }
        });
    };
    const schedule = () => {
      if (timer || cancelled) return;
      timer = setTimeout(fetchNow, Math.max(0, lastAt + MIN_INTERVAL_MS - Date.now()));
    };
    reloadRef.current = fetchNow;
    fetchNow();
    const off = connection.on('changed', (event) => {
      if (concerns(event, topicKey.split(',') as Topic[], folderId)) schedule();
    });
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      off();
    };
  }, [connection, command, key, generation, topicKey, folderId]);

  const reload = useCallback(() => reloadRef.current(), []);
  return {
    data: state.key === key ? state.data : undefined,
    error: state.key === key ? state.error : null,
    reload,
  };
}
