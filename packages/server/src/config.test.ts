import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, parseConfig } from './config.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      allowedOrigins: [],
      accessTokenTtlSec: 900,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('reads the environment, splitting ALLOWED_ORIGINS', () => {
    const input = configFromEnv({
      PORT: '8080',
      HOST: '0.0.0.0',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
      EMPTY: '',
    });
    const config = parseConfig(input);
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      logLevel: 'warn',
      trustProxy: 1,
    });
  });

  it('names every wrong setting by its environment variable and flag', () => {
    let error: unknown;
    try {
      parseConfig(
        configFromEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', ALLOWED_ORIGINS: 'example.com' }),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT \(--port\): /m);
    expect(problems).toMatch(/^LOG_LEVEL \(--log-level\): /m);
    expect(problems).toMatch(
      /^ALLOWED_ORIGINS \(--allowed-origins\)\.0: .*https:\/\/example\.com/m,
    );
  });

  it('reads the connection limits from MAX_CONNECTIONS and MAX_CONNECTIONS_PER_USER', () => {
    const config = parseConfig(
      configFromEnv({ MAX_CONNECTIONS: '500', MAX_CONNECTIONS_PER_USER: '4' }),
    );
    expect(config.realtime.maxConnections).toBe(500);
    expect(config.realtime.maxConnectionsPerUser).toBe(4);
    expect(() => parseConfig(configFromEnv({ MAX_CONNECTIONS: 'many' }))).toThrow(
      /^\s*- MAX_CONNECTIONS: /m,
    );
  });

  it('rejects a port out of range, a half TLS setup and a non-postgres DATABASE_URL', () => {
    expect(() => parseConfig({ port: 70_000 })).toThrow(/PORT/);
    expect(() => parseConfig({ tlsCert: '/tmp/cert.pem' })).toThrow(/TLS_CERT and TLS_KEY/);
    expect(() => parseConfig({ databaseUrl: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
