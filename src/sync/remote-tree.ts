// The SmugMug side of one connected folder: finds or makes the folders and galleries the plan
// asks for. A node is looked up in the store first, then among its remote parent's children
// by Name (so a lost database or a second machine reuses what is there), and made only when
// neither has it. Every mapping is saved the moment it is known.

import type { PlannedNode } from '../plan/mirror.ts';
import { overflowName } from '../plan/overflow.ts';
import { urlNameFor } from '../plan/url-name.ts';

/** What the tree needs to know of a planned folder or gallery, whichever mode planned it. */
export type TreeNode = Pick<PlannedNode, 'key' | 'parentKey' | 'type' | 'name' | 'urlName' | 'privacy'>;

import type { SmugMugClient } from '../smugmug/client.ts';
import { type Privacy, type RemoteNode, SmugMugError } from '../smugmug/types.ts';
import type { FolderRow, NodeRow, Store } from '../store/store.ts';

export const TARGET_KEY = 'T:';

type Api = Pick<SmugMugClient, 'authUser' | 'children' | 'createNode' | 'renameNode'>;

/** 'D:a/b//3' → { base: 'D:a/b', index: 3 } (see overflowKey) */
export function splitOverflow(key: string): { base: string; index: number } {
  const m = /^(.*)\/\/(\d+)$/.exec(key);
  return m ? { base: m[1] as string, index: Number(m[2]) } : { base: key, index: 1 };
}

