// The protocol on both transports: requests are validated before a handler sees them, replies
// find their request, failures carry the engine's words, and events are coalesced.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { ProtocolClient } from '../../src/protocol/client.ts';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import {
  CommandError,
  type Handlers,
  mergeChanged,
  Publisher,
  serveProtocol,
} from '../../src/protocol/server.ts';
import { messagePortTransport, type Transport, webSocketTransport } from '../../src/protocol/transport.ts';

const SNAPSHOT: SnapshotData = {
  overview: { state: 'empty', headline: 'No folders connected yet', detail: null },
  progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
  uploads: [],
  pause: { paused: false, until: null, reason: null },
  account: { state: 'signed-out', nickname: null, apiBaseUrl: null, sandbox: false, problem: null },
  folders: [],
  failures: 0,
  desktop: false,
};

/** Handlers that record what reached them; the commands a test does not use throw. */
function recordingHandlers(seen: unknown[]): Handlers {
  const unused = () => {
    throw new Error('not used by this test');
  };
  return {
    snapshot: () => SNAPSHOT,
    pause: (params) => {
      seen.push(params);
      return null;
    },
    resume: unused,
    syncNow: unused,
    previewFolder: unused,
    addFolder: () => {
      throw new CommandError('/photos is already connected');
    },
    removeFolder: unused,
    listFiles: (params) => {
      seen.push(params);
      return { total: 0, files: [] };
    },
    folderMapping: unused,
    listFailures: unused,
    retry: (params) => ({ retried: params.fileIds.length }),
    retryAll: unused,
    ignore: unused,
    recentActivity: unused,
    thumbnail: unused,
    getSettings: unused,
    setSettings: unused,
    loginStart: unused,
    loginFinish: unused,
    logout: unused,
    setConditions: unused,
  };
}

