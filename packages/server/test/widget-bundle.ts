/**
 * Builds the `<chat-widget>` script-tag bundle (`widget.js`, its SDK chunk and the Argon2id
 * worker) from source into a temporary folder, for browser tests that serve it through a real
 * server (`createServer({ widgetDir })`). esbuild takes about a second where the package's
 * rollup build takes several, and the tests never race over `packages/widgets/dist`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** A built bundle in a temporary folder. */
export interface WidgetBundle {
  /** The folder: pass it as `widgetDir`. */
  dir: string;
  remove(): Promise<void>;
}

/** Bundles `@parley/widgets`' `src/bundle.ts` the way `dist/widget.js` is laid out. */
export async function buildWidgetBundle(): Promise<WidgetBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-widget-bundle-'));
  await build({
    entryPoints: {
      widget: at('../../widgets/src/bundle.ts'),
      'kdf-worker': at('../../sdk/src/auth/kdf-worker.ts'),
    },
    outdir: dir,
    // Chunk names match what the server serves: widget-sdk-<hash>.js.
    chunkNames: 'widget-sdk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['parley-source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    logLevel: 'error',
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
