// Where each SmugMug folder and gallery can be seen on the web, and its privacy now: not kept in
// the store, so looked up on SmugMug the first time a mapping is shown and remembered after.
import type { SmugMugClient } from '../smugmug/client.ts';
import type { NodeRow } from '../store/store.ts';
import type { RemoteFacts } from './mapping.ts';

const LOOKUP_MS = 5000;
const AT_ONCE = 4;

export class RemoteFactsCache {
  private readonly facts = new Map<string, RemoteFacts>();

  /** Looks up the nodes not known yet, a few at a time, for a few seconds at most. */
  async lookup(
    client: SmugMugClient | undefined,
    nodes: NodeRow[],
  ): Promise<ReadonlyMap<string, RemoteFacts>> {
    const missing = nodes.filter((n) => !this.facts.has(n.node_uri));
    if (!client || missing.length === 0) return this.facts;
    let next = 0;
    const worker = async () => {
      for (let node = missing[next++]; node; node = missing[next++]) {
        try {
          const remote = await client.getNode(node.node_uri);
          this.facts.set(node.node_uri, {
            webUrl: remote.webUri ?? null,
            ...(remote.privacy ? { privacy: remote.privacy } : {}),
          });
        } catch {
          // Shown without its address; the next look tries again.
        }
      }
    };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(Array.from({ length: AT_ONCE }, worker)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, LOOKUP_MS);
      }),
    ]);
    clearTimeout(timer);
    return this.facts;
  }

  /** Another account: what was looked up belongs to the one before. */
  clear(): void {
    this.facts.clear();
  }
}
