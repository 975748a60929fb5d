/**
 * What a full run writes next to the docs: `docs/perf/latest.json` (every figure and step),
 * `docs/perf/latency.svg` (the chart), and the results table of `docs/performance.md`, between
 * its `<!-- results:start -->` and `<!-- results:end -->` markers, each figure beside its target.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { latencyChart } from './chart.js';
import type { CurvePoint } from './realtime.js';

type Section = Record<string, unknown>;

interface Row {
  figure: string;
  value: (all: Record<string, Section>) => unknown;
  unit?: string;
  target: string;
  /** Whether the value meets the target; `undefined` when there is none to check. */
  met?: (v: number) => boolean;
}

/** ` (median of N runs)` when the headline step's latencies are a median. */
const runsOf = (all: Record<string, Section>): string => {
  const runs = Number(all.server?.headlineRuns ?? 1);
  return runs > 1 ? ` (median of ${runs} runs)` : '';
};
const at = (section: string, key: string) => (all: Record<string, Section>) => all[section]?.[key];

/**
 * A step's rates are counted over its window or until its last ack or delivery, whichever is
 * longer, so a step that took every message of a 1,500/s offer reads 1,499–1,500/s: rates
 * within 1 % of a target meet it (the step itself must have kept up to be reported).
 */
const RATE_TOLERANCE = 0.99;

const ROWS: Row[] = [
  {
    figure: 'Idle authenticated sockets',
    value: at('server', 'idleConnections'),
    target: '10,000',
    met: (v) => v >= 10_000,
  },
  {
    figure: 'RSS with them open',
    value: at('server', 'rssMBAtIdle'),
    unit: 'MB',
    target: '< 350 MB',
    met: (v) => v < 350,
  },
  {
    figure: 'Handshakes (JWT, session, rooms)',
    value: at('server', 'handshakesPerSec'),
    unit: '/s',
    target: '≥ 500/s',
    met: (v) => v >= 500,
  },
  {
    figure: 'Handshakes per CPU-second (Parley / bare)',
    value: (all) =>
      `${String(all.server?.handshakesPerCpuSec)} / ${String(all.server?.bareHandshakesPerCpuSec)}`,
    target: '(cost per handshake)',
  },
  {
    figure:
      'Groups of 10: accepted and stored (FULL), highest step kept up with (within the ack target if any)',
    value: at('server', 'acceptedPerSec'),
    unit: 'msg/s',
    target: '≥ 1,500 msg/s',
    met: (v) => v >= 1500 * RATE_TOLERANCE,
  },
  {
    figure: 'Deliveries at that step',
    value: at('server', 'deliveriesPerSec'),
    unit: '/s',
    target: '≥ 15,000/s',
    met: (v) => v >= 15_000 * RATE_TOLERANCE,
  },
  {
    figure: 'Ack p50 / p99 at that step (at 1,500 msg/s: the median of its runs)',
    value: (all) =>
      `${String(all.server?.ackP50Ms)} / ${String(all.server?.ackP99Ms)}${runsOf(all)}`,
    unit: 'ms',
    target: '≤ 10 / ≤ 50 ms',
  },
  {
    figure:
      'At 1,500 msg/s, median of the ramp step and 3 more runs: ack p50 / p99 (each run p99; server loop-delay max)',
    value: (all) =>
      `${String(all.server?.targetAckP50Ms)} / ${String(all.server?.targetAckP99Ms)} (${String(all.server?.targetAckP99MsEach)}; ${String(all.server?.targetLoopDelayMaxMsEach)})`,
    unit: 'ms',
    target: '≤ 10 / ≤ 50 ms',
  },
  {
    figure: 'Server CPU (cores) / event-loop utilisation at that step',
    value: (all) =>
      `${String(all.server?.serverCpuAtHeadline)} / ${String(all.server?.serverEluAtHeadline)}`,
    target: '(utilisation ≫ CPU: the server waited for its core)',
  },
  {
    figure: 'End-to-end p50 / p99 at that step',
    value: (all) =>
      `${String(all.server?.e2eP50Ms)} / ${String(all.server?.e2eP99Ms)}${runsOf(all)}`,
    unit: 'ms',
    target: '(p50 ≤ 5, p99 ≤ 30 ms at nominal load)',
  },
  {
    figure: 'Most messages accepted at any step',
    value: at('server', 'maxAcceptedPerSec'),
    unit: 'msg/s',
    target: '',
  },
  {
    figure: 'Messages per CPU-second, median over steps (Parley / bare)',
    value: (all) =>
      `${String(all.server?.acceptedPerCpuSec)} / ${String(all.server?.bareAcceptedPerCpuSec)}`,
    target: '(cost per message, robust to a busy machine)',
  },
  {
    figure: 'Most deliveries per second: Parley / bare Socket.io',
    value: (all) =>
      `${String(all.server?.maxDeliveriesPerSec)} / ${String(all.server?.bareDeliveriesPerSec)}`,
    target: '',
  },
  {
    figure: 'At those peaks: offered msg/s, ack p50 / p99 ms, generator CPU (Parley; bare)',
    value: (all) => {
      const s = all.server ?? {};
      const one = (p: string) =>
        `${String(s[`${p}OfferedPerSec`])}, ${String(s[`${p}AckP50Ms`])} / ${String(s[`${p}AckP99Ms`])}, ${String(s[`${p}GeneratorCpu`])}`;
      return `${one('peak')}; ${one('barePeak')}`;
    },
    target: '(past saturation the acks queue; generator ≥ 0.9: its limit)',
  },
  {
    figure: '`ratioToBare` (most deliveries/s) / per CPU-second at equal offered rates',
    value: (all) => `${String(all.server?.ratioToBare)} / ${String(all.server?.ratioToBarePerCpu)}`,
    target: '≥ 0.5',
  },
  {
    figure:
      'Slow disk (every fsync 2 ms longer): ack p50 / p99 at 1,500 msg/s, writer thread (default) → commits on the event loop',
    value: (all) =>
      all.disk?.skipped !== undefined
        ? `skipped: ${String(all.disk.skipped)}`
        : `${String(all.disk?.ackP50Ms)} / ${String(all.disk?.ackP99Ms)} → ${String(all.disk?.loopAckP50Ms)} / ${String(all.disk?.loopAckP99Ms)}`,
    unit: 'ms',
    target: '(ADR 0010)',
  },
  {
    figure:
      'SQLite, a commit of 100 messages: pages written / KB of WAL and µs of CPU per message (the two largest B-trees)',
    value: (all) => {
      const p = all.pages ?? {};
      const trees = Object.entries((p.pagesByTree ?? {}) as Record<string, number>)
        .slice(0, 2)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      return `${String(p.pagesPerCommit)} / ${String(p.walKBPerMessage)} KB, ${String(p.cpuUsPerMessage)} µs (${trees})`;
    },
    target: '(`pages` suite)',
  },
  {
    figure: 'Kill -9 cycles: acknowledged but lost / duplicates',
    value: (all) =>
      `${String(all.durability?.killCycles)} cycles: ${String(all.durability?.ackedLost)} / ${String(all.durability?.duplicates)}`,
    target: '≥ 20 cycles: 0 / 0',
  },
  {
    figure: 'Reconnect storm: sockets back / seconds',
    value: (all) =>
      `${String(all.behaviour?.stormSockets)} / ${String(all.behaviour?.stormReconnectSeconds)}`,
    target: '(10k storm ≤ 30 s, perf.md §1.8)',
  },
  {
    figure: 'Gap-fill: every SDK view complete after / missing / shown twice',
    value: (all) =>
      `${String(all.behaviour?.gapFillSeconds)} s / ${String(all.behaviour?.messagesMissing)} / ${String(all.behaviour?.messagesShownTwice)}`,
    target: '0 missing, 0 twice',
  },
  {
    figure: 'Encrypt + sign / verify + decrypt, 1 KiB',
    value: (all) =>
      `${String(all.crypto?.encryptSignPerSec)} / ${String(all.crypto?.verifyDecryptPerSec)}`,
    unit: '/s',
    target: 'issue 3',
  },
  {
    figure: 'New epoch for 100 members',
    value: at('crypto', 'epochCreate100Ms'),
    unit: 'ms',
    target: 'issue 3',
  },
  {
    figure: 'Attachment encryption',
    value: at('crypto', 'attachmentMBps'),
    unit: 'MB/s',
    target: 'issue 3',
  },
  {
    figure: 'Widget bundle, gzipped',
    value: at('bundle', 'widgetGzipKB'),
    unit: 'KB',
    target: 'widgets issue',
  },
];

