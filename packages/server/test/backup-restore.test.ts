import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGroup,
  newUser,
  online,
  send,
  startEpoch,
} from '../src/conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../src/conversations/test-fixtures.js';
import { startCli } from './cli-process.js';
import type { CliProcess } from './cli-process.js';
import { remoteServer, runCommand } from './run-command.js';

let work: string;
let dataDir: string;
let server: CliProcess | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-backup-'));
  dataDir = join(work, 'data');
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

function stop(process: CliProcess): Promise<void> {
  return new Promise((resolve) => {
    process.child.once('exit', () => resolve());
    process.child.kill('SIGTERM');
  });
}

function messageIds(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT msg_id FROM events WHERE kind = 'message'").all() as {
      msg_id: string;
    }[];
    return new Set(rows.map((r) => r.msg_id));
  } finally {
    db.close();
  }
}

describe('parley-server backup and restore', () => {
  const backupFile = () => join(work, 'parley-backup.db');
  const acked: { id: string; seq: number }[] = [];
  let ackedBeforeBackup: string[] = [];

  it(
    'copies the database while the server is writing, with every message acked before',
    { timeout: 60_000 },
    async () => {
      server = await startCli(dataDir);
      const t = remoteServer(server.url, dataDir);
      const alice: ChatUser = await newUser(t);
      const bob = await newUser(t);
      const conv: TestConversation = await createGroup(t, alice, [bob]);
      await startEpoch(t, alice, conv, [alice, bob]);
      const socket: ChatSocket = await online(t, alice);

      let writing = true;
      const writer = (async () => {
        while (writing) {
          const ack = await send(socket, conv, alice);
          if (ack.ok) acked.push({ id: ack.id, seq: ack.seq });
        }
      })();
      await expect.poll(() => acked.length, { timeout: 10_000 }).toBeGreaterThan(30);

      ackedBeforeBackup = acked.map((a) => a.id);
      const run = await runCommand(['backup', backupFile(), '--data-dir', dataDir]);
      const ackedDuringBackup = acked.length - ackedBeforeBackup.length;
      writing = false;
      await writer;
      socket.close();

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Backed up .* integrity ok/);
      // The server kept acknowledging while the copy was made.
      expect(ackedDuringBackup).toBeGreaterThan(0);
      const inBackup = messageIds(backupFile());
      for (const id of ackedBeforeBackup) expect(inBackup.has(id)).toBe(true);
      // A consistent snapshot: the log it holds has no gaps.
      const db = new Database(backupFile(), { readonly: true });
      const seqs = db
        .prepare('SELECT seq FROM events WHERE conv_id = ? ORDER BY seq')
        .all(conv.id)
        .map((r) => (r as { seq: number }).seq);
      db.close();
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    },
  );

  it('refuses to overwrite an existing file without --force', async () => {
    const run = await runCommand(['backup', backupFile(), '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--force');
  });

  it('refuses to restore while a server runs on the data folder', async () => {
    const run = await runCommand(['restore', backupFile(), '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/server is running .*pid \d+/);
    expect(readdirSync(dataDir).some((n) => n.includes('before-restore'))).toBe(false);
  });

  it(
    'restores the backup once the server is stopped, keeping the old database aside',
    { timeout: 60_000 },
    async () => {
      await stop(server!);
      server = undefined;
      const run = await runCommand(['restore', backupFile(), '--data-dir', dataDir]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const aside = readdirSync(dataDir).find((n) => n.startsWith('parley.db.before-restore-'));
      expect(aside).toBeDefined();
      // The database kept aside is complete on its own (its WAL was folded in first).
      const old = messageIds(join(dataDir, aside!));
      for (const { id } of acked) expect(old.has(id)).toBe(true);
      expect(messageIds(join(dataDir, 'parley.db'))).toEqual(messageIds(backupFile()));

      // The restored database serves.
      server = await startCli(dataDir);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      await stop(server);
      server = undefined;
    },
  );

  it(
    'refuses a damaged file and a backup from a newer server, changing nothing',
    { timeout: 60_000 },
    async () => {
      const garbage = join(work, 'garbage.db');
      writeFileSync(garbage, Buffer.alloc(8192, 7));
      const damaged = await runCommand(['restore', garbage, '--data-dir', dataDir]);
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toMatch(/Not restored/);

      const newer = join(work, 'newer.db');
      const db = new Database(backupFile(), { readonly: true });
      await db.backup(newer);
      db.close();
      const edit = new Database(newer);
      edit
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)')
        .run('future');
      edit.close();
      const future = await runCommand(['restore', newer, '--data-dir', dataDir]);
      expect(future.code).toBe(1);
      expect(future.stderr).toMatch(/schema version 999, newer than this server knows/);
      const asides = readdirSync(dataDir).filter((n) => /before-restore-[\dTZ-]+$/.test(n));
      expect(asides.filter((n) => !/-(wal|shm)$/.test(n))).toHaveLength(1);
      expect(existsSync(join(dataDir, 'parley.db.restoring'))).toBe(false);
    },
  );

  it('answers a missing argument with usage and status 2', async () => {
    const run = await runCommand(['backup', '--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('backup takes one <file>');
  });
});