function targetSegments(target: string): string[] {
  return target
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export class RemoteTree {
  private readonly client: Api;
  private readonly store: Store;
  private readonly folder: FolderRow;
  private planned = new Map<string, TreeNode>();
  private nodes: Map<string, NodeRow>;
  private readonly ensuring = new Map<string, Promise<NodeRow>>();
  private readonly childrenOf = new Map<string, Promise<RemoteNode[]>>();
  /** Keys of nodes that existed before this run (found in the store or on SmugMug). */
  readonly preexisting = new Set<string>();
  created = 0;

  constructor(client: Api, store: Store, folder: FolderRow) {
    this.client = client;
    this.store = store;
    this.folder = folder;
    this.nodes = store.nodesOf(folder.id);
    for (const key of this.nodes.keys()) this.preexisting.add(key);
  }

  /** SmugMug folder levels above the connected folder's own node. */
  get baseDepth(): number {
    return targetSegments(this.folder.target).length;
  }

  /** Reads the node mapping again after the store changed it (local folders renamed). */
  reload(): void {
    this.nodes = this.store.nodesOf(this.folder.id);
    for (const key of this.nodes.keys()) this.preexisting.add(key);
  }

  /**
   * After local folders were renamed (`dirs` are their new paths), gives their SmugMug folders
   * and galleries, and those below them, the names the plan has for them now. Only Name
   * changes: the UrlName stays, so links to them keep working. Returns how many were renamed.
   */
  async applyRenames(dirs: string[]): Promise<number> {
    let renamed = 0;
    for (const [key, node] of this.nodes) {
      const rel = key.slice(2);
      if (!dirs.some((d) => rel === d || rel.startsWith(`${d}/`))) continue;
      if (!this.planned.has(splitOverflow(key).base)) continue;
      const name = this.plannedNode(key).name;
      if (name === node.name) continue;
      const remote = await this.client.renameNode(node.node_uri, name);
      const albumUri = remote.albumUri ?? node.album_uri;
      this.save(key, albumUri ? { ...remote, albumUri } : remote);
      renamed++;
    }
    return renamed;
  }

  /** The folders and galleries to find or make: a mirror plan's, or a date plan's. */
  setPlan(plan: { nodes: readonly TreeNode[] }): void {
    this.planned = new Map(plan.nodes.map((n) => [n.key, n]));
  }

  private plannedNode(key: string): TreeNode {
    const { base, index } = splitOverflow(key);
    const node = this.planned.get(base);
    if (!node) throw new Error(`no planned node for ${key}`);
    if (index === 1) return node;
    return { ...node, key, name: overflowName(node.name, index), urlName: '' };
  }

  private children(parentUri: string): Promise<RemoteNode[]> {
    let list = this.childrenOf.get(parentUri);
    if (!list) {
      list = this.client.children(parentUri);
      this.childrenOf.set(parentUri, list);
      list.catch(() => this.childrenOf.delete(parentUri));
    }
    return list;
  }

  private save(key: string, remote: RemoteNode): NodeRow {
    const row: NodeRow = {
      folder_id: this.folder.id,
      key,
      node_uri: remote.uri,
      album_uri: remote.albumUri ?? null,
      type: remote.type,
      name: remote.name,
      url_name: remote.urlName,
    };
    this.store.saveNode(row);
    this.nodes.set(key, row);
    return row;
  }

  /** A child with this Name and type that no other local folder already stands for. */
  private async lookupByName(parentUri: string, name: string, type: 'Folder' | 'Album') {
    const list = await this.children(parentUri);
    const mapped = new Set([...this.nodes.values()].map((n) => n.node_uri));
    return list.find((c) => c.type === type && c.name === name && !mapped.has(c.uri));
  }

  nodeFor(key: string): NodeRow | undefined {
    return this.nodes.get(key);
  }

  /** The node for a key if it exists in the store or on SmugMug; never creates anything. */
  async find(key: string): Promise<NodeRow | undefined> {
    const known = this.nodes.get(key);
    if (known) return known;
    if (key === TARGET_KEY) return this.ensure(key);
    const planned = this.plannedNode(key);
    const parent = await this.find(planned.parentKey ?? TARGET_KEY);
    if (!parent) return undefined;
    const found = await this.lookupByName(parent.node_uri, planned.name, planned.type);
    if (!found) return undefined;
    this.preexisting.add(key);
    return this.save(key, found);
  }

  /** The node for a key, made on SmugMug when it does not exist. Concurrent calls share one. */
  ensure(key: string): Promise<NodeRow> {
    const known = this.nodes.get(key);
    if (known) return Promise.resolve(known);
    let pending = this.ensuring.get(key);
    if (!pending) {
      pending = key === TARGET_KEY ? this.ensureTarget() : this.ensurePlanned(key);
      this.ensuring.set(key, pending);
      pending.then(
        () => this.ensuring.delete(key),
        () => this.ensuring.delete(key),
      );
    }
    return pending;
  }

  /** Forget a node that turned out to be gone from SmugMug, so the next ensure makes it again. */
  forget(key: string): void {
    this.nodes.delete(key);
    this.store.dropNode(this.folder.id, key);
    this.preexisting.delete(key);
    this.childrenOf.clear();
  }

  private async ensureTarget(): Promise<NodeRow> {
    const user = await this.client.authUser();
    let uri = user.rootNodeUri;
    let remote: RemoteNode = { uri, nodeId: '', type: 'Folder', name: '', urlName: '' };
    for (const segment of targetSegments(this.folder.target)) {
      remote =
        (await this.lookupByName(uri, segment, 'Folder')) ??
        (await this.create(uri, { type: 'Folder', name: segment, privacy: this.folder.privacy as Privacy }));
      uri = remote.uri;
    }
    return this.save(TARGET_KEY, remote);
  }

  private async ensurePlanned(key: string): Promise<NodeRow> {
    const planned = this.plannedNode(key);
    const parentUri = (await this.ensure(planned.parentKey ?? TARGET_KEY)).node_uri;
    const existing = await this.lookupByName(parentUri, planned.name, planned.type);
    if (existing) {
      this.preexisting.add(key);
      return this.save(key, existing);
    }
    const made = await this.create(parentUri, planned, planned.urlName);
    this.created++;
    return this.save(key, made);
  }

  private async create(
    parentUri: string,
    spec: { type: 'Folder' | 'Album'; name: string; privacy: Privacy },
    preferred = '',
  ): Promise<RemoteNode> {
    const fallback = spec.type === 'Folder' ? 'Folder' : 'Gallery';
    for (let attempt = 0; ; attempt++) {
      const siblings = await this.children(parentUri);
      const taken = new Set(siblings.map((c) => c.urlName.toLowerCase()));
      const urlName =
        preferred && !taken.has(preferred.toLowerCase()) ? preferred : urlNameFor(spec.name, taken, fallback);
      try {
        const node = await this.client.createNode(parentUri, { ...spec, urlName });
        siblings.push(node);
        return node;
      } catch (e) {
        // Someone else took the UrlName between our listing and our create: list again.
        if (!(e instanceof SmugMugError && e.kind === 'conflict') || attempt >= 3) throw e;
        this.childrenOf.delete(parentUri);
      }
    }
  }
}
