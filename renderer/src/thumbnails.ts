// Thumbnails for the rows a person can see: asked for while a row is on screen, a few at a time
// so a fast scroll does not queue hundreds of image decodes in the engine, and kept once made.
import { useEffect, useState } from 'react';
import type { Connection } from './connection.ts';

const MAX_IN_FLIGHT = 4;
const CACHE_LIMIT = 500;

interface Job {
  fileId: number;
  connection: Connection;
  started: boolean;
  /** Left the screen before its turn came. */
  cancelled: boolean;
  done: (dataUrl: string | null) => void;
}

const cache = new Map<number, string | null>();
const queue: Job[] = [];
let inFlight = 0;

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const job = queue.shift() as Job;
    if (job.cancelled) continue;
    job.started = true;
    inFlight += 1;
    void job.connection
      .request('thumbnail', { fileId: job.fileId })
      .then(
        (r) => r.dataUrl,
        () => null,
      )
      .then((dataUrl) => {
        if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as number);
        cache.set(job.fileId, dataUrl);
        job.done(dataUrl);
      })
      .finally(() => {
        inFlight -= 1;
        pump();
      });
  }
}

/** The thumbnail of `fileId` once `element` is on screen; undefined until it arrives. */
export function useThumbnail(
  connection: Connection,
  fileId: number,
  element: HTMLElement | null,
): string | null | undefined {
  const [dataUrl, setDataUrl] = useState<string | null | undefined>(() => cache.get(fileId));
  useEffect(() => {
    if (!element || cache.has(fileId)) return;
    let job: Job | null = null;
    let unmounted = false;
    const observer = new IntersectionObserver((entries) => {
      const visible = entries.some((e) => e.isIntersecting);
      if (visible && !job) {
        job = {
          fileId,
          connection,
          started: false,
          cancelled: false,
          done: (url) => {
            observer.disconnect();
            if (!unmounted) setDataUrl(url);
          },
        };
        queue.push(job);
        pump();
      } else if (!visible && job && !job.started) {
        job.cancelled = true;
        job = null;
      }
    });
    observer.observe(element);
    return () => {
      unmounted = true;
      if (job && !job.started) job.cancelled = true;
      observer.disconnect();
    };
  }, [connection, fileId, element]);
  return dataUrl;
}
