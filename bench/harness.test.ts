import { describe, expect, it } from 'vitest';
import { rampEnds } from './realtime.js';
import { median, percentile } from './util.js';

describe('the harness arithmetic', () => {
  it('takes the median of an even count as the mean of the two middle values', () => {
    // Four p99s of the 1,500 msg/s runs: the lower middle alone (48.7) would flatter them.
    expect(median([48.7, 17.2, 64, 64.1])).toBeCloseTo(56.35);
    expect(median([3, 1, 2])).toBe(2);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
  });

  it('ends a ramp only once the server is behind the offer and no longer gaining', () => {
    const step = (offeredPerSec: number, acceptedPerSec: number, ackP99Ms = 100) => ({
      offeredPerSec,
      acceptedPerSec,
      ackP99Ms,
    });
    // Kept up: go on.
    expect(rampEnds(step(5000, 4978), step(4000, 3992))).toBe(false);
    // Behind the offer but still taking 10 % more than the step before: go on.
    expect(rampEnds(step(7000, 6405), step(6000, 5835))).toBe(false);
    // Behind and flat: saturated.
    expect(rampEnds(step(8000, 6872), step(7000, 6801))).toBe(true);
    // The first step, behind: nothing to gain over.
    expect(rampEnds(step(1000, 500))).toBe(false);
    expect(rampEnds(step(1000, 800), step(500, 490))).toBe(false);
    expect(rampEnds(step(2000, 500), step(1000, 500))).toBe(true);
    // Acks over 3 s: stop whatever the rates.
    expect(rampEnds(step(4000, 3999, 3500), step(3000, 3000))).toBe(true);
  });
});
