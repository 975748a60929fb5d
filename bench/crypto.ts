/**
 * Benchmarks of the cs1 crypto core (issue 3 targets): message encrypt+sign and verify+decrypt
 * rates, opening a 1000-message history, HPKE seal, epoch creation for 10/100/1000 members,
 * streamed attachment throughput with its memory growth, and the Argon2id login KDF.
 *
 * Run alone: `node --conditions=parley-source --import tsx bench/crypto.ts [--quick]`
 * (add `--expose-gc` for a steadier memory baseline).
 */
import { pathToFileURL } from 'node:url';
import { KDF_DEFAULTS, KDF_LIMITS } from '../packages/sdk/src/protocol/auth.js';
import { decryptAttachment, encryptAttachment } from '../packages/sdk/src/crypto/attachments.js';
import { toB64u } from '../packages/sdk/src/crypto/encoding.js';
import { createEpoch } from '../packages/sdk/src/crypto/epochs.js';
import type { OpenedEpoch } from '../packages/sdk/src/crypto/epochs.js';
import { hpkeSeal } from '../packages/sdk/src/crypto/hpke.js';
import { argon2id } from '../packages/sdk/src/crypto/kdf.js';
import { DEFAULT_CONVERSATION_SETTINGS } from '../packages/sdk/src/crypto/membership-entry.js';
import { computeMemberSetHash } from '../packages/sdk/src/crypto/membership-log.js';
import type { MembershipState } from '../packages/sdk/src/crypto/membership-log.js';
import { decryptMessage, encryptMessage } from '../packages/sdk/src/crypto/messages.js';
import type { WireMessage } from '../packages/sdk/src/crypto/messages.js';
import type { CryptoProvider } from '../packages/sdk/src/crypto/provider.js';
import { createNobleProvider } from '../packages/sdk/src/crypto/providers/noble.js';
import { getCryptoProvider } from '../packages/sdk/src/crypto/providers/select.js';
import {
  directoryOf,
  makeConversation,
  makeUser,
  T0,
  trustAll,
} from '../packages/sdk/test/cs1-fixture.js';
import type { TestUser } from '../packages/sdk/test/cs1-fixture.js';

/** Options of {@link runCryptoBench}. */
export interface CryptoBenchOptions {
  /** Smaller sizes for CI smoke runs: 8 MiB attachment, no 1000-member epoch. */
  readonly quick: boolean;
  /** Receives one human-readable line per result. */
  readonly log: (line: string) => void;
}

const MIB = 1024 * 1024;
const TEXT_1K = 'x'.repeat(1024);

/**
 * Wall-clock and process CPU time of `fn`. CPU time (all threads, so WebCrypto's thread pool is
 * included) shows the cost of the work itself when other processes compete for the cores.
 */
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

async function usersOf(provider: CryptoProvider, n: number, prefix: string): Promise<TestUser[]> {
  const users: TestUser[] = [];
  // Batches keep the number of in-flight WebCrypto jobs bounded.
  for (let i = 0; i < n; i += 100) {
    const ids = Array.from({ length: Math.min(100, n - i) }, (_, k) => `${prefix}${i + k}`);
    users.push(...(await Promise.all(ids.map((id) => makeUser(provider, id)))));
  }
  return users;
}

/** A membership state of `users` (as a verified log replay would produce; the log itself is not under test here). */
async function stateOf(
  provider: CryptoProvider,
  conv: string,
  users: readonly TestUser[],
): Promise<MembershipState> {
  const members = users
    .map((u) => ({ userId: u.userId, ik: u.ik }))
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  return {
    conv,
    seq: users.length - 1,
    headHash: toB64u(new Uint8Array(32)),
    members,
    admins: [users[0]!.userId],
    settings: DEFAULT_CONVERSATION_SETTINGS,
    memberSetHash: await computeMemberSetHash(provider, members),
    lastDepartureSeq: -1,
  };
}

