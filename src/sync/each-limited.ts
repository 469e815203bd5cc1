// Work on files a few at a time: enough to keep a disk busy, few enough not to open hundreds of
// files at once. Stops taking new items once `signal` aborts; those already started finish.
export async function eachLimited<T>(
  items: readonly T[],
  parallel: number,
  signal: AbortSignal,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
