// The latest Snapshot from the engine, and a hook that re-renders a component only when the part
// it selects has changed: a snapshot arrives a few times a second while uploading, and most of
// the page does not change with it.
import { useRef, useSyncExternalStore } from 'react';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import { deepEqual } from './equal.ts';

let current: SnapshotData | null = null;
const listeners = new Set<() => void>();

export const snapshotStore = {
  get: (): SnapshotData | null => current,
  set(next: SnapshotData): void {
    current = next;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSnapshot<T>(select: (s: SnapshotData) => T, fallback: T): T {
  const cache = useRef<{ value: T } | null>(null);
  const read = (): T => {
    const value = current ? select(current) : fallback;
    const last = cache.current;
    if (last && deepEqual(last.value, value)) return last.value;
    cache.current = { value };
    return value;
  };
  return useSyncExternalStore(snapshotStore.subscribe, read);
}
