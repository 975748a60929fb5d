/**
 * Benchmarks of client-side search (issue 5 target: under 50 ms over 10,000 local messages):
 * indexing time, query latency percentiles for several kinds of query, and the size and
 * write/read time of the persisted index, encrypted as the SDK keeps it.
 *
 * The messages are synthetic but shaped like chat: 3–30 words drawn from a 5,000-word
 * vocabulary with a Zipf distribution (a few words very common, most rare), 10 % Russian and
 * 5 % Chinese/Japanese, spread over 40 conversations and 6 senders.
 *
 * Run alone: `node --expose-gc --conditions=parley-source --import tsx bench/search.ts [--quick]`
 */
import { pathToFileURL } from 'node:url';
import { getCryptoProvider } from '../packages/sdk/src/crypto/providers/select.js';
import { MessageSearch } from '../packages/sdk/src/search/message-search.js';
import { SearchIndex } from '../packages/sdk/src/search/search-index.js';
import type { SearchOptions } from '../packages/sdk/src/search/search-types.js';
import { MemoryStore } from '../packages/sdk/src/store/memory-store.js';
import type { JsonValue } from '../packages/sdk/src/store/local-store.js';
import { EncryptedStore } from '../packages/sdk/src/sync/encrypted-store.js';
import type { Message } from '../packages/sdk/src/types.js';
import { percentile, round } from './util.js';

/** Options of {@link runSearchBench}. */
export interface SearchBenchOptions {
  /** 2,000 messages and fewer queries instead of 10,000 (CI smoke run). */
  readonly quick: boolean;
  /** Receives one human-readable line per result. */
  readonly log: (line: string) => void;
}

const CONVERSATIONS = 40;
const SENDERS = 6;
const SYLLABLES = 'ka lo mi re sa tu ne vo pi da ru fe go li ma no te si be ha'.split(' ');
const RUSSIAN = 'привет встреча завтра вечером кафе работа проект отчёт поезд билет'.split(' ');
const CJK = ['我们明天在北京见面', '東京タワーに行きました', '会议改到下午三点', '今日は雨です'];

/** A small deterministic PRNG (mulberry32), so every run indexes the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function vocabulary(rand: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const parts = 2 + Math.floor(rand() * 3);
    let word = '';
    for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Index of a Zipf(1)-distributed rank in [0, n). */
function zipf(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n + 1))) - 1);
}

/** A random id shaped like the real ones (16 bytes, base64url): ids are a good part of the size. */
function randomId(rand: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length: 22 }, () => alphabet[Math.floor(rand() * 64)]).join('');
}

