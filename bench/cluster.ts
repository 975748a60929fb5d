/**
 * The `cluster` suite (issue 10, `--only=cluster`): Parley on PostgreSQL + Redis with 1, 2 and
 * 3 nodes (`--nodes=N` picks one count), driven by the `server` suite's open-loop generator
 * (bench/load-step.ts) with the members of each group spread over the nodes, so every message
 * crosses nodes through the Redis adapter. Reports, per node count, the highest step kept up
 * with (ack p99 ≤ 50 ms, everything delivered) or the best deliveries per second, with ack p99
 * and each node's CPU; then PostgreSQL's message insert throughput next to SQLite's, through
 * the same `Store.appendMessages` group commit the server uses.
 *
 * On this two-core machine the nodes, PostgreSQL and Redis share both cores with each other and
 * the generator (pinned to the first): more nodes cannot add CPU here, so the figures show the
 * cost of the cluster path, not the gain of separate hosts. Skipped, with the reason, when
 * DATABASE_URL or REDIS_URL is unset or unreachable.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPostgresStore } from '../packages/server/src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
import type { NewMessage } from '../packages/server/src/store/conversation-store.js';
import type { Store } from '../packages/server/src/store/store.js';
import { createSink, describeStep, keptUp, runStep } from './load-step.js';
import type { LoadGroup, StepResult } from './load-step.js';
import { createGroups, loadServerOptions, registerUsers } from './parley-setup.js';
import type { ProcessStats } from './process-stats.js';
import { between } from './process-stats.js';
import { connectMany } from './raw-client.js';
import type { RawClient } from './raw-client.js';
import { GROUP_SIZE } from './realtime.js';
import { SERVER_CORE, canPin, pinSelf, round, sleep, startBenchServer } from './util.js';
import type { BenchServer } from './util.js';

const ACK_P99_TARGET_MS = 50;

interface Plan {
  users: number;
  rates: number[];
  seconds: number;
  inserts: number;
}
const FULL: Plan = {
  users: 300,
  rates: [100, 250, 500, 1000, 1500, 2000],
  seconds: 5,
  inserts: 20_000,
};
const QUICK: Plan = { users: 30, rates: [200], seconds: 2, inserts: 1000 };

/** Why the suite cannot run here, or `undefined` when PostgreSQL and Redis answer. */
async function unavailable(): Promise<string | undefined> {
  const { DATABASE_URL: db, REDIS_URL: redis } = process.env;
  if (!db || !redis) return 'DATABASE_URL and REDIS_URL must be set';
  const client = new pg.Client({ connectionString: db, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    return `PostgreSQL unreachable: ${String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
  const r = new Redis(redis, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (error) {
    return `Redis unreachable: ${String(error)}`;
  } finally {
    r.disconnect();
  }
  return undefined;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
}

async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  r.on('error', () => undefined);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
}

/** One node count: start the nodes, spread the members, run the steps. */
async function runNodes(
  nodes: number,
  plan: Plan,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const databaseUrl = process.env.DATABASE_URL!;
  const redisUrl = process.env.REDIS_URL!;
  const schema = `parley_bench_${randomBytes(4).toString('hex')}`;
  const redisPrefix = `${schema}:`;
  const servers: BenchServer[] = [];
  const dataDirs: string[] = [];
  const clients: RawClient[] = [];
  try {
    for (let i = 0; i < nodes; i++) {
      const dataDir = `/tmp/parley-bench-cluster-${process.pid}-${i}`;
      dataDirs.push(dataDir);
      const shared = {
        databaseUrl,
        databaseSchema: schema,
        databasePoolSize: 8,
        redisUrl,
        redisPrefix,
      };
      // One at a time: the first applies the migrations.
      const server = await startBenchServer(loadServerOptions(dataDir, shared));
      // startBenchServer pins to the server core; the nodes of a cluster may use every core,
      // as separate hosts would (the generator stays on its own).
      if (canPin())
        spawnSync('taskset', ['-a', '-cp', `0-${SERVER_CORE}`, String(server.process.pid)]);
      servers.push(server);
    }
    const users = await registerUsers(servers[0]!.url, plan.users);
    const groups = await createGroups(servers[0]!.url, users, GROUP_SIZE);
    const sink = createSink();
    const members = groups.flatMap((g) => g.members);
    const conn = await connectMany(members.length, 50, (i) => ({
      url: servers[i % nodes]!.url,
      auth: { token: members[i]!.token },
      onEvent: (frame) => sink.deliver(frame),
    }));
    clients.push(...conn.clients);
    const load: LoadGroup[] = groups.map((g, gi) => ({
      id: g.id,
      epochId: g.epochId,
      senders: g.members.map((m, mi) => ({
        userId: m.id,
        client: conn.clients[gi * GROUP_SIZE + mi] as RawClient,
      })),
    }));
    const all = () => Promise.all(servers.map((s) => s.stats()));
    await runStep({
      groups: load,
      sink,
      rate: plan.rates[0]!,
      seconds: 1,
      stats: () => servers[0]!.stats(),
      drainMs: 5000,
    });
    const steps: Array<StepResult & { nodeCpu: number[] }> = [];
    for (const rate of plan.rates) {
      const before: ProcessStats[] = await all();
      const r = await runStep({
        groups: load,
        sink,
        rate,
        seconds: plan.seconds,
        stats: () => servers[0]!.stats(),
      });
      const after = await all();
      const nodeCpu = before.map((b, i) => round(between(b, after[i]!).cpu));
      log(`${nodes} node(s): ${describeStep('parley', r)}, node CPU ${nodeCpu.join(' / ')}`);
      steps.push({ ...r, nodeCpu });
      if (r.acceptedPerSec < 0.8 * rate || r.ackP99Ms > 3000) break;
      await sleep(500);
    }
    const best = [...steps].reverse().find((r) => keptUp(r, ACK_P99_TARGET_MS));
    const top = steps.reduce((a, b) => (b.deliveriesPerSec > a.deliveriesPerSec ? b : a));
    const headline = best ?? top;
    return {
      keptUpWithinTarget: best ? 1 : 0,
      offeredPerSec: headline.offeredPerSec,
      deliveriesPerSec: headline.deliveriesPerSec,
      ackP50Ms: headline.ackP50Ms,
      ackP99Ms: headline.ackP99Ms,
      e2eP99Ms: headline.e2eP99Ms,
      nodeCpu: headline.nodeCpu,
      maxDeliveriesPerSec: top.deliveriesPerSec,
    };
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
    await dropSchema(databaseUrl, schema).catch(() => undefined);
    await dropRedisKeys(redisUrl, redisPrefix).catch(() => undefined);
  }
}

/** A conversation ready for messages: two members and an epoch. */
async function prepare(
  store: Store,
  now: number,
): Promise<{ convId: string; sender: string; epochId: string }> {
  const id = () => randomBytes(16).toString('base64url');
  const rand = (n: number) => Uint8Array.from(randomBytes(n));
  const [alice, bob] = [id(), id()];
  const convId = id();
  const entry = (seq: number, userId: string, op: 'create' | 'add') => ({
    memberSeq: seq,
    sender: alice,
    data: JSON.stringify({ seq, op, target: userId }),
    sig: rand(64),
    change: { op, userId, identityKey: rand(32) },
  });
  await store.createConversation({
    id: convId,
    kind: 'group',
    title: null,
    directPair: null,
    createdBy: alice,
    now,
    entries: [entry(0, alice, 'create'), entry(1, bob, 'add')],
  });
  const epochId = id();
  await store.appendEpoch({
    convId,
    epochId,
    prevEpochId: null,
    expectedMemberSeq: 1,
    creator: alice,
    data: '{}',
    sig: rand(64),
    envelopes: [],
    now,
  });
  return { convId, sender: alice, epochId };
}

/**
 * Messages per second through `appendMessages`, in batches of `batch` (the group commit), from
 * `writers` concurrent writers, each into its own conversation.
 */
async function insertRate(
  store: Store,
  total: number,
  batch: number,
  writers: number,
): Promise<number> {
  const now = Date.now();
  const convs = await Promise.all(Array.from({ length: writers }, () => prepare(store, now)));
  const box = Uint8Array.from(randomBytes(284));
  const sig = Uint8Array.from(randomBytes(64));
  const perWriter = Math.floor(total / writers / batch);
  const started = performance.now();
  await Promise.all(
    convs.map(async (c) => {
      for (let b = 0; b < perWriter; b++) {
        const items: NewMessage[] = Array.from({ length: batch }, () => ({
          convId: c.convId,
          sender: c.sender,
          clientMsgId: randomBytes(12).toString('base64url'),
          msgId: randomBytes(16).toString('base64url'),
          epochId: c.epochId,
          data: '{"ctype":"text"}',
          box,
          sig,
          now,
          countsAsUnread: true,
        }));
        await store.appendMessages(items);
      }
    }),
  );
  return round((perWriter * batch * writers) / ((performance.now() - started) / 1000));
}

async function insertThroughput(
  plan: Plan,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const dir = `/tmp/parley-bench-insert-${process.pid}`;
  const sqlite = await createSqliteStore({ dataDir: dir });
  const schema = `parley_bench_${randomBytes(4).toString('hex')}`;
  const url = process.env.DATABASE_URL!;
  const postgres = await createPostgresStore({ connectionString: url, schema, poolSize: 8 });
  try {
    for (const [batch, writers] of [
      [1, 1],
      [20, 1],
      [20, 4],
    ] as const) {
      const key = `b${batch}w${writers}`;
      // One commit per message is fsync-bound: a tenth of the messages is enough to measure it.
      const total = batch === 1 ? plan.inserts / 10 : plan.inserts;
      out[`sqliteMsgsPerSec_${key}`] = await insertRate(sqlite, total, batch, writers);
      out[`postgresMsgsPerSec_${key}`] = await insertRate(postgres, total, batch, writers);
      log(
        `inserts, batch ${batch}, ${writers} writer(s): SQLite ${out[`sqliteMsgsPerSec_${key}`]}/s, PostgreSQL ${out[`postgresMsgsPerSec_${key}`]}/s`,
      );
    }
  } finally {
    await sqlite.close();
    await postgres.close();
    await rm(dir, { recursive: true, force: true });
    await dropSchema(url, schema).catch(() => undefined);
  }
  return out;
}

/** Runs the suite; `nodes` limits it to one node count (`--nodes=N`). */
export async function runClusterBench(opts: {
  quick: boolean;
  log: (line: string) => void;
  nodes?: number;
}): Promise<Record<string, unknown>> {
  const reason = await unavailable();
  if (reason) {
    opts.log(`skipped: ${reason}`);
    return { skipped: reason };
  }
  const plan = opts.quick ? QUICK : FULL;
  opts.log(`${pinSelf()}; the nodes float over every core, with PostgreSQL and Redis`);
  // Quick: two nodes only (the shared-adapter path; one node is the server suite's code).
  const counts = opts.nodes ? [opts.nodes] : opts.quick ? [2] : [1, 2, 3];
  const out: Record<string, unknown> = { groupSize: GROUP_SIZE, users: plan.users };
  for (const n of counts) out[`nodes${n}`] = await runNodes(n, plan, opts.log);
  Object.assign(out, await insertThroughput(plan, opts.log));
  return out;
}
