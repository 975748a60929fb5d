/**
 * The `behaviour` suite: the SDK under a server crash. Real SDK clients (full crypto) chat in
 * one group while a crowd of raw-protocol sockets stays connected; the server is killed with
 * SIGKILL, the SDK clients write more messages while it is down (their outboxes hold them),
 * and it restarts on the same port. Measured:
 *
 * - the reconnect storm: every socket (crowd and SDK) reconnects by itself with exponential
 *   backoff and full jitter (the SDK's policy); seconds until all are back, and the rate;
 * - gap-fill: seconds until every SDK client shows every message exactly once, in `seq` order
 *   (messages flushed from outboxes while others were still reconnecting reach those only
 *   through `sync`), and how many are missing or shown twice.
 */
import { rm } from 'node:fs/promises';
import { ChatClient, MemoryStore } from '@parley/sdk';
import type { Conversation } from '@parley/sdk';
import { loadServerOptions, registerUsers } from './parley-setup.js';
import { connectRaw, SOURCE_ADDRESSES } from './raw-client.js';
import { pinSelf, round, sleep, startBenchServer } from './util.js';

const KDF = { m: 19_456, t: 2, p: 1 } as const;
/** Reconnect policy of every socket: the SDK's default base, a 5 s ceiling (2 s quick). */
let BACKOFF = { baseMs: 500, maxMs: 5000 };

/** The SDK's reconnect delay: full jitter under an exponential ceiling. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** attempt);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** A crowd socket that reconnects by itself, like an SDK client would. */
function crowdSocket(getUrl: () => string, token: string, source: string) {
  const state = { online: false, stopped: false, reconnects: 0 };
  const open = async (attempt: number): Promise<void> => {
    if (state.stopped) return;
    try {
      const client = await connectRaw({
        url: getUrl(),
        auth: { token },
        localAddress: source,
        timeoutMs: 10_000,
        onClose: () => {
          state.online = false;
          if (!state.stopped) setTimeout(() => void open(0), backoff(0));
        },
      });
      if (state.stopped) client.close();
      else {
        state.online = true;
        if (attempt > 0 || state.reconnects > 0) state.reconnects++;
        stop.close = () => client.close();
      }
    } catch {
      setTimeout(() => void open(attempt + 1), backoff(attempt + 1));
    }
  };
  const stop = { close: () => undefined as void };
  return {
    state,
    start: () => open(0),
    stop: () => {
      state.stopped = true;
      stop.close();
    },
  };
}

function seen(conv: Conversation): { sent: number; duplicates: number; ordered: boolean } {
  const stored = conv.messages.filter((m) => m.seq !== null && m.status === 'sent');
  const ids = new Set(stored.map((m) => m.id));
  const ordered = stored.every((m, i) => i === 0 || m.seq! > stored[i - 1]!.seq!);
  return { sent: ids.size, duplicates: stored.length - ids.size, ordered };
}

/** Runs the crash, storm and gap-fill scenario; returns the `behaviour` figures. */
export async function runBehaviourBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  opts.log(pinSelf());
  const sdkCount = opts.quick ? 2 : 6;
  const crowd = opts.quick ? 100 : 2000;
  BACKOFF = { baseMs: opts.quick ? 250 : 500, maxMs: opts.quick ? 2000 : 5000 };
  const perPhase = 5;
  const dataDir = `/tmp/parley-bench-behaviour-${process.pid}`;
  let server = await startBenchServer(loadServerOptions(dataDir));
  const port = Number(new URL(server.url).port);
  const clients: ChatClient[] = [];
  const sockets: Array<ReturnType<typeof crowdSocket>> = [];
  try {
    for (let i = 0; i < sdkCount; i++) {
      const client = new ChatClient({
        serverUrl: server.url,
        storage: new MemoryStore(),
        kdf: KDF,
        persistSession: false,
        reconnect: BACKOFF,
      });
      await client.register({ username: `storm${i}x${Date.now().toString(36)}`, password: 'pw' });
      clients.push(client);
    }
    const [owner, ...others] = clients as [ChatClient, ...ChatClient[]];
    const group = await owner.conversations.create({
      title: 'storm',
      members: others.map((c) => c.me!.id),
    });
    const views = await Promise.all(clients.map((c) => c.conversations.get(group.id)));
    const crowdUsers = await registerUsers(server.url, Math.ceil(crowd / 10));
    for (let i = 0; i < crowd; i++) {
      const s = crowdSocket(
        () => server.url,
        crowdUsers[i % crowdUsers.length]!.token,
        SOURCE_ADDRESSES[i % SOURCE_ADDRESSES.length]!,
      );
      sockets.push(s);
      void s.start();
    }
    const online = () =>
      sockets.filter((s) => s.state.online).length +
      clients.filter((c) => c.connection === 'online').length;
    await until(() => online() === crowd + sdkCount, 60_000);
    opts.log(`${sdkCount} SDK clients in one group, ${crowd} crowd sockets online`);

    const sendAll = (phase: number) =>
      views.map((v, i) =>
        Array.from({ length: perPhase }, (_, k) => v.send(`p${phase} c${i} m${k}`)),
      );
    await Promise.all(sendAll(0).flat());
    const total = sdkCount * perPhase * 2;
    await until(() => views.every((v) => seen(v).sent === sdkCount * perPhase), 30_000);

    await server.kill();
    const whileDown = sendAll(1).flat();
    await sleep(500);
    server = await startBenchServer({ ...loadServerOptions(dataDir), port });
    const restarted = performance.now();
    const allBack = await until(() => online() === crowd + sdkCount, 120_000);
    const stormSeconds = (performance.now() - restarted) / 1000;
    const filled = await until(() => views.every((v) => seen(v).sent === total), 120_000);
    const gapFillSeconds = (performance.now() - restarted) / 1000;
    await Promise.allSettled(whileDown);
    const views1 = views.map(seen);
    opts.log(
      `storm: ${crowd + sdkCount} sockets back in ${round(stormSeconds)} s${allBack ? '' : ' (not all)'}; every view complete after ${round(gapFillSeconds)} s${filled ? '' : ' (timed out)'}`,
    );
    return {
      sdkClients: sdkCount,
      stormSockets: crowd + sdkCount,
      stormReconnectSeconds: round(stormSeconds),
      stormAllBack: allBack ? 1 : 0,
      gapFillSeconds: round(gapFillSeconds),
      messages: total,
      messagesMissing: views1.reduce((sum, v) => sum + (total - v.sent), 0),
      messagesShownTwice: views1.reduce((sum, v) => sum + v.duplicates, 0),
      viewsOutOfOrder: views1.filter((v) => !v.ordered).length,
    };
  } finally {
    for (const s of sockets) s.stop();
    for (const c of clients) c.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
