import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, parseConfig } from '../config.js';
import { createServer } from '../server.js';

describe('scale-out settings', () => {
  it('reads the pool size, schema and Redis prefix from the environment', () => {
    const config = parseConfig(
      configFromEnv({
        DATABASE_URL: 'postgres://u@db:5432/parley',
        DATABASE_POOL_SIZE: '25',
        DATABASE_SCHEMA: 'chat_prod',
        REDIS_URL: 'redis://cache:6379',
        REDIS_PREFIX: 'chat:',
      }),
    );
    expect(config).toMatchObject({
      databasePoolSize: 25,
      databaseSchema: 'chat_prod',
      redisPrefix: 'chat:',
    });
    expect(parseConfig({}).redisPrefix).toBe('parley:');
    expect(parseConfig({}).databasePoolSize).toBe(10);
  });

  it('names each wrong setting', () => {
    const problems = (input: object) => {
      try {
        parseConfig(input);
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [String(error)];
      }
    };
    expect(problems({ databaseSchema: 'x; DROP TABLE users' })[0]).toMatch(/^DATABASE_SCHEMA:/);
    expect(problems({ redisPrefix: 'a b' })[0]).toMatch(/^REDIS_PREFIX:/);
    expect(problems({ databasePoolSize: 0 })[0]).toMatch(/^DATABASE_POOL_SIZE:/);
  });

  it('refuses to start, with a clear error, when Redis does not answer', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-redis-down-'));
    try {
      await expect(
        createServer({ dataDir, port: 0, logLevel: 'silent', redisUrl: 'redis://127.0.0.1:1' }),
      ).rejects.toThrow(/could not connect to Redis at REDIS_URL/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
