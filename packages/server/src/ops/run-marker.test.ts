import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_FOLDER, liveServers, writeRunMarker } from './run-marker.js';

describe('run markers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-run-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names each live server of the data folder until its marker is removed', () => {
    const removeA = writeRunMarker(dir, 'http://127.0.0.1:1', 1);
    const removeB = writeRunMarker(dir, 'http://127.0.0.1:2', 2);
    expect(
      liveServers(dir)
        .map((m) => m.url)
        .sort(),
    ).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    removeA();
    expect(liveServers(dir).map((m) => m.url)).toEqual(['http://127.0.0.1:2']);
    removeB();
    expect(liveServers(dir)).toEqual([]);
  });

  it('ignores and deletes the marker of a process that died (kill -9 leaves one behind)', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(dir, RUN_FOLDER));
    const marker = { pid: dead, host: hostname(), url: 'http://x', startedAt: 0 };
    writeFileSync(join(dir, RUN_FOLDER, `${dead}-1.json`), JSON.stringify(marker));
    expect(liveServers(dir)).toEqual([]);
    expect(readdirSync(join(dir, RUN_FOLDER))).toEqual([]);
  });

  it('counts a marker written on another host as running (it cannot be checked from here)', () => {
    mkdirSync(join(dir, RUN_FOLDER));
    const marker = { pid: 1, host: `not-${hostname()}`, url: 'http://y', startedAt: 0 };
    writeFileSync(join(dir, RUN_FOLDER, '1-1.json'), JSON.stringify(marker));
    expect(liveServers(dir)).toEqual([marker]);
  });

  it('finds nothing in a data folder without markers', () => {
    expect(liveServers(join(dir, 'missing'))).toEqual([]);
  });
});
