/**
 * File attachments through the SDK in Node against a real server process (DESIGN §7): upload
 * and download throughput of one large file (100 MiB; 8 MiB with --quick), and the server's
 * resident memory while it streams, sampled every 50 ms, next to a file a tenth the size. The
 * server must stream: its peak RSS may not grow with the file.
 *
 * The plaintext is produced as a stream (1 MiB pieces) and the download is read as a stream
 * (`attachment.stream()`), so neither side holds the file; throughput includes the client's
 * encryption, SHA-256 and the server's writes to disk (fsync on commit).
 */
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ChatClient, MemoryStore } from '@parley/sdk';
import type { Conversation, Message } from '@parley/sdk';
import { loadServerOptions } from './parley-setup.js';
import { pinSelf, round, sleep, startBenchServer } from './util.js';
import type { BenchServer } from './util.js';

const KDF = { m: 19_456, t: 2, p: 1 } as const;
const MIB = 2 ** 20;
const UNLIMITED = { points: 10_000_000, durationSec: 60 };

/** Peak server RSS while `work` runs, sampled over IPC every 50 ms. */
async function peakRss<T>(server: BenchServer, work: () => Promise<T>): Promise<[T, number]> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, (await server.stats()).rssMB);
      await sleep(50);
    }
  })();
  try {
    return [await work(), peak];
  } finally {
    running = false;
    await sampler;
  }
}

function source(size: number): Readable {
  const piece = randomBytes(MIB);
  return Readable.from(
    (function* () {
      for (let left = size; left > 0; left -= MIB) yield piece.subarray(0, Math.min(MIB, left));
    })(),
  );
}

async function waitFor(conversation: Conversation, caption: string): Promise<Message> {
  for (;;) {
    const found = conversation.messages.find((m) => m.text === caption);
    if (found) return found;
    await sleep(20);
  }
}

async function client(url: string, name: string): Promise<ChatClient> {
  const c = new ChatClient({
    serverUrl: url,
    storage: new MemoryStore(),
    kdf: KDF,
    persistSession: false,
  });
  await c.register({ username: `${name}${Date.now().toString(36)}`, password: 'pw' });
  return c;
}

/** One file: upload and download seconds and the server's peak RSS in each. */
async function transfer(
  server: BenchServer,
  sender: Conversation,
  receiver: Conversation,
  size: number,
) {
  const caption = `file ${size}`;
  const t0 = performance.now();
  const [, uploadPeak] = await peakRss(server, () =>
    sender.sendFile(source(size), { size, name: 'bench.bin', caption }),
  );
  const uploadSec = (performance.now() - t0) / 1000;
  const [attachment] = (await waitFor(receiver, caption)).attachments;
  const t1 = performance.now();
  const [received, downloadPeak] = await peakRss(server, async () => {
    let bytes = 0;
    const stream = await attachment!.stream();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    return bytes;
  });
  const downloadSec = (performance.now() - t1) / 1000;
  if (received !== size) throw new Error(`downloaded ${received} of ${size} bytes`);
  return { uploadSec, downloadSec, uploadPeak, downloadPeak };
}

/** Runs the suite; see the module comment. */
export async function runAttachmentsBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  opts.log(pinSelf());
  const large = (opts.quick ? 8 : 100) * MIB;
  const small = Math.round(large / 10);
  const dataDir = `/tmp/parley-bench-files-${process.pid}`;
  const server = await startBenchServer(
    loadServerOptions(dataDir, {
      files: { maxUploadBytes: 2 * large, quotaBytes: 20 * large, uploads: UNLIMITED },
    }),
  );
  const clients: ChatClient[] = [];
  try {
    const [alice, bob] = [await client(server.url, 'alice'), await client(server.url, 'bob')];
    clients.push(alice, bob);
    const group = await alice.conversations.create({ title: 'files', members: [bob.me!.id] });
    await group.send('warm-up');
    const view = await bob.conversations.get(group.id);
    await waitFor(view, 'warm-up');
    const idle = (await server.stats(true)).rssMB;
    opts.log(`server RSS idle ${round(idle)} MiB`);
    const s = await transfer(server, group, view, small);
    opts.log(
      `${round(small / MIB)} MiB: up ${round(s.uploadSec)} s, down ${round(s.downloadSec)} s`,
    );
    const l = await transfer(server, group, view, large);
    opts.log(`${large / MIB} MiB: up ${round(l.uploadSec)} s, down ${round(l.downloadSec)} s`);
    return {
      fileMiB: large / MIB,
      uploadMiBps: round(large / MIB / l.uploadSec),
      downloadMiBps: round(large / MIB / l.downloadSec),
      serverRssIdleMiB: round(idle),
      [`serverRssPeak${round(small / MIB)}MiB`]: round(Math.max(s.uploadPeak, s.downloadPeak)),
      [`serverRssPeak${large / MIB}MiB`]: round(Math.max(l.uploadPeak, l.downloadPeak)),
      serverRssPeakUploadMiB: round(l.uploadPeak),
      serverRssPeakDownloadMiB: round(l.downloadPeak),
      smallUploadMiBps: round(small / MIB / s.uploadSec),
      smallDownloadMiBps: round(small / MIB / s.downloadSec),
    };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
