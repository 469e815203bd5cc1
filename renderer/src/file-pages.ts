// A connected folder's files, fetched page by page as they scroll into view: a 100k-file folder
// never travels whole. When the engine says the folder's files changed, the pages on screen are
// fetched again (at most every REFRESH_MS); pages off screen are dropped and fetched on return.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { FILE_FILTERS, FileInfoData } from '../../src/protocol/schema.ts';
import { concerns, errorText } from './query.ts';
import { useConnection, useGeneration } from './use-connection.ts';

export type FileFilter = (typeof FILE_FILTERS)[number];

export const PAGE_SIZE = 200;
const REFRESH_MS = 500;

export interface FilePages {
  total: number | null;
  error: string | null;
  row(index: number): FileInfoData | undefined;
  /** The rows from `first` to `last` are on screen: fetch what is missing or out of date. */
  show(first: number, last: number): void;
}

export function useFilePages(folderId: number, filter: FileFilter): FilePages {
  const connection = useConnection();
  const generation = useGeneration();
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, rendered] = useReducer((n: number) => n + 1, 0);
  const pages = useRef(new Map<number, FileInfoData[]>());
  const loading = useRef(new Set<number>());
  const stale = useRef(new Set<number>());
  const onScreen = useRef<[number, number]>([0, 0]);
  // Replies to requests made for another folder, filter or connection are thrown away.
  const epoch = useRef(0);

  const load = useCallback(
    (page: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      const mine = epoch.current;
      void connection
        .request('listFiles', { folderId, offset: page * PAGE_SIZE, limit: PAGE_SIZE, filter })
        .then(
          (result) => {
            if (mine !== epoch.current) return;
            pages.current.set(page, result.files);
            stale.current.delete(page);
            setTotal(result.total);
            setError(null);
            rendered();
          },
          (e: unknown) => {
            if (mine === epoch.current) setError(errorText(e));
          },
        )
        .finally(() => {
          if (mine === epoch.current) loading.current.delete(page);
        });
    },
    [connection, folderId, filter],
  );

  const show = useCallback(
    (first: number, last: number) => {
      onScreen.current = [first, last];
      const from = Math.floor(first / PAGE_SIZE);
      const to = Math.floor(last / PAGE_SIZE);
      for (const page of pages.current.keys()) {
        if (page < from - 1 || page > to + 1) pages.current.delete(page);
      }
      for (let page = from; page <= to; page++) {
        if (!pages.current.has(page) || stale.current.has(page)) load(page);
      }
    },
    [load],
  );

  useEffect(() => {
    if (generation === 0) return;
    epoch.current += 1;
    pages.current.clear();
    loading.current.clear();
    stale.current.clear();
    setTotal(null);
    setError(null);
    load(0);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = connection.on('changed', (event) => {
      if (!concerns(event, ['files'], folderId)) return;
      for (const page of pages.current.keys()) stale.current.add(page);
      if (pages.current.size === 0) stale.current.add(0);
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        show(...onScreen.current);
      }, REFRESH_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [connection, generation, folderId, load, show]);

  const row = useCallback(
    (index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [],
  );
  return { total, error, row, show };
}