function fmt(value: unknown): string {
  if (typeof value === 'number') return value.toLocaleString('en-US');
  return value === undefined ? '–' : String(value);
}

/** The markdown of the results table, with the run's machine and conditions. */
export function resultsMarkdown(all: Record<string, Section>): string {
  const meta = all.meta ?? {};
  const lines = [
    `Run of ${String(meta.date).slice(0, 16).replace('T', ' ')} UTC, ${String(meta.cpu)}, ${String(meta.memoryGB)} GB, Node ${String(meta.node)}, ${String(meta.seconds)} s; load average before ${String(meta.loadAverageBefore)}, after ${String(meta.loadAverageAfter)}.`,
    '',
    '| Figure | Measured | Target |',
    '| --- | --- | --- |',
  ];
  for (const row of ROWS) {
    const value = row.value(all);
    const mark =
      row.met && typeof value === 'number' ? (row.met(value) ? ' ✓' : ' ✗ (missed)') : '';
    const unit =
      !row.unit || value === undefined ? '' : row.unit.startsWith('/') ? row.unit : ` ${row.unit}`;
    const shown = `${fmt(value)}${unit}`;
    lines.push(`| ${row.figure} | ${shown}${mark} | ${row.target} |`);
  }
  return lines.join('\n');
}

/** Writes the JSON record, the chart and the docs table of a full run. */
export async function writeReport(all: Record<string, Section>): Promise<void> {
  const dir = fileURLToPath(new URL('../docs/perf/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  // Formatted as the repository's `prettier --check` expects.
  writeFileSync(`${dir}latest.json`, await format(JSON.stringify(all), { parser: 'json' }));
  const curve = (all.server?.curve as CurvePoint[] | undefined) ?? [];
  const day = String(all.meta?.date).slice(0, 10);
  writeFileSync(`${dir}latency.svg`, latencyChart(curve, `Latency against offered rate, ${day}`));
  const doc = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  if (existsSync(doc)) {
    const text = readFileSync(doc, 'utf8');
    const start = '<!-- results:start -->';
    const end = '<!-- results:end -->';
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from >= 0 && to > from) {
      const table = await format(resultsMarkdown(all), { parser: 'markdown' });
      writeFileSync(doc, `${text.slice(0, from + start.length)}\n${table}${text.slice(to)}`);
    }
  }
}
