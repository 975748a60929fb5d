/**
 * The `bundle` suite: the size of the self-contained widget bundle a page embeds
 * (`packages/widgets/dist/widget.js`), gzipped at level 9 as a CDN would serve it. If the
 * bundle is missing it tries `npm run build -w @parley/widgets` once; if it still does not
 * exist the figure is `null` with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  const raw = readFileSync(BUNDLE);
  const gzip = gzipSync(raw, { level: 9 });
  return { widgetGzipKB: round(gzip.length / 1024), widgetRawKB: round(raw.length / 1024) };
}