function messages(count: number, words: string[], rand: () => number): Message[] {
  const conversations = Array.from({ length: CONVERSATIONS }, () => randomId(rand));
  const senders = Array.from({ length: SENDERS }, () => randomId(rand));
  const out: Message[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rand();
    let text: string;
    if (roll < 0.05) text = CJK[i % CJK.length]!;
    else if (roll < 0.15) text = Array.from({ length: 5 }, () => RUSSIAN[zipf(rand, 10)]).join(' ');
    else {
      const length = 3 + Math.floor(rand() * 28);
      text = Array.from({ length }, () => words[zipf(rand, words.length)]).join(' ');
    }
    out.push({
      id: randomId(rand),
      clientMsgId: null,
      conversationId: conversations[i % CONVERSATIONS]!,
      sender: senders[i % SENDERS]!,
      text,
      attachments: [],
      ts: 1_700_000_000_000 + i * 1000,
      seq: Math.floor(i / CONVERSATIONS) + 1,
      status: 'sent',
    });
  }
  return out;
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Runs the search benchmarks; returns the figures by name. */
export async function runSearchBench(opts: SearchBenchOptions): Promise<Record<string, number>> {
  const count = opts.quick ? 2_000 : 10_000;
  const runs = opts.quick ? 30 : 300;
  const rand = random(42);
  const words = vocabulary(rand, 5_000);
  const corpus = messages(count, words, rand);
  const results: Record<string, number> = { messages: count };
  const report = (key: string, value: number) => {
    results[key] = round(value);
    opts.log(`search: ${key} = ${round(value)}`);
  };

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const index = SearchIndex.create();
  const build = timed(() => {
    for (const message of corpus) index.put(message);
  });
  report('indexBuildMs', build.ms);
  report('indexPerMessageUs', (build.ms * 1000) / count);
  // Memory only with --expose-gc (run this file alone): otherwise garbage blurs it.
  if (gc) {
    gc();
    report('indexHeapMB', (process.memoryUsage().heapUsed - heapBefore) / 1e6);
  }

  // Query kinds: a common word, a rare one, a 3-letter prefix as typed (the shortest searched
  // as a prefix: the worst case), two words, a typo in a long word, Russian and Chinese, and a
  // common word inside one conversation.
  const pick = (from: number, to: number) => words[from + Math.floor(rand() * (to - from))]!;
  const long = words.filter((w) => w.length >= 8);
  const kinds: Record<string, () => [string, SearchOptions?]> = {
    common: () => [pick(0, 20)],
    rare: () => [pick(2_000, 5_000)],
    prefix3: () => [pick(0, 500).slice(0, 3)],
    twoWords: () => [`${pick(0, 50)} ${pick(0, 50)}`],
    typo: () => {
      const word = long[Math.floor(rand() * long.length)]!;
      return [`${word.slice(0, 3)}x${word.slice(4)}`];
    },
    russian: () => [RUSSIAN[Math.floor(rand() * RUSSIAN.length)]!.slice(0, 5)],
    chinese: () => ['北京'],
    inConversation: () => [
      pick(0, 20),
      { conversationId: corpus[Math.floor(rand() * CONVERSATIONS)]!.conversationId },
    ],
  };
  for (const [kind, make] of Object.entries(kinds)) {
    for (let i = 0; i < 5; i++) index.search(...make());
    const times: number[] = [];
    let found = 0;
    const cpu = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const [query, options] = make();
      const { ms, value } = timed(() => index.search(query, options));
      times.push(ms);
      found += value.length;
    }
    const used = process.cpuUsage(cpu);
    report(`${kind}P50Ms`, percentile(times, 50));
    report(`${kind}P99Ms`, percentile(times, 99));
    // CPU time is steadier than wall time when other processes share the cores.
    report(`${kind}CpuMeanMs`, (used.user + used.system) / 1000 / runs);
    opts.log(`search: ${kind} returned ${round(found / runs)} results on average (limit 20)`);
  }

  // Persisted as the SDK keeps it: serialized, encrypted, in a store.
  const provider = await getCryptoProvider();
  const store = new MemoryStore();
  const secure = await EncryptedStore.open(provider, store, 'bench', new Uint8Array(32).fill(1));
  const serialized = timed(() => index.serialize());
  report('serializeMs', serialized.ms);
  report('indexJsonBytes', JSON.stringify(serialized.value).length);
  const write = performance.now();
  await secure.set('search:index', serialized.value as unknown as JsonValue);
  report('persistMs', performance.now() - write + serialized.ms);
  report('persistedBytes', JSON.stringify(await store.get(secure.keyOf('search:index'))).length);
  report(
    'textBytes',
    corpus.reduce((sum, m) => sum + Buffer.byteLength(m.text), 0),
  );

  const load = performance.now();
  const search = new MessageSearch({
    store: secure,
    timers: { setTimeout: () => undefined, clearTimeout: () => undefined },
    visible: () => true,
    onError: (error) => {
      throw error;
    },
  });
  await search.ready;
  report('loadMs', performance.now() - load);
  if (search.size !== count) throw new Error(`reloaded ${search.size} of ${count} messages`);
  const first = performance.now();
  await search.search(pick(0, 20));
  report('firstQueryAfterLoadMs', performance.now() - first);
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  console.log(await runSearchBench({ quick, log: (line) => console.log(line) }));
}
