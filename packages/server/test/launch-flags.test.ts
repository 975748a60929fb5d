import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/**
 * Every shipped way of starting the server runs Node with the same flags, and the benchmark
 * measures the server started that way (bench/util.ts `SERVER_NODE_FLAGS`; docs/self-hosting.md
 * "Run it").
 */
describe('launch flags', () => {
  const SERVER_NODE_FLAGS = ['--max-semi-space-size=32', '--heap-growing-percent=100'];
  const flags = SERVER_NODE_FLAGS.join(' ');

  it('are on every start command', () => {
    const rootStart = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts
      .start;
    const serverStart = (
      JSON.parse(read('packages/server/package.json')) as { scripts: { start: string } }
    ).scripts.start;
    expect(rootStart).toContain(`node ${flags} packages/server/dist/cli.js`);
    expect(serverStart).toBe(`node ${flags} dist/cli.js`);
    const cmd = SERVER_NODE_FLAGS.map((f) => `"${f}"`).join(', ');
    expect(read('deploy/Dockerfile')).toContain(
      `CMD ["node", ${cmd}, "packages/server/dist/cli.js"]`,
    );
    for (const unit of ['deploy/systemd/parley.service', 'deploy/systemd/parley@.service']) {
      const execStart = read(unit)
        .split('\n')
        .filter((line) => line.startsWith('ExecStart='));
      expect(execStart).toEqual([
        `ExecStart=/usr/bin/node ${flags} /opt/parley/node_modules/@parley/server/dist/cli.js`,
      ]);
    }
    // Node refuses V8's GC flags in NODE_OPTIONS: the guide gives the whole command.
    expect(read('docs/self-hosting.md')).toContain(
      `node ${flags} node_modules/@parley/server/dist/cli.js`,
    );
    expect(read('bench/util.ts')).toContain(
      `SERVER_NODE_FLAGS = [${SERVER_NODE_FLAGS.map((f) => `'${f}'`).join(', ')}]`,
    );
  });
});
