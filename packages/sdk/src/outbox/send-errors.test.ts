import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { ERROR_CODES } from '../protocol/errors.js';
import { classifySendError } from './send-errors.js';

describe('classifySendError', () => {
  it('re-encrypts after a lost epoch race or a stale epoch', () => {
    expect(classifySendError(new ChatError('conflict', 'stale'))).toBe('reencrypt');
  });

  it('waits for the reconnect when offline or while the session renews', () => {
    for (const code of ['network_error', 'unauthorized', 'token_expired'] as const) {
      expect(classifySendError(new ChatError(code, ''))).toBe('offline');
    }
  });

  it('backs off when the server is busy or restarting', () => {
    for (const code of ['rate_limited', 'unavailable', 'internal'] as const) {
      expect(classifySendError(new ChatError(code, ''))).toBe('later');
    }
  });

  it('marks everything else failed, so nothing loops forever', () => {
    const retryable = new Set([
      'conflict',
      'network_error',
      'unauthorized',
      'token_expired',
      'rate_limited',
      'unavailable',
      'internal',
    ]);
    for (const code of ERROR_CODES.filter((c) => !retryable.has(c))) {
      expect(classifySendError(new ChatError(code, ''))).toBe('fail');
    }
  });
});