async function messageBench(
  provider: CryptoProvider,
  quick: boolean,
): Promise<Record<string, number>> {
  const senders = await usersOf(provider, 5, 'm');
  const c = await makeConversation(provider, 'bench-conv', senders[0]!, senders.slice(1));
  const { epoch } = await createEpoch(provider, {
    conv: c.conv,
    membership: c.state,
    creator: senders[0]!,
    directory: directoryOf(senders),
    isTrusted: trustAll,
    prevEpochId: null,
    reason: 'init',
    now: T0,
  });
  const send = (i: number) =>
    encryptMessage(provider, {
      epoch,
      sender: senders[i % 5]!,
      ctype: 'text',
      body: { text: TEXT_1K },
      ts: T0 + i,
    });
  const receive = (wire: WireMessage, e: OpenedEpoch = epoch) =>
    decryptMessage(provider, { wire, conv: c.conv, epoch: e, isTrusted: trustAll });

  for (let i = 0; i < 200; i++) await receive(await send(i)); // warm-up (JIT, key caches)
  const n = quick ? 1000 : 5000;
  const wires: WireMessage[] = new Array<WireMessage>(n);
  const encSeq = await time(async () => {
    for (let i = 0; i < n; i++) wires[i] = await send(i);
  });
  const decSeq = await time(async () => {
    for (const wire of wires)
      if (!(await receive(wire)).ok) throw new Error('bench message failed');
  });
  // Throughput with a few operations in flight, as an outbox or a history load runs them:
  // WebCrypto works on a thread pool, so the main thread is free while one is in progress.
  const enc = await time(() => pool(n, IN_FLIGHT, async (i) => void (wires[i] = await send(i))));
  const dec = await time(() => pool(n, IN_FLIGHT, async (i) => void (await receive(wires[i]!))));
  const history = wires.slice(0, 1000);
  const hist = await time(() =>
    pool(history.length, IN_FLIGHT, async (i) => void (await receive(history[i]!))),
  );
  return {
    encryptSignPerSec: Math.round((n / enc.ms) * 1000),
    verifyDecryptPerSec: Math.round((n / dec.ms) * 1000),
    encryptSignSeqPerSec: Math.round((n / encSeq.ms) * 1000),
    verifyDecryptSeqPerSec: Math.round((n / decSeq.ms) * 1000),
    history1000OpenMs: Math.round(hist.ms),
    // Per CPU-second: the cost of the work itself, whatever else competes for the cores.
    encryptSignPerCpuSec: Math.round((n / enc.cpuMs) * 1000),
    verifyDecryptPerCpuSec: Math.round((n / dec.cpuMs) * 1000),
  };
}

/** How many message operations the throughput figures keep in flight. */
const IN_FLIGHT = 8;

