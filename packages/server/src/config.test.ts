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

  it('runs the SQLite writer thread unless SQLITE_WRITER_THREAD turns it off', () => {
    expect(parseConfig({}).sqliteWriterThread).toBe(true);
    expect(parseConfig(configFromEnv({ SQLITE_WRITER_THREAD: 'false' })).sqliteWriterThread).toBe(
      false,
    );
    expect(parseConfig(configFromEnv({ SQLITE_WRITER_THREAD: '0' })).sqliteWriterThread).toBe(
      false,
    );
    expect(() => parseConfig(configFromEnv({ SQLITE_WRITER_THREAD: 'sometimes' }))).toThrow(
      /SQLITE_WRITER_THREAD/,
    );
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

  it('reads the file settings from UPLOAD_* and names a wrong one', () => {
    const config = parseConfig(
      configFromEnv({
        UPLOAD_MAX_BYTES: '1048576',
        UPLOAD_QUOTA_BYTES: '10485760',
        UPLOAD_ALLOWED_TYPES: 'image/*, application/pdf',
        UPLOAD_GRACE_SEC: '600',
      }),
    );
    expect(config.files).toMatchObject({
      maxUploadBytes: 1_048_576,
      quotaBytes: 10_485_760,
      allowedTypes: ['image/*', 'application/pdf'],
      graceSec: 600,
    });
    expect(parseConfig({}).files.allowedTypes).toContain('application/pdf');
    expect(() => parseConfig(configFromEnv({ UPLOAD_ALLOWED_TYPES: 'text/html;x' }))).toThrow(
      /^\s*- UPLOAD_ALLOWED_TYPES: /m,
    );
    expect(() => parseConfig(configFromEnv({ UPLOAD_MAX_BYTES: 'lots' }))).toThrow(
      /^\s*- UPLOAD_MAX_BYTES: /m,
    );
  });

  it('rejects a port out of range, a half TLS setup and a non-postgres DATABASE_URL', () => {
    expect(() => parseConfig({ port: 70_000 })).toThrow(/PORT/);
    expect(() => parseConfig({ tlsCert: '/tmp/cert.pem' })).toThrow(/TLS_CERT and TLS_KEY/);
    expect(() => parseConfig({ databaseUrl: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
