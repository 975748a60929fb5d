import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientMsgIdTime } from '../packages/sdk/src/outbox/client-msg-id.js';
import { clientMsgId } from '../packages/sdk/src/protocol/realtime.js';
import { clientMsgIdFrom } from './load-step.js';
import type { StepResult } from './load-step.js';
import { headlineStep, rampEnds } from './realtime.js';
import { walFrames } from './writer-pages.js';
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

  it('sends client ids as the SDK makes them: valid, UUIDv7-shaped, time first', () => {
    const now = Date.UTC(2026, 10, 26, 9, 30);
    const ids = [now, now + 1, now + 1000].map((t) => clientMsgIdFrom(randomBytes(16), t));
    for (const id of ids) {
      expect(clientMsgId.safeParse(id).success).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(ids.map(clientMsgIdTime)).toEqual([now, now + 1, now + 1000]);
    expect([...ids].sort()).toEqual(ids);
  });

  it('reads the page of every WAL frame and counts the frames that end a commit', () => {
    const pageSize = 512;
    const frame = (page: number, commitSize: number) => {
      const f = Buffer.alloc(24 + pageSize);
      f.writeUInt32BE(page, 0);
      f.writeUInt32BE(commitSize, 4);
      return f;
    };
    const header = Buffer.alloc(32);
    header.writeUInt32BE(pageSize, 8);
    // Two commits (pages 5, 7 | 5), and a torn frame at the end that is not counted.
    const wal = Buffer.concat([header, frame(5, 0), frame(7, 9), frame(5, 9), Buffer.alloc(40)]);
    expect(walFrames(wal)).toEqual({ pages: [5, 7, 5], commits: 2 });
    expect(walFrames(Buffer.alloc(0))).toEqual({ pages: [], commits: 0 });
  });

  it("judges the issue's rate on the median of its runs, other steps on their one run", () => {
    const step = (offeredPerSec: number, ackP99Ms: number) =>
      ({
        offeredPerSec,
        acceptedPerSec: offeredPerSec,
        deliveredShare: 1,
        ackP50Ms: ackP99Ms / 10,
        ackP99Ms,
        e2eP50Ms: ackP99Ms / 10,
        e2eP99Ms: ackP99Ms,
      }) as StepResult;
    const ramp = [step(1000, 10), step(1500, 75), step(2000, 200)];
    // One stall in the ramp's 1,500 step; three clean runs after it.
    const calm = headlineStep(ramp, [step(1500, 13), step(1500, 14), step(1500, 15)]);
    expect(calm.headline.offeredPerSec).toBe(1500);
    expect(calm.headline.ackP99Ms).toBe(14.5);
    expect(calm.targetAll).toHaveLength(4);
    // Over the target in most runs: the step below is the headline.
    const stalled = headlineStep(ramp, [step(1500, 60), step(1500, 14), step(1500, 70)]);
    expect(stalled.headline.offeredPerSec).toBe(1000);
    expect(stalled.headline.ackP99Ms).toBe(10);
    // No extra runs: the ramp's step alone decides, as before.
    expect(headlineStep(ramp, []).headline.offeredPerSec).toBe(1000);
    // Nothing within the latency target: the highest step kept up with in throughput.
    const slow = headlineStep([step(1000, 90), step(1500, 95)], []);
    expect(slow.best).toBeUndefined();
    expect(slow.headline.offeredPerSec).toBe(1500);
  });
});
