/**
 * `npm run bench` — runs the benchmark suites and prints their figures.
 *
 *   npm run bench                 full run (minutes)
 *   npm run bench -- --quick      small version (CI smoke test; asserts nothing about speed)
 *   npm run bench -- --json       also print one JSON object as the last line of stdout
 *   npm run bench -- --only=auth  run only the named suites (comma-separated)
 *
 * Progress goes to stderr; figures to stdout. Timings are never pass/fail.
 */
import { runAuthBench } from './auth.js';
import { runCryptoBench } from './crypto.js';
import { runRealtimeBench } from './realtime.js';

type Suite = (opts: {
  quick: boolean;
  log: (line: string) => void;
}) => Promise<Record<string, unknown>>;

const SUITES: Record<string, Suite> = {
  crypto: runCryptoBench,
  auth: runAuthBench,
  realtime: runRealtimeBench,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = args.filter((a) => !['--quick', '--json'].includes(a) && !a.startsWith('--only='));
if (unknown.length > 0 || (only && only.some((name) => !(name in SUITES)))) {
  process.stderr.write(
    `usage: npm run bench -- [--quick] [--json] [--only=${Object.keys(SUITES).join(',')}]\n`,
  );
  process.exit(2);
}

const results: Record<string, unknown> = {
  meta: {
    quick,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  },
};
const started = performance.now();
for (const [name, run] of Object.entries(SUITES)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`\n== ${name} ${quick ? '(quick)' : ''}\n`);
  const t0 = performance.now();
  const figures = await run({ quick, log: (line) => process.stderr.write(`  ${line}\n`) });
  results[name] = figures;
  process.stdout.write(`\n${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  for (const [key, value] of Object.entries(figures))
    process.stdout.write(`  ${key.padEnd(28)} ${String(value)}\n`);
}
process.stderr.write(
  `\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