function portPair(): { engine: Transport; ui: Transport; close: () => void } {
  const channel = new MessageChannel();
  return {
    engine: messagePortTransport(channel.port1),
    ui: messagePortTransport(channel.port2),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

async function socketPair(): Promise<{
  engine: Transport;
  ui: Transport;
  raw: WebSocket;
  close: () => void;
}> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const raw = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise<void>((resolve, reject) => {
    raw.once('open', () => resolve());
    raw.once('error', reject);
  });
  const engineSide = await accepted;
  return {
    engine: webSocketTransport(engineSide),
    ui: webSocketTransport(raw),
    raw,
    close: () => {
      raw.close();
      engineSide.terminate();
      server.close();
    },
  };
}

for (const kind of ['MessagePort', 'WebSocket'] as const) {
  describe(`protocol over ${kind}`, () => {
    const pair = () => (kind === 'MessagePort' ? Promise.resolve(portPair()) : socketPair());

    test('a valid request reaches its handler with defaults applied, and the reply finds it', async () => {
      const p = await pair();
      const seen: unknown[] = [];
      serveProtocol(p.engine, recordingHandlers(seen));
      const client = new ProtocolClient(p.ui);
      const [files, snapshot, retried] = await Promise.all([
        client.request('listFiles', { folderId: 3, offset: 0, limit: 50 }),
        client.request('snapshot', {}),
        client.request('retry', { fileIds: [4, 5, 6] }),
      ]);
      assert.deepEqual(files, { total: 0, files: [] });
      assert.deepEqual(snapshot, SNAPSHOT);
      assert.deepEqual(retried, { retried: 3 });
      assert.deepEqual(seen, [{ folderId: 3, offset: 0, limit: 50, filter: 'all' }]);
      p.close();
    });

    test('bad params are refused with the field and the reason, and never reach the handler', async () => {
      const p = await pair();
      const seen: unknown[] = [];
      serveProtocol(p.engine, recordingHandlers(seen));
      const client = new ProtocolClient(p.ui);
      const bad = client.request('pause', { minutes: -5 });
      await assert.rejects(bad, (e: ProtocolError) => {
        assert.equal(e.code, 'bad-request');
        assert.match(e.message, /^pause: params\.minutes: /);
        return true;
      });
      await assert.rejects(
        client.request('listFiles', { folderId: 1, offset: 0, limit: 100_000 }),
        /listFiles: params\.limit/,
      );
      await assert.rejects(
        client.request('unknown' as 'snapshot', {}),
        (e: ProtocolError) => e.code === 'unknown-command' && /unknown command "unknown"/.test(e.message),
      );
      assert.deepEqual(seen, []);
      p.close();
    });

    test("a handler's refusal reaches the UI in its own words", async () => {
      const p = await pair();
      serveProtocol(p.engine, recordingHandlers([]));
      const client = new ProtocolClient(p.ui);
      await assert.rejects(
        client.request('addFolder', { path: '/photos', mode: 'mirror', privacy: 'Private', target: '' }),
        (e: ProtocolError) => e.code === 'failed' && e.message === '/photos is already connected',
      );
      p.close();
    });

    test('events reach every subscriber of their kind only', async () => {
      const p = await pair();
      const client = new ProtocolClient(p.ui);
      const snapshots: unknown[] = [];
      const changes: unknown[] = [];
      client.on('snapshot', (s) => snapshots.push(s));
      client.on('changed', (c) => changes.push(c));
      const publisher = new Publisher(0);
      publisher.add(p.engine);
      publisher.sendTo(p.engine, 'snapshot', SNAPSHOT);
      publisher.publish('changed', { topics: ['files'], folderIds: [2] });
      for (let i = 0; i < 100 && changes.length === 0; i++) await sleep(10);
      assert.deepEqual(snapshots, [SNAPSHOT]);
      assert.deepEqual(changes, [{ topics: ['files'], folderIds: [2] }]);
      publisher.close();
      p.close();
    });
  });
}

test('a WebSocket message that is not JSON or not an envelope gets a bad-request reply', async () => {
  const p = await socketPair();
  serveProtocol(p.engine, recordingHandlers([]));
  const replies: unknown[] = [];
  p.raw.on('message', (data) => replies.push(JSON.parse(String(data))));
  p.raw.send('{not json');
  p.raw.send(JSON.stringify({ kind: 'request', id: 7, command: 42 }));
  for (let i = 0; i < 100 && replies.length < 2; i++) await sleep(10);
  assert.deepEqual(replies, [
    {
      kind: 'reply',
      id: 0,
      ok: false,
      error: { code: 'bad-request', message: 'message is not valid JSON' },
    },
    {
      kind: 'reply',
      id: 7,
      ok: false,
      error: {
        code: 'bad-request',
        message: 'message.command: Invalid type: Expected string but received 42',
      },
    },
  ]);
  p.close();
});

test('requests still waiting when the connection closes fail as disconnected', async () => {
  const p = await socketPair();
  const client = new ProtocolClient(p.ui);
  const waiting = client.request('snapshot', {});
  p.close();
  await assert.rejects(waiting, (e: ProtocolError) => e.code === 'disconnected');
  await assert.rejects(client.request('snapshot', {}), (e: ProtocolError) => e.code === 'disconnected');
});

test('the publisher sends at most one event of a kind per interval, the latest or the merged one', async () => {
  const p = portPair();
  const client = new ProtocolClient(p.ui);
  const received: { at: number; data: unknown }[] = [];
  client.on('changed', (data) => received.push({ at: Date.now(), data }));
  const publisher = new Publisher(100);
  publisher.add(p.engine);
  // A burst as a big import makes it: 2,000 changes in about a third of a second.
  const started = Date.now();
  for (let i = 0; i < 2000; i++) {
    publisher.publish(
      'changed',
      { topics: i % 2 ? ['files'] : ['activity'], folderIds: [1 + (i % 3)] },
      mergeChanged,
    );
    if (i % 200 === 0) await sleep(30);
  }
  const burstMs = Date.now() - started;
  await sleep(250);
  assert.ok(received.length >= 2, `expected a few events, got ${received.length}`);
  assert.ok(
    received.length <= Math.ceil(burstMs / 100) + 2,
    `${received.length} events in ${burstMs} ms is more than one per 100 ms`,
  );
  for (let i = 1; i < received.length; i++) {
    const gap = (received[i]?.at ?? 0) - (received[i - 1]?.at ?? 0);
    assert.ok(gap >= 90, `events ${i - 1} and ${i} only ${gap} ms apart`);
  }
  const last = received.at(-1)?.data as { topics: string[]; folderIds: number[] };
  assert.deepEqual(new Set(last.topics), new Set(['files', 'activity']));
  assert.deepEqual(new Set(last.folderIds), new Set([1, 2, 3]));
  publisher.close();
  p.close();
});

test('a closed transport stops receiving published events', async () => {
  const a = portPair();
  const b = portPair();
  const publisher = new Publisher(0);
  publisher.add(a.engine);
  publisher.add(b.engine);
  assert.equal(publisher.size, 2);
  a.engine.close();
  assert.equal(publisher.size, 1);
  publisher.close();
  a.close();
  b.close();
});
