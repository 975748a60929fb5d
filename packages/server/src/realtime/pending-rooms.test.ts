import { describe, expect, it } from 'vitest';
import { createPendingRoomTracker } from './pending-rooms.js';

describe('createPendingRoomTracker', () => {
  it('records the latest change per conversation for open handshakes of that user only', () => {
    const tracker = createPendingRoomTracker();
    const pending = tracker.open('alice');
    const other = tracker.open('bob');
    tracker.record('alice', 'c1', 'joined');
    tracker.record('alice', 'c2', 'left');
    tracker.record('alice', 'c1', 'left');
    expect([...pending.joined]).toEqual([]);
    expect([...pending.left].sort()).toEqual(['c1', 'c2']);
    expect(other.left.size + other.joined.size).toBe(0);
  });

  it('stops recording once closed', () => {
    const tracker = createPendingRoomTracker();
    const pending = tracker.open('alice');
    pending.close();
    tracker.record('alice', 'c1', 'joined');
    expect(pending.joined.size).toBe(0);
  });
});
