import { describe, expect, it } from 'vitest';
import { PresenceRegistry } from './presence-registry.js';

describe('PresenceRegistry', () => {
  it('makes several connections of one user one presence', () => {
    const registry = new PresenceRegistry();
    expect(registry.set('u', 'tab1', 'online')).toEqual({
      userId: 'u',
      before: 'offline',
      after: 'online',
    });
    expect(registry.set('u', 'tab2', 'online').after).toBe('online');
    expect(registry.remove('u', 'tab1')).toMatchObject({ before: 'online', after: 'online' });
    expect(registry.remove('u', 'tab2')).toMatchObject({ before: 'online', after: 'offline' });
    expect(registry.size).toBe(0);
  });

  it('is away only when every connection is idle', () => {
    const registry = new PresenceRegistry();
    registry.set('u', 'phone', 'online');
    registry.set('u', 'laptop', 'online');
    expect(registry.set('u', 'phone', 'away').after).toBe('online');
    expect(registry.set('u', 'laptop', 'away')).toMatchObject({ before: 'online', after: 'away' });
    expect(registry.remove('u', 'laptop')).toMatchObject({ before: 'away', after: 'away' });
  });

  it('ignores the removal of a connection it never saw', () => {
    const registry = new PresenceRegistry();
    expect(registry.remove('u', 'nope')).toEqual({
      userId: 'u',
      before: 'offline',
      after: 'offline',
    });
    expect(registry.connections('u')).toBe(0);
  });
});