/** Runs `task(0…n-1)` with at most `limit` running at once. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

async function epochBench(
  provider: CryptoProvider,
  quick: boolean,
): Promise<Record<string, number>> {
  const sizes = quick ? [10, 100] : [10, 100, 1000];
  const users = await usersOf(provider, sizes[sizes.length - 1]!, 'u');
  const out: Record<string, number> = {};

  const recipient = users[1]!.kaKeys[0]!.publicKey;
  const plaintext = provider.randomBytes(32);
  const info = new Uint8Array(64);
  const seal = () =>
    hpkeSeal(provider, { recipientPublicKey: recipient, info, aad: info, plaintext });
  for (let i = 0; i < 20; i++) await seal();
  const seals = 200;
  const sealed = await time(async () => {
    for (let i = 0; i < seals; i++) await seal();
  });
  out.hpkeSealMs = Number((sealed.ms / seals).toFixed(3));

  for (const n of sizes) {
    const members = users.slice(0, n);
    const state = await stateOf(provider, `bench-epoch-${n}`, members);
    const options = {
      conv: state.conv,
      membership: state,
      creator: members[0]!,
      directory: directoryOf(members),
      isTrusted: trustAll,
      prevEpochId: null,
      reason: 'init' as const,
      now: T0,
    };
    await createEpoch(provider, options); // warm-up
    const runs = n >= 1000 ? 2 : 5;
    const { ms, cpuMs } = await time(async () => {
      for (let i = 0; i < runs; i++) await createEpoch(provider, options);
    });
    out[`epochCreate${n}Ms`] = Math.round(ms / runs);
    out[`epochCreate${n}CpuMs`] = Math.round(cpuMs / runs);
  }
  return out;
}

function rss(): number {
  return process.memoryUsage.rss();
}

async function drain(stream: ReadableStream<Uint8Array>, keep?: Uint8Array[]): Promise<number> {
  let bytes = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.length;
    keep?.push(value);
  }
}

async function attachmentBench(
  provider: CryptoProvider,
  quick: boolean,
): Promise<Record<string, number>> {
  const total = (quick ? 8 : 64) * MIB;
  const piece = provider.randomBytes(64 * 1024);
  let peak = 0;
  let pieces = 0;
  // Every 16th piece (1 MiB): reading the RSS is a system call, too slow to do per chunk.
  const sample = () => {
    if (pieces++ % 16 === 0) peak = Math.max(peak, rss());
  };
  // Plaintext generated on the fly, so the only memory that can grow is the pipeline's own.
  async function* plaintext(bytes = total): AsyncGenerator<Uint8Array> {
    for (let sent = 0; sent < bytes; sent += piece.length) {
      sample();
      yield piece;
    }
  }
  async function* replay(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) {
      sample();
      yield chunk;
    }
  }
  const mime = 'application/octet-stream';
  await drain(encryptAttachment(provider, { source: plaintext(), mime }).stream); // warm-up

  // Median of three runs: a shared machine makes single runs of a ~0.3 s task noisy.
  const encRuns: Array<{ ms: number; cpuMs: number }> = [];
  let growth = 0;
  for (let run = 0; run < 3; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = rss();
    peak = baseline;
    encRuns.push(
      await time(() => drain(encryptAttachment(provider, { source: plaintext(), mime }).stream)),
    );
    growth = Math.max(growth, peak - baseline);
  }

  // Decryption needs the descriptor, known only once a file is fully encrypted: keep one
  // file's ciphertext in memory (outside the measured growth) and stream it back.
  const ciphertext: Uint8Array[] = [];
  const kept = encryptAttachment(provider, { source: plaintext(), mime });
  await drain(kept.stream, ciphertext);
  const descriptor = await kept.descriptor;
  const decRuns: Array<{ ms: number }> = [];
  for (let run = 0; run < 3; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = rss();
    peak = baseline;
    const dec = await time(() =>
      drain(decryptAttachment(provider, { source: replay(ciphertext), descriptor })),
    );
    if (dec.value !== total) throw new Error('attachment bench: decrypted size differs');
    decRuns.push(dec);
    growth = Math.max(growth, peak - baseline);
  }
  // Memory must not grow with the file: compare a file four times larger (full run only).
  let growthLarge = Number.NaN;
  if (!quick) {
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = rss();
    peak = baseline;
    await drain(encryptAttachment(provider, { source: plaintext(4 * total), mime }).stream);
    growthLarge = peak - baseline;
  }
  const median = <T extends { ms: number }>(runs: T[]): T =>
    [...runs].sort((x, y) => x.ms - y.ms)[1]!;
  const enc = median(encRuns);
  return {
    attachmentMBps: Math.round(total / MIB / (enc.ms / 1000)),
    attachmentMBpsPerCpuSec: Math.round(total / MIB / (enc.cpuMs / 1000)),
    attachmentDecryptMBps: Math.round(total / MIB / (median(decRuns).ms / 1000)),
    // Peak RSS above the pre-run baseline; without --expose-gc it includes garbage not yet collected.
    attachmentPeakRssGrowthMB: Number((growth / MIB).toFixed(1)),
    ...(quick ? {} : { attachment256MiBPeakRssGrowthMB: Number((growthLarge / MIB).toFixed(1)) }),
  };
}

async function argonBench(quick: boolean): Promise<Record<string, number>> {
  const salt = toB64u(new Uint8Array(16).fill(1));
  const floor = await time(() =>
    argon2id('correct horse', {
      alg: 'argon2id',
      m: KDF_LIMITS.mMin,
      t: KDF_LIMITS.tMin,
      p: 1,
      salt,
    }),
  );
  const out: Record<string, number> = { argon2FloorMs: Math.round(floor.ms) };
  const def = await time(() => argon2id('correct horse', { ...KDF_DEFAULTS, salt }));
  out.argon2DefaultMs = Math.round(def.ms);
  void quick;
  return out;
}

/**
 * Runs every crypto benchmark with the runtime's selected provider (WebCrypto on Node 20).
 *
 * @returns the numbers by name (rates per second, times in ms, throughput in MB/s).
 */
export async function runCryptoBench(opts: CryptoBenchOptions): Promise<Record<string, number>> {
  const provider = await getCryptoProvider();
  opts.log(`crypto: provider ${provider.name}, ${opts.quick ? 'quick' : 'full'} run`);
  const results: Record<string, number> = {
    providerIsWebCrypto: provider.name === 'webcrypto' ? 1 : 0,
  };
  const report = (part: Record<string, number>) => {
    for (const [k, v] of Object.entries(part)) {
      results[k] = v;
      opts.log(`crypto: ${k} = ${v}`);
    }
  };
  report(await messageBench(provider, opts.quick));
  report(await epochBench(provider, opts.quick));
  report(await attachmentBench(provider, opts.quick));
  if (!opts.quick) {
    const noble = await messageBench(createNobleProvider(), true);
    report({
      nobleEncryptSignPerSec: noble.encryptSignPerSec!,
      nobleVerifyDecryptPerSec: noble.verifyDecryptPerSec!,
    });
  }
  report(await argonBench(opts.quick));
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  await runCryptoBench({ quick, log: (line) => console.log(line) });
}
