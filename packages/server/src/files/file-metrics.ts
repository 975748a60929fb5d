import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AppContext } from '../app-context.js';

/** Users listed by name in `parley_files_user_bytes`: a bound on the metric's cardinality. */
export const TOP_USERS = 20;

/** Upload counters the routes update. */
export interface FileMetrics {
  uploads: Counter<'outcome'>;
  uploadedBytes: Counter;
  downloads: Counter<'kind'>;
}

/**
 * Registers the file metrics on the server's registry: stored files and bytes in total, bytes
 * of the {@link TOP_USERS} users storing the most (computed from the store at scrape time),
 * uploads by outcome, uploaded bytes, and downloads (full or range).
 */
export function registerFileMetrics(ctx: AppContext): FileMetrics {
  // One set per registry: an app may be built twice over one context (tests, embedding).
  const existing = registered.get(ctx.metrics.registry);
  if (existing) return existing;
  const metrics = createFileMetrics(ctx);
  registered.set(ctx.metrics.registry, metrics);
  return metrics;
}

const registered = new WeakMap<Registry, FileMetrics>();

function createFileMetrics(ctx: AppContext): FileMetrics {
  const registers = [ctx.metrics.registry];
  const { store } = ctx;
  const totals = async () => store.fileTotals(TOP_USERS);
  new Gauge({
    name: 'parley_files_stored_bytes',
    help: 'Bytes of stored files (ciphertext), uploads in progress included',
    registers,
    async collect() {
      const t = await totals();
      this.set(t.bytes);
    },
  });
  new Gauge({
    name: 'parley_files_stored',
    help: 'Stored files, uploads in progress included',
    registers,
    async collect() {
      this.set((await totals()).files);
    },
  });
  new Gauge({
    name: 'parley_files_user_bytes',
    help: `Bytes of stored files per user, for the ${TOP_USERS} users storing the most`,
    labelNames: ['user'],
    registers,
    async collect() {
      const t = await totals();
      this.reset();
      for (const u of t.topUsers) this.set({ user: u.userId }, u.bytes);
    },
  });
  return {
    uploads: new Counter({
      name: 'parley_file_uploads_total',
      help: 'Uploads by outcome (stored, or the error code that refused them)',
      labelNames: ['outcome'],
      registers,
    }),
    uploadedBytes: new Counter({
      name: 'parley_file_uploaded_bytes_total',
      help: 'Bytes of uploads stored',
      registers,
    }),
    downloads: new Counter({
      name: 'parley_file_downloads_total',
      help: 'Downloads served, whole files or ranges',
      labelNames: ['kind'],
      registers,
    }),
  };
}
