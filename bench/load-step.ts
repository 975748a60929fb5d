/**
 * One step of an open-loop load run: messages leave on a fixed schedule (the offered rate),
 * whatever the server does, and every latency is measured from the message's *intended* send
 * time, so a stalled server cannot hide its backlog (no coordinated omission). Acks and
 * deliveries go into HDR histograms; the achieved rates are reported beside the offered one,
 * with the server's CPU and event-loop utilisation and the generator's own CPU over the step.
 */
import { randomBytes } from 'node:crypto';
import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { ProcessStats } from './process-stats.js';
import { between } from './process-stats.js';
import type { RawClient } from './raw-client.js';
import { round, sleep } from './util.js';
import { newClientMsgId } from '../packages/sdk/src/outbox/client-msg-id.js';

/** A member socket that sends into its group. */
export interface LoadSender {
  userId: string;
  client: RawClient;
}

/** A group under load: every member's socket receives each message (sender included). */
export interface LoadGroup {
  id: string;
  epochId: string;
  senders: LoadSender[];
}

/** Routes event frames of every load socket to the step that is running. */
export interface DeliverySink {
  deliver(frame: string): void;
}

/** A sink whose handler the runner swaps per step. */
export function createSink(): DeliverySink & { handler: (frame: string) => void } {
  const sink = {
    handler: (_frame: string) => undefined as void,
    deliver(frame: string) {
      sink.handler(frame);
    },
  };
  return sink;
}

/** Size of the ciphertext box: a short text message (256-byte padding bucket + nonce + tag). */
export const BOX_BYTES = 284;
const BOX = randomBytes(BOX_BYTES).toString('base64url');
const SIG = randomBytes(64).toString('base64url');

/** The `send` payload as JSON text, built by template (cheap per message). */
export function sendPayload(
  group: { id: string; epochId: string },
  sender: string,
  msgId: string,
  clientMsgId: string,
): string {
  return `{"conversationId":"${group.id}","clientMsgId":"${clientMsgId}","message":{"header":{"v":1,"suite":"cs1","conv":"${group.id}","epochId":"${group.epochId}","msgId":"${msgId}","sender":"${sender}","ts":${Date.now()},"ctype":"text"},"box":"${BOX}","sig":"${SIG}"}}`;
}

/**
 * The message ids of an `event` frame (one) or an `events` frame (one per event): each `"id":"`
 * field, without parsing the JSON (a header's `msgId` does not match: the quote comes first).
 */
export function eventIds(frame: string): string[] {
  const ids: string[] = [];
  for (let at = frame.indexOf('"id":"'); at >= 0; at = frame.indexOf('"id":"', at + 28)) {
    ids.push(frame.slice(at + 6, at + 28));
  }
  return ids;
}

const newHistogram = (): Histogram =>
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });

/** The figures of one step. */
export interface StepResult {
  offeredPerSec: number;
  sent: number;
  acceptedPerSec: number;
  deliveriesPerSec: number;
  /** Deliveries received ÷ deliveries expected (accepted × group size). */
  deliveredShare: number;
  ackP50Ms: number;
  ackP90Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
  e2eMaxMs: number;
  /** Refused sends (error acks, or the socket was closed). */
  errors: number;
  /** Sends with no answer by the end of the step's drain time. */
  unanswered: number;
  /** Server CPU, in cores, and event-loop utilisation (0–1) over the step. */
  serverCpu: number;
  serverElu: number;
  /** The server's event-loop delay over the step, p99 and max in ms (its stalls). */
  serverLoopDelayP99Ms: number;
  serverLoopDelayMaxMs: number;
  /**
   * Messages accepted per second of server CPU: the server's cost per message, which holds
   * when other processes take the core away (its latencies do not, then).
   */
  acceptedPerCpuSec: number;
  /** Generator CPU in cores (if near 1, the generator, not the server, is the limit). */
  generatorCpu: number;
  /** How late the generator sent, p99 ms (its own lag). */
  sendLagP99Ms: number;
  /** The first refusal, for diagnosis. */
  firstError?: string;
}

/** Options of {@link runStep}. */
export interface StepOptions {
  groups: LoadGroup[];
  sink: ReturnType<typeof createSink>;
  rate: number;
  seconds: number;
  stats: () => Promise<ProcessStats>;
  /** Wait this long at most for late acks and deliveries after the last send. Default 10 s. */
  drainMs?: number;
}

/**
 * The client id the SDK would give a message (`newClientMsgId`: a UUIDv7, time first), from
 * random bytes the caller has anyway, which saves the generator a call to the system's random
 * source per message: time-ordered ids are what the server's idempotency index is laid out for
 * (SQLite migration 5), so the bench sends them.
 */
export function clientMsgIdFrom(random: Uint8Array, now = Date.now()): string {
  return newClientMsgId(now, (bytes) => bytes.set(random.subarray(0, bytes.length)));
}

