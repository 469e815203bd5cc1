// A window may preview or connect only a folder the person picked in the folder dialog or dropped
// on the window; main checks each one and grants it here before the window can use it. Anything
// else a window names (a compromised page asking for ~/.ssh, say) is refused before the engine
// sees it.
import type { Transport } from '../src/protocol/transport.ts';

/** The commands whose `path` names a local folder. */
const FOLDER_COMMANDS = new Set(['previewFolder', 'addFolder']);

export class GrantedFolders {
  private readonly granted = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  grant(path: string): void {
    this.granted.set(path, this.now() + this.ttlMs);
  }

  has(path: string): boolean {
    const until = this.granted.get(path);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.granted.delete(path);
    return false;
  }
}

/** The folder a request names, when it is one of the folder commands. */
function folderOf(message: unknown): { id: number; path: unknown } | null {
  const m = message as { kind?: unknown; id?: unknown; command?: unknown; params?: unknown } | null;
  if (m?.kind !== 'request' || typeof m.command !== 'string' || !FOLDER_COMMANDS.has(m.command)) return null;
  return {
    id: typeof m.id === 'number' ? m.id : 0,
    path: (m.params as { path?: unknown } | undefined)?.path,
  };
}

/** `transport` as the engine should see it from a window: folder commands only for granted folders. */
export function guardFolders(transport: Transport, granted: GrantedFolders): Transport {
  return {
    ...transport,
    onMessage: (handler) =>
      transport.onMessage((message) => {
        const folder = folderOf(message);
        if (folder && !(typeof folder.path === 'string' && granted.has(folder.path))) {
          transport.send({
            kind: 'reply',
            id: folder.id,
            ok: false,
            error: {
              code: 'failed',
              message: 'Choose the folder with Add folder, or drop it on the window, to connect it',
            },
          });
          return;
        }
        handler(message);
      }),
  };
}
