import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source through the `parley-source` export
// condition, so tests never need a prior build. Only add the condition: listing `import` or
// `require` here would leak into how CommonJS dependencies resolve.
export default defineConfig({
  resolve: { conditions: ['parley-source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['parley-source', ...defaultServerConditions] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Argon2 and crypto suites are CPU bound; two cores on CI.
    maxWorkers: 2,
  },
});
