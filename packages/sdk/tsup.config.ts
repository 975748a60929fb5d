import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // `@parley/sdk/client`: ChatClient alone, for bundles that load the SDK on demand.
    'client-entry': 'src/client-entry.ts',
    'protocol/index': 'src/protocol/index.ts',
    'crypto/index': 'src/crypto/index.ts',
    // The Argon2id Web Worker. It must sit next to the chunk that starts it (dist/), because
    // the runner finds it with `new URL('./kdf-worker.js', import.meta.url)`.
    'kdf-worker': 'src/auth/kdf-worker.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // Node built-ins are only reached behind feature detection; keep them external.
  external: [/^node:/],
});
