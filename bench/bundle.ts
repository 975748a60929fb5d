/**
 * The `bundle` suite: what a visitor downloads before signing in, gzipped at level 9 as a CDN
 * would serve it. That is `packages/widgets/dist/widget.js`, the SDK chunk it imports on
 * demand with that chunk's static imports, and the small-input hashes chunk that starts
 * loading during sign-in (the same line as `packages/widgets/test/bundle-size.test.ts`).
 * `widgetGzipKB` is that total; `widgetEntryGzipKB` is `widget.js` alone. If the bundle is
 * missing it tries `npm run build -w @parley/widgets` once (not in a quick run); if it still
 * does not exist the figure is `null` with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { round } from './util.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../packages/widgets/dist/widget.js', import.meta.url));

/** Measures the widget bundle; returns the `bundle` figures. */
export async function runBundleBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number | string | null>> {
  if (!existsSync(BUNDLE) && opts.quick) {
    // Building the widgets takes longer than the whole quick run may; npm test checks the
    // budget from an in-memory build (packages/widgets/test/bundle-size.test.ts).
    return { widgetGzipKB: null, reason: 'quick run: packages/widgets/dist is not built' };
  }
  if (!existsSync(BUNDLE)) {
    opts.log('packages/widgets/dist/widget.js missing: npm run build -w @parley/widgets');
    const build = spawnSync('npm', ['run', 'build', '-w', '@parley/widgets'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (build.status !== 0) opts.log(`widget build failed: ${(build.stderr ?? '').slice(-500)}`);
  }
  if (!existsSync(BUNDLE)) {
    return {
      widgetGzipKB: null,
      reason:
        'packages/widgets/dist/widget.js does not exist, even after npm run build -w @parley/widgets',
    };
  }
  const dir = dirname(BUNDLE);
  const entry = readFileSync(BUNDLE, 'utf8');
  const files = new Set<string>(['widget.js']);
  const sdk = /widget-sdk-[\w-]{8}\.js/.exec(entry)?.[0];
  const visit = (name: string) => {
    if (!existsSync(join(dir, name))) return;
    files.add(name);
    // Static imports of a minified ES chunk: `from"./x.js"` or `import"./x.js"`.
    const code = readFileSync(join(dir, name), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g))
      if (!files.has(m[1]!)) visit(m[1]!);
  };
  if (sdk) visit(sdk);
  const hashes = readdirSync(dir).find((f) => /^widget-noble-hashes-[\w-]{8}\.js$/.test(f));
  if (hashes) visit(hashes);
  const gz = (name: string) => gzipSync(readFileSync(join(dir, name)), { level: 9 }).length;
  const total = [...files].reduce((sum, name) => sum + gz(name), 0);
  opts.log(`before sign-in: ${[...files].join(', ')}`);
  return {
    widgetGzipKB: round(total / 1024),
    widgetEntryGzipKB: round(gz('widget.js') / 1024),
    widgetRawKB: round(Buffer.byteLength(entry) / 1024),
  };
}
