/**
 * `npm run dev -w @parley/widgets`: a Vite dev server for `dev/index.html` with hot reload of
 * the widgets' and the SDK's source (`parley-source` condition, no build step), proxying the
 * API and the socket to the dev server on :3000 (`npm run dev` at the root starts both). It also
 * runs `rollup -c --watch`, so the server's `/widget.js` stays fresh.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import type { Plugin } from 'vite';

const widgets = fileURLToPath(new URL('..', import.meta.url));
const target = process.env.PARLEY_DEV_SERVER ?? 'http://localhost:3000';

/** Runs rollup's watch mode beside the dev server, and stops it with the server. */
function rollupWatch(): Plugin {
  let child: ChildProcess | null = null;
  const stop = () => {
    child?.kill('SIGTERM');
    child = null;
  };
  return {
    name: 'parley-rollup-watch',
    apply: 'serve',
    configureServer(server) {
      if (process.env.PARLEY_DEV_NO_BUNDLE) return;
      const bin = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');
      // Status lines and real problems only: zod's comment annotations and its import
      // cycle warn on every build and are harmless.
      const quiet = '!code:INVALID_ANNOTATION&!code:CIRCULAR_DEPENDENCY';
      const args = [bin, '-c', '--watch', '--no-watch.clearScreen', '--filterLogs', quiet];
      child = spawn(process.execPath, args, { cwd: widgets, stdio: 'inherit' });
      server.httpServer?.once('close', stop);
      process.once('exit', stop);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Workspace packages from their TypeScript source, as in the tests and Storybook.
  resolve: { conditions: ['parley-source', ...defaultClientConditions] },
  server: {
    port: Number(process.env.PARLEY_DEV_PORT ?? 5173),
    strictPort: true,
    // The Host header is kept (no changeOrigin): the server's socket origin check then sees
    // this page's origin as its own.
    proxy: {
      '/api': { target },
      '/socket.io': { target, ws: true },
      '/kdf-worker.js': { target },
    },
  },
  plugins: [rollupWatch()],
});
