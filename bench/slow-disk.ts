/**
 * The `disk` suite: the ack latency of groups of 10 at the rate on a slow disk, with
 * the SQLite writer thread (the default, ADR 0010) and without it (commits on the event loop).
 * This machine's disk syncs in about 0.2 ms; a cloud block device or a busy disk takes
 * milliseconds, which an LD_PRELOAD shim (bench/slow-fsync.c, compiled with the system's C
 * compiler) adds to every fsync of the server process. Without a compiler or off Linux the
 * suite is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describeStep, runStep } from './load-step.js';
import type { StepResult } from './load-step.js';
import { createGroups, loadServerOptions, registerUsers } from './parley-setup.js';
import { GROUP_SIZE, connectGroups } from './realtime.js';
import { pinSelf, round, sleep, startBenchServer } from './util.js';

/** What the shim adds to each fsync, in ms. */
const FSYNC_EXTRA_MS = 2;

const FULL = { users: 1000, rate: 1500, seconds: 5, warmUp: true };
/** A smoke test: both modes start, store and answer (no warm-up, so no figure to trust). */
const QUICK = { users: 20, rate: 200, seconds: 1, warmUp: false };

/** Compiles the shim; returns its path, or why it cannot be used. */
function buildShim(): { path: string } | { skipped: string } {
  if (process.platform !== 'linux') return { skipped: 'LD_PRELOAD shim needs Linux' };
  const dir = fileURLToPath(new URL('../node_modules/.cache/parley-bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}slow-fsync.so`;
  const source = fileURLToPath(new URL('./slow-fsync.c', import.meta.url));
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', path, source, '-ldl'], {
    encoding: 'utf8',
  });
  if (cc.error || cc.status !== 0) {
    return { skipped: `no C compiler to build the fsync shim (${cc.error?.message ?? cc.stderr})` };
  }
  return { path };
}

async function measure(
  mode: 'thread' | 'loop',
  shim: string,
  plan: typeof FULL,
  log: (line: string) => void,
): Promise<StepResult> {
  const dataDir = `/tmp/parley-bench-disk-${process.pid}-${mode}`;
  const server = await startBenchServer(
    loadServerOptions(dataDir, { sqliteWriterThread: mode === 'thread' }),
    { env: { LD_PRELOAD: shim, SLOW_FSYNC_US: String(FSYNC_EXTRA_MS * 1000) } },
  );
  try {
    const users = await registerUsers(server.url, plan.users);
    const groups = await createGroups(server.url, users, GROUP_SIZE);
    const conn = await connectGroups(server, groups, (m) => ({ token: m.token }));
    const stats = () => server.stats();
    if (plan.warmUp) {
      // Warm-up (JIT, page cache), not recorded.
      await runStep({ groups: conn.load, sink: conn.sink, rate: plan.rate, seconds: 1, stats });
      await sleep(500);
    }
    const r = await runStep({
      groups: conn.load,
      sink: conn.sink,
      rate: plan.rate,
      seconds: plan.seconds,
      stats,
    });
    log(describeStep(mode === 'thread' ? 'writer thread' : 'on the loop', r));
    for (const c of conn.clients) c.close();
    return r;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs the suite; returns the `disk` figures. */
export async function runSlowDiskBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, unknown>> {
  const shim = buildShim();
  if ('skipped' in shim) {
    opts.log(`skipped: ${shim.skipped}`);
    return { skipped: shim.skipped };
  }
  const plan = opts.quick ? QUICK : FULL;
  opts.log(pinSelf());
  opts.log(`every fsync of the server takes ${FSYNC_EXTRA_MS} ms longer; ${plan.rate} msg/s`);
  const thread = await measure('thread', shim.path, plan, opts.log);
  const loop = await measure('loop', shim.path, plan, opts.log);
  return {
    fsyncExtraMs: FSYNC_EXTRA_MS,
    offeredPerSec: plan.rate,
    acceptedPerSec: thread.acceptedPerSec,
    ackP50Ms: thread.ackP50Ms,
    ackP99Ms: thread.ackP99Ms,
    serverCpu: thread.serverCpu,
    serverElu: thread.serverElu,
    loopAcceptedPerSec: loop.acceptedPerSec,
    loopAckP50Ms: loop.ackP50Ms,
    loopAckP99Ms: loop.ackP99Ms,
    loopServerCpu: loop.serverCpu,
    loopServerElu: loop.serverElu,
    p99GainX:
      loop.ackP99Ms > 0 && thread.ackP99Ms > 0 ? round(loop.ackP99Ms / thread.ackP99Ms) : null,
  };
}