/** Runs one open-loop step at `rate` messages per second for `seconds`. */
export async function runStep(o: StepOptions): Promise<StepResult> {
  const ack = newHistogram();
  const e2e = newHistogram();
  const lag = newHistogram();
  const intended = new Map<string, number>();
  const fanout = o.groups[0]?.senders.length ?? 1;
  let delivered = 0;
  let accepted = 0;
  let errors = 0;
  let lastAck = 0;
  let lastDelivery = 0;
  let firstError: string | undefined;
  o.sink.handler = (frame) => {
    const now = performance.now();
    for (const id of eventIds(frame)) {
      const t0 = intended.get(id);
      if (t0 === undefined) continue;
      delivered++;
      lastDelivery = now;
      e2e.recordValue(Math.max(1, Math.round((now - t0) * 1000)));
    }
  };
  const total = Math.round(o.rate * o.seconds);
  const s0 = await o.stats();
  const g0 = process.cpuUsage();
  const start = performance.now() + 5;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / o.rate <= now) {
        const t0 = start + (sent * 1000) / o.rate;
        const group = o.groups[sent % o.groups.length] as LoadGroup;
        const sender = group.senders[
          Math.floor(sent / o.groups.length) % group.senders.length
        ] as LoadSender;
        const random = randomBytes(16);
        const msgId = random.toString('base64url');
        intended.set(msgId, t0);
        lag.recordValue(Math.max(1, Math.round((now - t0) * 1000)));
        const payload = sendPayload(group, sender.userId, msgId, clientMsgIdFrom(random));
        const ok = sender.client.emitJson('send', payload, (reply) => {
          const at = performance.now();
          if (reply.startsWith('[{"ok":true')) {
            accepted++;
            lastAck = at;
            ack.recordValue(Math.max(1, Math.round((at - t0) * 1000)));
          } else {
            errors++;
            firstError ??= reply;
          }
        });
        if (!ok) errors++;
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 5);
  });
  const deadline = performance.now() + (o.drainMs ?? 10_000);
  while (
    (accepted + errors < total || delivered < accepted * fanout) &&
    performance.now() < deadline
  )
    await sleep(10);
  const s1 = await o.stats();
  const g1 = process.cpuUsage(g0);
  const server = between(s0, s1);
  const wall = (performance.now() - start) / 1000;
  o.sink.handler = () => undefined;
  const window = o.seconds;
  const ms = (h: Histogram, p: number) => round(h.getValueAtPercentile(p) / 1000);
  return {
    offeredPerSec: o.rate,
    sent,
    acceptedPerSec: round(accepted / Math.max(window, (lastAck - start) / 1000)),
    deliveriesPerSec: round(delivered / Math.max(window, (lastDelivery - start) / 1000)),
    deliveredShare: accepted === 0 ? 0 : round(delivered / (accepted * fanout)),
    ackP50Ms: ms(ack, 50),
    ackP90Ms: ms(ack, 90),
    ackP99Ms: ms(ack, 99),
    ackMaxMs: round(ack.maxValue / 1000),
    e2eP50Ms: ms(e2e, 50),
    e2eP99Ms: ms(e2e, 99),
    e2eMaxMs: round(e2e.maxValue / 1000),
    errors,
    unanswered: total - accepted - errors,
    serverCpu: round(server.cpu),
    serverElu: round(server.elu),
    serverLoopDelayP99Ms: round(s1.loopDelayP99Ms ?? Number.NaN),
    serverLoopDelayMaxMs: round(s1.loopDelayMaxMs ?? Number.NaN),
    acceptedPerCpuSec: round(accepted / (s1.cpuSec - s0.cpuSec)),
    generatorCpu: round((g1.user + g1.system) / 1e6 / wall),
    sendLagP99Ms: ms(lag, 99),
    ...(firstError === undefined ? {} : { firstError: firstError.slice(0, 300) }),
  };
}

/** One line of a step for the progress log. */
export function describeStep(label: string, r: StepResult): string {
  return `${label} offered ${r.offeredPerSec}/s: accepted ${r.acceptedPerSec}/s, deliveries ${r.deliveriesPerSec}/s (${Math.round(r.deliveredShare * 100)}%), ack p50 ${r.ackP50Ms} p99 ${r.ackP99Ms} ms, e2e p50 ${r.e2eP50Ms} p99 ${r.e2eP99Ms} ms, server CPU ${r.serverCpu} ELU ${r.serverElu} loop delay p99/max ${r.serverLoopDelayP99Ms}/${r.serverLoopDelayMaxMs} ms (${r.acceptedPerCpuSec} msg per CPU-s), generator CPU ${r.generatorCpu}, send lag p99 ${r.sendLagP99Ms} ms, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}, unanswered ${r.unanswered}`;
}

/** Whether the server kept up with a step: took ≥ 97% of the offer, all delivered, in time. */
export function keptUp(r: StepResult, maxP99Ms: number): boolean {
  return (
    r.acceptedPerSec >= 0.97 * r.offeredPerSec && r.deliveredShare >= 0.99 && r.ackP99Ms <= maxP99Ms
  );
}
