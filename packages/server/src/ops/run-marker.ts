import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Folder inside the data folder where each running server leaves a marker. */
export const RUN_FOLDER = 'run';

let markers = 0;

/** What a running server writes about itself into `<dataDir>/run/<pid>-<n>.json`. */
export interface RunMarker {
  pid: number;
  host: string;
  url: string;
  startedAt: number;
}

/**
 * Records that this process serves from `dataDir`, so that `parley-server restore` can refuse
 * to replace a database under a live server. One file per process, because several processes
 * may share one data folder; a marker left by a process that died (`kill -9`) is recognised as
 * stale because no process has its pid any more.
 *
 * @returns A function that removes the marker (idempotent).
 */
export function writeRunMarker(dataDir: string, url: string, now: number): () => void {
  const folder = join(dataDir, RUN_FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // `n` tells apart several servers of one process (embedding hosts, tests).
  const file = join(folder, `${process.pid}-${++markers}.json`);
  const marker: RunMarker = { pid: process.pid, host: hostname(), url, startedAt: now };
  writeFileSync(file, `${JSON.stringify(marker)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** Whether a process with this pid exists (one we may not signal still counts). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The servers that run on `dataDir` now, from their markers. Markers of processes that no longer
 * exist on this host are stale: they are deleted and not returned. Markers written on another
 * host (a shared network folder) cannot be checked and count as running.
 */
export function liveServers(dataDir: string): RunMarker[] {
  const folder = join(dataDir, RUN_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => /^\d+-\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const live: RunMarker[] = [];
  for (const name of names) {
    const file = join(folder, name);
    let marker: RunMarker;
    try {
      marker = JSON.parse(readFileSync(file, 'utf8')) as RunMarker;
    } catch {
      continue; // being written or removed right now
    }
    if (marker.host !== hostname() || processExists(marker.pid)) live.push(marker);
    else rmSync(file, { force: true });
  }
  return live;
}
