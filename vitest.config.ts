import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source through the `parley-source` export
// condition, so tests never need a prior build.
const conditions = ['parley-source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['parley-source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Argon2 and crypto suites are CPU bound; two cores on CI.
    maxWorkers: 2,
  },
});
