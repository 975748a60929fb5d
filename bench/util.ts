import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ProcessStats } from './process-stats.js';

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds for printing: 3 significant digits, integers above 100. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The machine's cores (not this process's affinity mask, which pinning narrows). */
const CORES = cpus().length;

/** Whether `taskset` can pin processes to cores (Linux with util-linux and 2+ cores). */
export function canPin(): boolean {
  if (process.platform !== 'linux' || CORES < 2) return false;
  return spawnSync('taskset', ['-V']).status === 0;
}

/** The core servers are pinned to (the last one); the generator takes the others. */
export const SERVER_CORE = CORES - 1;

/**
 * Raises the scheduling priority of a bench process (`renice -n -10`) where permitted, so that
 * on a shared machine other processes take less of the server's and the generator's cores. The
 * baseline gets the same treatment, so the ratio stays fair. `BENCH_NICE=0` turns it off.
 * @returns whether it applied.
 */
export function raisePriority(pid: number): boolean {
  if (process.platform !== 'linux' || process.env.BENCH_NICE === '0') return false;
  return spawnSync('renice', ['-n', '-10', '-p', String(pid)]).status === 0;
}

/**
 * Pins every thread of this process to the generator's cores (all but {@link SERVER_CORE}), or
 * back to all cores with `all`. Returns a description for the report.
 */
export function pinSelf(all = false): string {
  if (!canPin()) return 'unpinned';
  const cores = all ? `0-${SERVER_CORE}` : SERVER_CORE === 1 ? '0' : `0-${SERVER_CORE - 1}`;
  spawnSync('taskset', ['-a', '-cp', cores, String(process.pid)]);
  const nice = raisePriority(process.pid) ? ', raised priority' : '';
  return `generator on core ${cores}, server on core ${SERVER_CORE}${nice}`;
}

/** A benchmark server in a child process, pinned to the last core where possible. */
export interface BenchServer {
  url: string;
  process: ChildProcess;
  /** CPU, event-loop utilisation and memory of the server process (`gc` first if asked). */
  stats(gc?: boolean): Promise<ProcessStats>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** `kill -9`; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Extra start-up settings of {@link startBenchServer}. */
export interface StartOptions {
  /** Which bench server: `serve` (Parley, default) or `bare-server` (the baseline). */
  script?: 'serve' | 'bare-server';
  /** Node flags added before the script (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Environment variables added to the server's (e.g. `LD_PRELOAD`). */
  env?: Record<string, string>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Live bench children, killed if the harness exits early. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const BUILD_DIR = fileURLToPath(new URL('../node_modules/.cache/parley-bench/', import.meta.url));
let built: Promise<void> | undefined;

/**
 * Compiles the bench servers once per run, as the release build does (esbuild, workspace
 * sources bundled, dependencies external, no `keepNames`). Running them through tsx instead
 * would measure tsx: its `keepNames` wraps every function it creates in `__name()`, which puts
 * each closure in dictionary mode (hundreds of bytes per closure per socket, and CPU per ack).
 */
function buildServers(): Promise<void> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    await build({
      entryPoints: {
        serve: fileURLToPath(new URL('./serve.ts', import.meta.url)),
        'bare-server': fileURLToPath(new URL('./bare-server.ts', import.meta.url)),
        // The SQLite writer thread, found beside the bundle (packages/server/src/store/sqlite).
        'sqlite-writer': fileURLToPath(
          new URL('../packages/server/src/store/sqlite/writer-worker.ts', import.meta.url),
        ),
      },
      outdir: BUILD_DIR,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['parley-source'],
      logLevel: 'error',
      plugins: [
        {
          name: 'dependencies-external',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
    });
  })();
  return built;
}

/**
 * The Node flags every shipped way of starting the server uses (`npm start`, the Dockerfile,
 * the systemd units; packages/server/test/launch-flags.test.ts keeps them equal): a young
 * generation of 32 MB semi-spaces. Messages live until their group commit, so with the
 * default 16 MB many survived a scavenge and were copied again; at saturation it gave 5-11 %
 * more messages per second on one core (docs/performance.md). And an old generation that may
 * double before the next mark-compact: with V8's default, at 1,500 msg/s one came every 4 s,
 * each 40-70 ms of main-thread work on the pinned core (steps of up to 16 ms), and the 5 s
 * windows it fell in had ack p99s of 55-78 ms. Bench servers get the same flags, the bare
 * baseline too.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32', '--heap-growing-percent=100'];

/**
 * Starts `bench/serve.ts` (the real Parley server) or another server script with the given
 * options, pinned to {@link SERVER_CORE}, with {@link SERVER_NODE_FLAGS}.
 * `BENCH_CPU_PROF=<dir>` adds `--cpu-prof` to it; `BENCH_SERVER_LOG=1` copies its output to
 * stderr.
 */
export async function startBenchServer(
  options: object,
  start: StartOptions = {},
): Promise<BenchServer> {
  await buildServers();
  const script = `${BUILD_DIR}${start.script ?? 'serve'}.mjs`;
  const prof = process.env.BENCH_CPU_PROF;
  const node = [
    process.execPath,
    '--expose-gc',
    ...SERVER_NODE_FLAGS,
    ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
    ...(start.nodeFlags ?? []),
    script,
    JSON.stringify(options),
  ];
  const [cmd, ...args] = canPin() ? ['taskset', '-c', String(SERVER_CORE), ...node] : node;
  const child = spawn(cmd as string, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(start.env ? { env: { ...process.env, ...start.env } } : {}),
  });
  children.add(child);
  if (child.pid !== undefined) raisePriority(child.pid);
  child.once('exit', () => children.delete(child));
  let tail = '';
  const echo = process.env.BENCH_SERVER_LOG === '1';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    if (echo) process.stderr.write(d);
  };
  child.stderr?.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      keep(d);
      const m = /READY (\S+)/.exec(tail);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}: ${tail}`)));
  });
  let nextId = 0;
  const waiting = new Map<number, (s: ProcessStats) => void>();
  child.on('message', (m: { id: number; stats: ProcessStats }) => {
    waiting.get(m.id)?.(m.stats);
    waiting.delete(m.id);
  });
  return {
    url,
    process: child,
    stats: (gc = false) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.send({ id, gc }, (err) => err && reject(err));
      }),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** The 1, 5 and 15 minute load averages, for the report. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
