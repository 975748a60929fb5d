// The script-tag bundle: one ES module with Lit, the SDK (from source, through the
// `parley-source` condition), socket.io-client and the crypto, plus the Argon2id worker that
// the SDK starts on demand from `new URL('./kdf-worker.js', import.meta.url)`.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { fileURLToPath } from 'node:url';

// Paths relative to this file, so the config works from any working directory (tests).
const at = (path) => fileURLToPath(new URL(path, import.meta.url));

// Always a production bundle: with NODE_ENV unset or `test`, node-resolve adds the
// `development` export condition, which picks socket.io's debug builds.
process.env.NODE_ENV = 'production';

// engine.io-client swaps its Node transports for browser ones through the `browser` field,
// which node-resolve does not apply to these relative imports inside the package.
const engineIoBrowser = {
  name: 'engine.io-browser-transports',
  resolveId(source, importer) {
    if (!importer?.includes('engine.io-client') || !source.endsWith('.node.js')) return null;
    return this.resolve(source.replace(/\.node\.js$/, '.js'), importer, { skipSelf: true });
  },
};

const plugins = () => [
  engineIoBrowser,
  nodeResolve({
    browser: true,
    exportConditions: ['parley-source', 'browser', 'import', 'default'],
    extensions: ['.ts', '.mjs', '.js'],
  }),
  esbuild({ target: 'es2022', minify: true, legalComments: 'none', sourceMap: true }),
];

const onwarn = (warning, warn) => {
  // socket.io-client and the SDK reach `this` at the top level of some modules; harmless in ESM.
  if (warning.code === 'THIS_IS_UNDEFINED') return;
  warn(warning);
};

// The SDK's own chunk is `widget-sdk-<hash>.js`; the parts it imports only when needed (the
// noble crypto fallback, Argon2id off the worker, ...) are `widget-<name>-<hash>.js`.
const sdkEntry = at('../sdk/src/client-entry.ts');
function chunkName(chunk) {
  if (chunk.moduleIds.includes(sdkEntry)) return 'widget-sdk-[hash].js';
  const name = chunk.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `widget-${name}-[hash].js`;
}

// noble's SHA-2, HMAC and HKDF (with the SDK's small-hashes module that the WebCrypto provider
// imports on first use) are shared by several of those lazy parts: one chunk for them rather
// than one per file. Argon2id (with BLAKE2b) stays in its own.
function manualChunks(id) {
  if (/[\\/]crypto[\\/]providers[\\/]small-hashes\.ts$/.test(id)) return 'noble-hashes';
  if (/@noble[\\/]hashes[\\/]/.test(id) && !/(argon2|blake)/.test(id)) return 'noble-hashes';
  return undefined;
}

export default [
  {
    input: at('src/bundle.ts'),
    // widget.js holds Lit and the components; the SDK is a chunk beside it, imported when a
    // stored session exists or someone signs in (see src/internal/store-host.ts).
    output: {
      dir: at('dist'),
      format: 'es',
      sourcemap: true,
      entryFileNames: 'widget.js',
      chunkFileNames: chunkName,
      manualChunks,
    },
    plugins: plugins(),
    onwarn,
  },
  {
    input: at('../sdk/src/auth/kdf-worker.ts'),
    // One file: the worker's lazy import of noble's Argon2id is inlined.
    output: {
      file: at('dist/kdf-worker.js'),
      format: 'es',
      sourcemap: true,
      inlineDynamicImports: true,
    },
    plugins: plugins(),
    onwarn,
  },
];
