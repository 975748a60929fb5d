/**
 * Draws the latency-against-offered-rate chart of a run (docs/perf/latency.svg) as plain SVG:
 * ack and end-to-end p50/p99 of Parley and the bare Socket.io baseline, log-scaled latency,
 * with the targets (ack p99 50 ms, 1,500 msg/s) marked. No chart library, no network.
 */
import type { CurvePoint } from './realtime.js';

const W = 760;
const H = 420;
const M = { left: 64, right: 180, top: 40, bottom: 52 };

interface Series {
  label: string;
  color: string;
  dash?: string;
  points: Array<[number, number]>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The chart as an SVG document. */
export function latencyChart(curve: CurvePoint[], title: string): string {
  const pick = (server: CurvePoint['server'], key: 'ackP50Ms' | 'ackP99Ms' | 'e2eP99Ms') =>
    curve
      .filter((p) => p.server === server && p[key] > 0)
      .map((p) => [p.offeredPerSec, p[key]] as [number, number]);
  const series: Series[] = [
    { label: 'Parley ack p50', color: '#1f77b4', points: pick('parley', 'ackP50Ms') },
    { label: 'Parley ack p99', color: '#d62728', points: pick('parley', 'ackP99Ms') },
    {
      label: 'Parley e2e p99',
      color: '#ff7f0e',
      dash: '6 4',
      points: pick('parley', 'e2eP99Ms'),
    },
    { label: 'bare ack p50', color: '#7f7f7f', dash: '2 3', points: pick('bare', 'ackP50Ms') },
    { label: 'bare ack p99', color: '#2ca02c', dash: '2 3', points: pick('bare', 'ackP99Ms') },
  ].filter((s) => s.points.length > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = Math.max(2000, ...xs) * 1.05;
  const yMin = Math.max(0.1, 10 ** Math.floor(Math.log10(Math.min(1, ...ys))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(100, ...ys)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (v: number) => M.left + (v / xMax) * pw;
  const y = (v: number) =>
    M.top +
    ph -
    ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / Math.log10(yMax / yMin)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  );
  const xStep = xMax > 8000 ? 2000 : 1000;
  for (let v = 0; v <= xMax; v += xStep) {
    parts.push(
      `<line x1="${x(v)}" y1="${M.top}" x2="${x(v)}" y2="${M.top + ph}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${M.top + ph + 16}" text-anchor="middle">${v}</text>`,
    );
  }
  for (let v = yMin; v <= yMax * 1.001; v *= 10) {
    parts.push(
      `<line x1="${M.left}" y1="${y(v)}" x2="${M.left + pw}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(1)}</text>`,
    );
  }
  // Targets: ack p99 ≤ 50 ms at ≥ 1,500 msg/s.
  parts.push(
    `<line x1="${M.left}" y1="${y(50)}" x2="${M.left + pw}" y2="${y(50)}" stroke="#d62728" stroke-opacity="0.35" stroke-dasharray="8 4"/>`,
    `<text x="${M.left + pw - 4}" y="${y(50) - 4}" text-anchor="end" fill="#d62728" fill-opacity="0.7">target ack p99 50 ms</text>`,
    `<line x1="${x(1500)}" y1="${M.top}" x2="${x(1500)}" y2="${M.top + ph}" stroke="#555" stroke-opacity="0.35" stroke-dasharray="8 4"/>`,
    `<text x="${x(1500) + 4}" y="${M.top + 12}" fill="#555">1,500 msg/s</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">offered messages per second (groups of 10, open loop)</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency from intended send, ms (log)</text>`,
  );
  series.forEach((s, i) => {
    const d = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      ...s.points.map(
        ([px, py]) =>
          `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.color}"/>`,
      ),
    );
    const ly = M.top + 10 + i * 20;
    parts.push(
      `<line x1="${W - M.right + 14}" y1="${ly}" x2="${W - M.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
