import { defineConfig } from 'tsup';

export default defineConfig({
  // sqlite-writer: the SQLite writer thread's entry, found beside the bundle at run time.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'sqlite-writer': 'src/store/sqlite/writer-worker.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // @parley/sdk/protocol is bundled so the server ships without the client code.
  noExternal: ['@parley/sdk'],
  esbuildOptions(options) {
    // Bundle the protocol straight from the SDK's source, so the server builds on its own.
    options.conditions = ['parley-source'];
  },
});
