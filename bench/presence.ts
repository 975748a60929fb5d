/**
 * The `presence` suite (issue 5): what presence fan-out costs the server. 1,000 users (one
 * socket each) in 100 groups, each user in 5 random groups (about 50 members per group, about
 * 200 distinct contacts per user), on one server process pinned to its own core.
 *
 * 1. Everyone comes online: all sockets connect (100 handshakes in flight); each first
 *    connection announces `online` to the user's conversations. Reported: wall time until the
 *    last presence push arrived, server CPU seconds, pushes delivered, CPU per push.
 * 2. One change: one user toggles away/online; per change, the pushes delivered, the time until
 *    the last contact had it, and server CPU.
 * 3. Everyone goes away at once: every socket sends `presence:set away`.
 *
 * A push is one `presence` frame received by one socket; Socket.io sends one per socket even
 * when several shared rooms hold it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGroup, loadServerOptions, registerUsers } from './parley-setup.js';
import type { BenchUser } from './parley-setup.js';
import { between } from './process-stats.js';
import { connectMany } from './raw-client.js';
import type { RawClient } from './raw-client.js';
import { median, percentile, pinSelf, round, sleep, startBenchServer } from './util.js';

interface Plan {
  users: number;
  groups: number;
  groupsPerUser: number;
  toggles: number;
}

const FULL: Plan = { users: 1000, groups: 100, groupsPerUser: 5, toggles: 40 };
const QUICK: Plan = { users: 100, groups: 10, groupsPerUser: 3, toggles: 5 };
const UNLIMITED = { points: 10_000_000, durationSec: 60 };

/** A small deterministic generator, so every run builds the same groups. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function assign(plan: Plan): number[][] {
  const random = rng(5);
  const members: number[][] = Array.from({ length: plan.groups }, () => []);
  for (let u = 0; u < plan.users; u++) {
    const chosen = new Set<number>();
    while (chosen.size < plan.groupsPerUser) chosen.add(Math.floor(random() * plan.groups));
    for (const g of chosen) members[g]!.push(u);
  }
  return members.filter((m) => m.length >= 2);
}

/** Waits until `count()` stops changing for `quietMs` (or `maxMs` passed). */
async function settle(count: () => number, quietMs = 300, maxMs = 60_000): Promise<void> {
  const started = Date.now();
  let last = -1;
  let since = Date.now();
  while (Date.now() - started < maxMs) {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await sleep(20);
  }
}

export async function runPresenceBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, unknown>> {
  const plan = opts.quick ? QUICK : FULL;
  opts.log(pinSelf());
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-presence-'));
  const server = await startBenchServer(
    loadServerOptions(dataDir, {
      realtime: {
        send: UNLIMITED,
        sync: UNLIMITED,
        extras: UNLIMITED,
        maxConnections: 19_000,
        maxConnectionsPerUser: 64,
        drainMs: 0,
      },
    }),
  );
  try {
    opts.log(`registering ${plan.users} users`);
    const users = await registerUsers(server.url, plan.users);
    const groups = assign(plan);
    opts.log(`creating ${groups.length} groups`);
    for (const g of groups)
      await createGroup(
        server.url,
        g.map((u) => users[u] as BenchUser),
      );
    const contacts = users.map(() => new Set<number>());
    for (const g of groups) for (const a of g) for (const b of g) if (a !== b) contacts[a]!.add(b);
    const meanContacts = contacts.reduce((n, c) => n + c.size, 0) / plan.users;

    let pushes = 0;
    const lastPushAt: number[] = [];
    const received = new Array<number>(plan.users).fill(0);
    const onEvent = (i: number) => (frame: string) => {
      if (!frame.startsWith('42["presence"')) return;
      pushes++;
      received[i]!++;
      lastPushAt[0] = performance.now();
    };

    // 1. Everyone comes online.
    const before = await server.stats(true);
    const t0 = performance.now();
    const { clients } = await connectMany(plan.users, 100, (i) => ({
      url: server.url,
      auth: { token: users[i]!.token },
      onEvent: onEvent(i),
    }));
    await settle(() => pushes);
    const allOnlineMs = (lastPushAt[0] ?? performance.now()) - t0;
    const afterOnline = await server.stats();
    const onlinePushes = pushes;
    const onlineCpu = afterOnline.cpuSec - before.cpuSec;
    opts.log(`all online: ${onlinePushes} pushes in ${round(allOnlineMs)} ms`);

    // 2. One user's changes, one at a time.
    const who = 0;
    const perChange: number[] = [];
    const latencies: number[] = [];
    const s0 = await server.stats();
    for (let k = 0; k < plan.toggles; k++) {
      const start = pushes;
      const sent = performance.now();
      await emit(clients[who]!, 'presence:set', { state: k % 2 === 0 ? 'away' : 'online' });
      const expected = contacts[who]!.size;
      const deadline = Date.now() + 10_000;
      while (pushes - start < expected && Date.now() < deadline) await sleep(1);
      latencies.push(performance.now() - sent);
      perChange.push(pushes - start);
    }
    const s1 = await server.stats();
    const changeCpuMs = ((s1.cpuSec - s0.cpuSec) * 1000) / plan.toggles;

    // 3. Everyone goes away at once.
    const awayStart = pushes;
    const a0 = await server.stats();
    const ta = performance.now();
    await Promise.all(clients.map((c) => emit(c, 'presence:set', { state: 'away' })));
    await settle(() => pushes);
    const allAwayMs = (lastPushAt[0] ?? performance.now()) - ta;
    const a1 = await server.stats();
    const awayPushes = pushes - awayStart;

    for (const c of clients) c.close();
    return {
      users: plan.users,
      groups: groups.length,
      meanGroupSize: round(groups.reduce((n, g) => n + g.length, 0) / groups.length),
      meanContacts: round(meanContacts),
      allOnline: {
        ms: round(allOnlineMs),
        pushes: onlinePushes,
        serverCpuSec: round(onlineCpu),
        cpuUsPerPush: round((onlineCpu * 1e6) / Math.max(1, onlinePushes)),
      },
      oneChange: {
        pushesPerChange: median(perChange),
        p50Ms: round(median(latencies)),
        p99Ms: round(percentile(latencies, 99)),
        serverCpuMs: round(changeCpuMs),
      },
      allAway: {
        ms: round(allAwayMs),
        pushes: awayPushes,
        serverCpuSec: round(a1.cpuSec - a0.cpuSec),
        serverCpuShare: round(between(a0, a1).cpu),
        cpuUsPerPush: round(((a1.cpuSec - a0.cpuSec) * 1e6) / Math.max(1, awayPushes)),
      },
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function emit(client: RawClient, event: string, payload: object): Promise<void> {
  return new Promise((resolve) => {
    if (!client.emitJson(event, JSON.stringify(payload), () => resolve())) resolve();
  });
}
