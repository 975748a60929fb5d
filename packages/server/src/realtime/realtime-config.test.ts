import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.js';
import { DEFAULT_CONVERSATION_CONFIG } from '../conversations/conversation-config.js';
import { DEFAULT_REALTIME_CONFIG } from './realtime-config.js';

describe('realtime and conversation settings', () => {
  it('default every field, and a partial object overrides only what it names', () => {
    const config = parseConfig({
      realtime: { maxConnectionsPerUser: 4 },
      conversations: { maxGroupMembers: 50 },
    });
    expect(config.realtime).toEqual({ ...DEFAULT_REALTIME_CONFIG, maxConnectionsPerUser: 4 });
    expect(config.conversations).toEqual({ ...DEFAULT_CONVERSATION_CONFIG, maxGroupMembers: 50 });
    expect(parseConfig({}).realtime.maxEventBytes).toBe(64 * 1024);
  });

  it('refuses values that would disable a limit', () => {
    expect(() => parseConfig({ realtime: { maxConnectionsPerUser: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ realtime: { maxEventBytes: 10 } })).toThrow(
      /realtime\.maxEventBytes/,
    );
    expect(() => parseConfig({ conversations: { maxGroupMembers: 5000 } })).toThrow(ConfigError);
  });
});
