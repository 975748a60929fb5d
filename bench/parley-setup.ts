/**
 * Accounts and groups for the load runs, created over the REST API with the test suite's wire
 * builders (random stand-ins for keys and signatures: the server treats them as opaque).
 */
import { randomBytes } from 'node:crypto';
import {
  b64u,
  epochRequest,
  membershipEntry,
  newAccount,
} from '../packages/server/test/wire-builders.js';

/** A registered user with an access token. */
export interface BenchUser {
  id: string;
  token: string;
  ik: string;
  kaId: string;
}

/** A group conversation with a first epoch. */
export interface BenchGroup {
  id: string;
  epochId: string;
  members: BenchUser[];
}

const UNLIMITED = { points: 10_000_000, durationSec: 60 };

/**
 * Server options for load runs: production defaults except the per-user and per-IP rate
 * limits (one generator stands for thousands of people), the connection caps, and a cheap
 * server-side hash of the authKey so that setting up 1,000 accounts takes seconds (login cost
 * is measured by the `auth` suite, not here).
 */
export function loadServerOptions(dataDir: string, extra: object = {}): object {
  return {
    dataDir,
    logLevel: 'warn',
    authHash: { memoryKiB: 1024, timeCost: 1 },
    rateLimits: { registerIp: { points: 1_000_000, durationSec: 3600 } },
    conversations: { api: UNLIMITED },
    realtime: {
      send: UNLIMITED,
      sync: UNLIMITED,
      maxConnections: 19_000,
      maxConnectionsPerUser: 64,
      drainMs: 0,
    },
    ...extra,
  };
}

async function api<T>(url: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function pool<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}

/** Registers `n` users (8 requests in flight). */
export function registerUsers(url: string, n: number): Promise<BenchUser[]> {
  const tag = randomBytes(3).toString('hex');
  return pool(n, 8, async (i) => {
    const { request } = newAccount(`load${i}x${tag}`);
    const auth = await api<{ user: { id: string }; accessToken: string }>(
      url,
      '/auth/register',
      request,
    );
    return {
      id: auth.user.id,
      token: auth.accessToken,
      ik: request.identityKey,
      kaId: request.keyAgreementKey.kaId,
    };
  });
}

/** Creates a group of `members` (the first is the owner) and its first epoch. */
export async function createGroup(url: string, members: BenchUser[]): Promise<BenchGroup> {
  const [owner] = members as [BenchUser, ...BenchUser[]];
  const id = b64u(16);
  const entries = [
    membershipEntry(id, 0, 'create', owner, owner),
    ...members.slice(1).map((m, i) => membershipEntry(id, i + 1, 'add', owner, m)),
  ];
  await api(url, '/conversations', { kind: 'group', title: 'load', entries }, owner.token);
  const epoch = epochRequest({ id, memberSeq: members.length - 1, epochId: null }, owner, members);
  await api(url, `/conversations/${id}/epochs`, epoch, owner.token);
  return { id, epochId: epoch.epoch.record.epochId, members };
}

/** Splits `users` into consecutive groups of `size` and creates them (4 in flight). */
export function createGroups(url: string, users: BenchUser[], size: number): Promise<BenchGroup[]> {
  const count = Math.floor(users.length / size);
  return pool(count, 4, (g) => createGroup(url, users.slice(g * size, (g + 1) * size)));
}
