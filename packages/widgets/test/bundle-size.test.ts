/**
 * The script-tag budget: everything a visitor loads up to and including signing in must stay
 * within 80 KB minified and gzipped. That is `widget.js` (Lit and every component) plus the SDK
 * chunk it imports on demand (a stored session, or focus on the sign-in form). Only the
 * Argon2id worker is outside the budget: it loads while the password is stretched. Builds in
 * memory with the package's rollup config, so it needs no prior build.
 */
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { OutputOptions, RollupOptions } from 'rollup';
import { describe, expect, it } from 'vitest';

/** The budget of `widget.js` plus the SDK chunk, min+gzip, in bytes. */
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

describe('script-tag bundle size', () => {
  it('keeps widget.js and the SDK chunk within 80 KB min+gzip', { timeout: 120_000 }, async () => {
    const configUrl = new URL('../rollup.config.js', import.meta.url).href;
    const configs = ((await import(/* @vite-ignore */ configUrl)) as { default: RollupOptions[] })
      .default;
    const chunks = await generate(configs[0]!);
    const worker = await generate(configs[1]!);
    const kb = (code: string) => Math.round((gzipSync(code, { level: 9 }).length / 1024) * 10) / 10;
    const entry = chunks.find((c) => c.fileName === 'widget.js');
    expect(entry).toBeDefined();
    const sizes = Object.fromEntries(
      [...chunks, ...worker].map((c) => [
        c.fileName.replace(/-[\w-]{8}\.js$/, '-[hash].js'),
        kb(c.code),
      ]),
    );
    console.log(`[widgets] bundle sizes, KB min+gzip: ${JSON.stringify(sizes)}`);
    const beforeSignIn = chunks.reduce((sum, c) => sum + gzipSync(c.code, { level: 9 }).length, 0);
    expect(beforeSignIn).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
    // The SDK must stay out of widget.js: it is imported on demand.
    expect(entry!.dynamicImports.length).toBeGreaterThan(0);
  });
});
