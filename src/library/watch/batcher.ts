// Backends that hear of one path at a time gather them: a short window turns a burst (a copied
// folder) into one batch without delaying a lone change noticeably, the size cap keeps any one call
// small, and a path reported twice within a window is delivered once.
const BATCH_WINDOW_MS = 100;
const MAX_BATCH = 5000;

export interface Batcher {
  add(relPath: string): void;
  cancel(): void;
}

export function createBatcher(flush: (relPaths: string[]) => void): Batcher {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const deliver = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = [...pending];
    pending = new Set();
    if (batch.length > 0) flush(batch);
  };
  return {
    add(relPath) {
      pending.add(relPath);
      if (pending.size >= MAX_BATCH) deliver();
      // Not pushed back by later events, so a steady stream still delivers every window.
      else timer ??= setTimeout(deliver, BATCH_WINDOW_MS);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
