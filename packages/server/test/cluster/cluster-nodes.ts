import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  dropSchema,
  testDatabaseUrl,
  uniqueSchema,
} from '../../src/store/postgres/test-database.js';
import type { TestServer } from '../helpers.js';
import { urlFetchers } from '../url-fetchers.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/**
 * The Redis the suites use: `REDIS_URL`, or `undefined` with a printed reason when it is unset or
 * does not answer, outside CI (in CI that is an error).
 */
export async function testRedisUrl(suite: string): Promise<string | undefined> {
  const url = process.env.REDIS_URL;
  const ci = process.env.CI === 'true';
  if (!url) {
    if (ci) throw new Error(`${suite}: REDIS_URL must be set in CI`);
    console.warn(`skipping ${suite}: REDIS_URL is not set (redis://host:6379)`);
    return undefined;
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch (error) {
    if (ci) throw new Error(`${suite}: Redis at REDIS_URL is unreachable`, { cause: error });
    console.warn(`skipping ${suite}: Redis at REDIS_URL is unreachable (${String(error)})`);
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** PostgreSQL and Redis for a multi-node suite, or `undefined` when the suite must skip. */
export interface ClusterServices {
  databaseUrl: string;
  redisUrl: string;
  /** A schema and Redis prefix of this suite alone, so suites run in parallel. */
  schema: string;
  redisPrefix: string;
  /** Drops the schema and the suite's Redis keys. */
  cleanup(): Promise<void>;
}

/** Resolves the services of a multi-node suite (see {@link testRedisUrl}). */
export async function clusterServices(suite: string): Promise<ClusterServices | undefined> {
  const databaseUrl = await testDatabaseUrl(suite);
  const redisUrl = await testRedisUrl(suite);
  if (!databaseUrl || !redisUrl) return undefined;
  const schema = uniqueSchema(suite.toLowerCase());
  const redisPrefix = `${schema}:`;
  return {
    databaseUrl,
    redisUrl,
    schema,
    redisPrefix,
    async cleanup() {
      await dropSchema(databaseUrl, schema);
      const redis = new Redis(redisUrl);
      redis.on('error', () => undefined);
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** One server node in its own process. */
export interface ClusterNode {
  child: ChildProcess;
  url: string;
  port: number;
  /** The node as the wire-level fixtures expect a test server. */
  t: TestServer;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait for the exit. */
  stop(): Promise<void>;
}

/** Options of {@link startNode}. */
export interface NodeOptions {
  /** Default: the suite's Redis URL; a test can point at a cuttable proxy instead. */
  redisUrl?: string;
  port?: number;
  env?: Record<string, string>;
}

/** Starts `parley-server` from source with the suite's PostgreSQL schema and Redis prefix. */
export async function startNode(
  services: ClusterServices,
  options: NodeOptions = {},
): Promise<ClusterNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-node-'));
  const child = spawn(
    process.execPath,
    ['--conditions=parley-source', '--import', 'tsx', CLI, '--port', String(options.port ?? 0)],
    {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        DATABASE_URL: services.databaseUrl,
        DATABASE_SCHEMA: services.schema,
        DATABASE_POOL_SIZE: '4',
        REDIS_URL: options.redisUrl ?? services.redisUrl,
        REDIS_PREFIX: services.redisPrefix,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => rm(dataDir, { recursive: true, force: true }));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /running at (\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`node exited (${code}): ${out}`)));
  });
  const node: ClusterNode = {
    child,
    url,
    port: Number(new URL(url).port),
    t: testServerView(url),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return node;
}

/** The parts of {@link TestServer} the wire fixtures use, for a server reached by URL. */
export function testServerView(url: string): TestServer {
  const view: Pick<TestServer, 'url' | 'fetch' | 'post'> = {
    url,
    ...urlFetchers(url),
  };
  // The fixtures never touch the in-process parts (server, logs, audit) of a TestServer.
  return view as TestServer;
}
