import { describe, expect, it } from 'vitest';
import { pageVisible, watchVisibility } from './auto-away.js';

/** A stand-in for `document`'s visibility API. */
function fakeDocument() {
  const listeners = new Set<() => void>();
  return {
    visibilityState: 'visible',
    addEventListener: (_: 'visibilitychange', l: () => void) => listeners.add(l),
    removeEventListener: (_: 'visibilitychange', l: () => void) => listeners.delete(l),
    set(state: string) {
      this.visibilityState = state;
      for (const l of listeners) l();
    },
    get count() {
      return listeners.size;
    },
  };
}

describe('watchVisibility', () => {
  it('reports hidden and visible pages until stopped', () => {
    const doc = fakeDocument();
    const seen: boolean[] = [];
    const stop = watchVisibility((v) => seen.push(v), doc);
    doc.set('hidden');
    expect(pageVisible(doc)).toBe(false);
    doc.set('visible');
    stop();
    doc.set('hidden');
    expect(seen).toEqual([false, true]);
    expect(doc.count).toBe(0);
  });

  it('does nothing outside browsers', () => {
    const stop = watchVisibility(() => {
      throw new Error('never called');
    }, undefined);
    stop();
    expect(pageVisible(undefined)).toBe(true);
  });
});
