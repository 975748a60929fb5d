import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './cli-process.js';
import type { CliProcess } from './cli-process.js';
import { runCommand } from './run-command.js';

let dataDir: string;
let server: CliProcess;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-seed-'));
  server = await startCli(dataDir);
});
afterAll(async () => {
  server.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('parley-server seed', () => {
  it(
    'creates the demo accounts and conversations through the SDK, storing only ciphertext',
    { timeout: 60_000 },
    async () => {
      const run = await runCommand(['seed', '--url', server.url]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('accounts alice, bob and carol');

      const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
      const users = db.prepare('SELECT username FROM users ORDER BY username').all();
      const kinds = db.prepare('SELECT kind, title FROM conversations ORDER BY kind').all();
      const messages = db.prepare("SELECT COUNT(*) AS n FROM events WHERE kind = 'message'").get();
      db.close();
      expect(users).toEqual([{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }]);
      expect(kinds).toEqual([
        { kind: 'direct', title: null },
        { kind: 'group', title: 'Parley demo' },
      ]);
      expect(messages).toEqual({ n: 6 });
      // Zero knowledge: no line of the script is anywhere in the data folder.
      for (const name of readdirSync(dataDir).filter((n) => n.startsWith('parley.db'))) {
        const bytes = readFileSync(join(dataDir, name)).toString('latin1');
        expect(bytes).not.toContain('Welcome to the demo group');
        expect(bytes).not.toContain('end-to-end encrypted');
      }
    },
  );

  it('adds nothing on a second run', { timeout: 60_000 }, async () => {
    const run = await runCommand(['seed', '--url', server.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('already exist');
  });

  it('says plainly when no server answers', async () => {
    const run = await runCommand(['seed', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Seeding http:\/\/127\.0\.0\.1:9 failed/);
  });
});
