import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source in a child process with a clean environment. */
function runCli(
  args: string[],
  env: Record<string, string> = {},
  untilOutput?: RegExp,
): Promise<Run & { kill(): void }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=parley-source', '--import', 'tsx', CLI, ...args],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    const done = (code: number | null) =>
      resolve({ code, stdout, stderr, kill: () => child.kill('SIGTERM') });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilOutput?.test(stdout)) done(null);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done(code));
  });
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('parley-server CLI', () => {
  it('prints help with every option', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--port', '--host', '--data-dir', '--allowed-origins', '--tls-cert']) {
      expect(run.stdout).toContain(flag);
    }
  });

  it('exits with status 2 naming a wrong flag value', async () => {
    const run = await runCli(['--port', 'abc', '--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PORT \(--port\)/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits with status 2 naming a wrong environment value', async () => {
    const run = await runCli(['--data-dir', dataDir], { LOG_LEVEL: 'chatty' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LOG_LEVEL');
  });

  it('exits with status 2 on an unknown flag', async () => {
    const run = await runCli(['--prot', '3000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--prot');
  });

  it('starts, serves /health, and stops cleanly on SIGTERM', async () => {
    const run = await runCli(
      ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      {},
      /running at (\S+)/,
    );
    const url = /running at (\S+)/.exec(run.stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    run.kill();
    await expect
      .poll(async () =>
        fetch(`${url}/health`).then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down');
  });
});
