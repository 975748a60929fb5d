import { describe, expect, it } from 'vitest';
import { ChatError, codeForStatus } from './errors.js';

const NOW = Date.UTC(2026, 0, 1);

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('ChatError', () => {
  it('is an Error with a stable code, status and cause', () => {
    const cause = new Error('boom');
    const error = new ChatError('forbidden', 'nope', { status: 403, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ChatError');
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.cause).toBe(cause);
    expect(ChatError.is(error)).toBe(true);
    expect(ChatError.is(error, 'forbidden')).toBe(true);
    expect(ChatError.is(error, 'unauthorized')).toBe(false);
    expect(ChatError.is(new Error('x'))).toBe(false);
  });

  it('takes code, message and field from the server error body', async () => {
    const error = await ChatError.fromResponse(
      jsonResponse(400, { error: { code: 'invalid_input', message: 'bad', field: 'kdf.m' } }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe('bad');
    expect(error.field).toBe('kdf.m');
    expect(error.status).toBe(400);
  });

  it('reads Retry-After on a 429', async () => {
    const error = await ChatError.fromResponse(
      jsonResponse(
        429,
        { error: { code: 'rate_limited', message: 'slow down' } },
        { 'retry-after': '12' },
      ),
      () => NOW,
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('keeps token_expired distinct from unauthorized', async () => {
    const error = await ChatError.fromResponse(
      jsonResponse(401, { error: { code: 'token_expired', message: 'expired' } }),
    );
    expect(error.code).toBe('token_expired');
  });

  it('falls back to the status when the body is not a Parley error', async () => {
    const html = new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' });
    const error = await ChatError.fromResponse(html);
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe('HTTP 502 Bad Gateway');
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('does not let an unknown code from the server into the typed code', async () => {
    const error = await ChatError.fromResponse(
      jsonResponse(403, { error: { code: 'evil_code', message: 'x' } }),
    );
    expect(error.code).toBe('forbidden');
  });

  it('wraps a network failure as network_error with the cause', () => {
    const cause = new TypeError('fetch failed');
    const error = ChatError.network(cause);
    expect(error.code).toBe('network_error');
    expect(error.cause).toBe(cause);
    expect(error.status).toBeUndefined();
  });
});

describe('codeForStatus', () => {
  it('maps common statuses to codes', () => {
    expect(codeForStatus(401)).toBe('unauthorized');
    expect(codeForStatus(404)).toBe('not_found');
    expect(codeForStatus(409)).toBe('conflict');
    expect(codeForStatus(413)).toBe('payload_too_large');
    expect(codeForStatus(429)).toBe('rate_limited');
    expect(codeForStatus(503)).toBe('unavailable');
    expect(codeForStatus(500)).toBe('internal');
    expect(codeForStatus(418)).toBe('invalid_input');
  });
});
