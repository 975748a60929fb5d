import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Rounds for printing: 3 significant digits, integers above 100. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** Whether `taskset` can pin processes to cores (Linux with util-linux and 2+ cores). */
export function canPin(): boolean {
  return process.platform === 'linux' && availableParallelism() >= 2;
}

/** A benchmark server in a child process, pinned to the last core where possible. */
export interface BenchServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `bench/serve.ts` with the given server options. */
export async function startBenchServer(options: object): Promise<BenchServer> {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const node = [
    process.execPath,
    '--conditions=parley-source',
    '--import',
    'tsx',
    serve,
    JSON.stringify(options),
  ];
  const core = availableParallelism() - 1;
  const [cmd, ...args] = canPin() ? ['taskset', '-c', String(core), ...node] : node;
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
