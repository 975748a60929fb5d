/**
 * The script-tag budget: everything a visitor loads before signing in must stay within 80 KB
 * minified and gzipped. That is `widget.js` (Lit and every component) plus the SDK chunk it
 * imports on demand (a stored session, or focus on the sign-in form) and whatever that chunk
 * imports statically. Outside the budget are the parts the SDK imports only when they are
 * needed: the Argon2id worker and noble's hashes (once the password is stretched), the realtime
 * half of the client (once signed in), the pure-JS crypto fallback (only without native
 * Ed25519/X25519). Builds in memory with the package's rollup config, so it needs no prior build.
 */
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { OutputChunk, OutputOptions, RollupOptions } from 'rollup';
import { describe, expect, it } from 'vitest';

/** The budget of `widget.js` plus the SDK chunk and its static imports, min+gzip, in bytes. */
export const WIDGET_BUDGET_BYTES = 80 * 1024;

async function generate(config: RollupOptions) {
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(config.output as OutputOptions);
    return output.filter((o) => o.type === 'chunk');
  } finally {
    await bundle.close();
  }
}

/** `chunks` named in `names`, with everything they import statically. */
function withStaticImports(names: readonly string[], chunks: readonly OutputChunk[]) {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const found = new Set<OutputChunk>();
  const visit = (name: string) => {
    const chunk = byName.get(name);
    if (!chunk || found.has(chunk)) return;
    found.add(chunk);
    chunk.imports.forEach(visit);
  };
  names.forEach(visit);
  return [...found];
}

const gzipped = (chunk: OutputChunk) => gzipSync(chunk.code, { level: 9 }).length;
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const label = (chunk: OutputChunk) => chunk.fileName.replace(/-[\w-]{8}\.js$/, '-[hash].js');

describe('script-tag bundle size', () => {
  it('keeps what loads before signing in within 80 KB min+gzip', { timeout: 120_000 }, async () => {
    const configUrl = new URL('../rollup.config.js', import.meta.url).href;
    const configs = ((await import(/* @vite-ignore */ configUrl)) as { default: RollupOptions[] })
      .default;
    const chunks = await generate(configs[0]!);
    const worker = await generate(configs[1]!);
    const entry = chunks.find((c) => c.fileName === 'widget.js');
    expect(entry).toBeDefined();
    // The SDK must stay out of widget.js: it is imported on demand, as one chunk.
    expect(entry!.imports).toEqual([]);
    expect(entry!.dynamicImports).toHaveLength(1);
    expect(entry!.dynamicImports[0]).toMatch(/^widget-sdk-[\w-]{8}\.js$/);

    // The small-input hashes start loading while the sign-in completes, so they count too;
    // the realtime session (after sign-in) and the fallbacks for browsers without native
    // Ed25519/X25519 or workers do not.
    const hashes = chunks.filter((c) => c.fileName.startsWith('widget-noble-hashes-'));
    expect(hashes).toHaveLength(1);
    const beforeSignIn = withStaticImports(
      ['widget.js', ...entry!.dynamicImports, hashes[0]!.fileName],
      chunks,
    );
    const onDemand = [...chunks.filter((c) => !beforeSignIn.includes(c)), ...worker];
    const sizes = (list: OutputChunk[]) =>
      Object.fromEntries(list.map((c) => [label(c), kb(gzipped(c))]));
    const total = beforeSignIn.reduce((sum, c) => sum + gzipped(c), 0);
    console.log(
      `[widgets] bundle sizes, KB min+gzip: before sign-in ${kb(total)} ` +
        `${JSON.stringify(sizes(beforeSignIn))}; on demand ${JSON.stringify(sizes(onDemand))}`,
    );
    expect(total).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
  });
});
