import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { createApp } from '../app.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('operational endpoints', () => {
  it('answers /health and /ready while running', async () => {
    const health = await t.fetch('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.fetch('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exposes Prometheus metrics with HTTP latency, event-loop lag, auth failures and rate-limit hits', async () => {
    await t.fetch('/health');
    const res = await t.fetch('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'parley_http_request_duration_seconds',
      'parley_nodejs_eventloop_lag_seconds',
      'parley_auth_failures_total',
      'parley_rate_limit_hits_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('serves the demo app and the API reference page', async () => {
    const home = await t.fetch('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Parley');
    const docs = await t.fetch('/docs/');
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('swagger-ui');
    const asset = await t.fetch('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });

  it('sets security headers and a CSP without inline scripts', async () => {
    const res = await t.fetch('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('tags every response with a request id, echoing a sane incoming one', async () => {
    const res = await t.fetch('/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const evil = await t.fetch('/health', { headers: { 'x-request-id': 'a\tb<script>' } });
    expect(evil.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/api/v2/auth/login']) {
      const res = await t.fetch(path);
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('not_found');
    }
  });

  it('answers malformed JSON with 400 invalid_input and no stack trace', async () => {
    const res = await t.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": "alice", ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_input' } });
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('names the failing field of a body that does not match the schema', async () => {
    const res = await t.post('/api/v1/auth/login', { username: 'alice', authKey: 42 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; field: string } };
    expect(body.error).toMatchObject({ code: 'invalid_input', field: 'body.authKey' });
  });

  it('refuses a body that is not JSON at all', async () => {
    const res = await t.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'username=alice',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const res = await t.post('/api/v1/auth/login', { username: 'a'.repeat(600 * 1024) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });
});

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document that lists the auth routes', async () => {
    const res = await t.fetch('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const path of [
      '/api/v1/auth/prelogin',
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/auth/sessions/{id}',
      '/api/v1/auth/password',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});

describe('CORS', () => {
  it('allows only configured origins', async () => {
    const other = await startTestServer({ allowedOrigins: ['https://shop.example'] });
    try {
      const allowed = await other.fetch('/api/v1/auth/prelogin', {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const denied = await other.fetch('/api/v1/auth/prelogin', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe('readiness and shutdown', () => {
  it('answers /ready with 503 while starting or draining', async () => {
    for (const state of ['starting', 'draining'] as const) {
      const app = createApp(t.server.context, { state });
      const httpServer = http.createServer(app);
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      const { port } = httpServer.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: state });
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });

  it('stops accepting connections once closed', async () => {
    const s = await startTestServer();
    await s.server.close();
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    await s.close();
  });
});
