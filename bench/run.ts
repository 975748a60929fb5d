/**
 * `npm run bench` — runs the benchmark suites and prints their figures.
 *
 *   npm run bench                 full run (minutes)
 *   npm run bench -- --quick      small version (CI smoke test; asserts nothing about speed)
 *   npm run bench -- --json       also print one JSON object as the last line of stdout
 *   npm run bench -- --only=auth  run only the named suites (comma-separated)
 *   npm run bench -- --only=cluster --nodes=2   the cluster suite with one node count
 *
 * Progress goes to stderr; figures to stdout. Timings are never pass/fail. A full run that
 * includes the `server` suite also writes docs/perf/latest.json, docs/perf/latency.svg and the
 * results table of docs/performance.md (bench/report.ts).
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { runAttachmentsBench } from './attachments.js';
import { runAuthBench } from './auth.js';
import { runBehaviourBench } from './behaviour.js';
import { runBundleBench } from './bundle.js';
import { runClusterBench } from './cluster.js';
import { runCryptoBench } from './crypto.js';
import { runDurabilityBench } from './durability.js';
import { runPresenceBench } from './presence.js';
import { runRealtimeBench } from './realtime.js';
import { writeReport } from './report.js';
import { loadAverage, pinSelf } from './util.js';
import { runSearchBench } from './search.js';
import { runSlowDiskBench } from './slow-disk.js';
import { runWriterPagesBench } from './writer-pages.js';

type Suite = (opts: {
  quick: boolean;
  log: (line: string) => void;
}) => Promise<Record<string, unknown>>;

const SUITES: Record<string, Suite> = {
  crypto: runCryptoBench,
  auth: runAuthBench,
  server: runRealtimeBench,
  behaviour: runBehaviourBench,
  durability: runDurabilityBench,
  disk: runSlowDiskBench,
  pages: runWriterPagesBench,
  bundle: runBundleBench,
  search: runSearchBench,
  presence: runPresenceBench,
  files: runAttachmentsBench,
  cluster: (o) => runClusterBench({ ...o, ...(nodes ? { nodes } : {}) }),
};

const args = process.argv.slice(2);
const nodesArg = args.find((a) => a.startsWith('--nodes='))?.slice('--nodes='.length);
const nodes = nodesArg === undefined ? undefined : Number(nodesArg);
const quick = args.includes('--quick');
const json = args.includes('--json');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = args.filter(
  (a) =>
    !['--quick', '--json'].includes(a) && !a.startsWith('--only=') && !a.startsWith('--nodes='),
);
const badNodes = nodes !== undefined && !(Number.isInteger(nodes) && nodes >= 1 && nodes <= 8);
if (unknown.length > 0 || badNodes || (only && only.some((name) => !(name in SUITES)))) {
  process.stderr.write(
    `usage: npm run bench -- [--quick] [--json] [--only=${Object.keys(SUITES).join(',')}] [--nodes=1..8]\n`,
  );
  process.exit(2);
}

const meta: Record<string, unknown> = {
  quick,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: `${cpus()[0]?.model ?? 'unknown'} × ${availableParallelism()}`,
  memoryGB: Math.round(totalmem() / 2 ** 30),
  date: new Date().toISOString(),
  loadAverageBefore: loadAverage(),
};
const results: Record<string, unknown> = { meta };
const started = performance.now();
for (const [name, run] of Object.entries(SUITES)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`\n== ${name} ${quick ? '(quick)' : ''}\n`);
  const t0 = performance.now();
  const figures = await run({ quick, log: (line) => process.stderr.write(`  ${line}\n`) });
  results[name] = figures;
  pinSelf(true); // load suites pin the generator to its core; the next suite starts unpinned
  process.stdout.write(`\n${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  for (const [key, value] of Object.entries(figures)) {
    if (Array.isArray(value)) continue; // curves: in the JSON and the chart only
    const text =
      typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    process.stdout.write(`  ${key.padEnd(28)} ${text}\n`);
  }
}
meta.loadAverageAfter = loadAverage();
meta.seconds = Math.round((performance.now() - started) / 1000);
process.stderr.write(`\nbench finished in ${String(meta.seconds)} s, load ${loadAverage()}\n`);
if (!quick && results.server) {
  await writeReport(results as Record<string, Record<string, unknown>>);
  process.stderr.write('wrote docs/perf/latest.json, docs/perf/latency.svg, docs/performance.md\n');
}
if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
