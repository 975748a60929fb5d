// Type-only: erased at build time, so browser bundles never see node:fs.
import type * as NodeFs from 'node:fs/promises';
import { assertKey, cloneJson, namespaceOf } from './local-store.js';
import type { JsonValue, LocalStore } from './local-store.js';

/** Options for {@link FileStore}. */
export interface FileStoreOptions {
  /**
   * Directory for the store's files, created (mode 0700) when missing. Dedicate it to the
   * store: `clear()` deletes every `*.json` file in it.
   */
  dir: string;
}

type FsPromises = typeof NodeFs;
const NODE_FS = 'node:fs/promises';
type Namespace = Map<string, JsonValue>;

/**
 * A {@link LocalStore} for Node hosts (bots, back ends, CLIs): one JSON file per key namespace
 * (`parley:session` lives in `parley.json`, `parley:outbox:*` in `parley.outbox.json`), so a busy
 * namespace never rewrites the others.
 *
 * Every write goes to a fresh temporary file (mode 0600, fsynced) that is then renamed over the
 * old one, so a crash leaves either the old or the new file, never half of one. Writes to one
 * file are serialized; reads come from an in-memory copy loaded on first use. A file that does
 * not parse (edited by hand, disk trouble) is moved aside as `<name>.corrupt-<time>` and the
 * namespace starts empty, rather than leaving the client unable to start.
 *
 * `node:fs` is imported lazily, on first use, so a browser bundle that never constructs a
 * `FileStore` does not pull it in.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ serverUrl, storage: new FileStore('./.parley') });
 * ```
 */
export class FileStore implements LocalStore {
  readonly #dir: string;
  readonly #namespaces = new Map<string, Promise<Namespace>>();
  readonly #writes = new Map<string, Promise<void>>();
  #fs: Promise<FsPromises> | undefined;

  /** @param options - The directory, or {@link FileStoreOptions}. */
  constructor(options: FileStoreOptions | string) {
    const dir = typeof options === 'string' ? options : options.dir;
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new TypeError('FileStore needs a directory');
    }
    this.#dir = dir.replace(/[\\/]+$/, '') || '/';
  }

  async get(key: string): Promise<JsonValue | undefined> {
    assertKey(key);
    const value = (await this.#load(namespaceOf(key))).get(key);
    return value === undefined ? undefined : cloneJson(value);
  }

  async set(key: string, value: JsonValue): Promise<void> {
    assertKey(key);
    const copy = cloneJson(value);
    const namespace = namespaceOf(key);
    (await this.#load(namespace)).set(key, copy);
    await this.#persist(namespace);
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    const namespace = namespaceOf(key);
    const data = await this.#load(namespace);
    if (!data.delete(key)) return;
    await this.#persist(namespace);
  }

  async clear(): Promise<void> {
    const fs = await this.#fsModule();
    await Promise.allSettled(this.#writes.values());
    this.#namespaces.clear();
    this.#writes.clear();
    let names: string[];
    try {
      names = await fs.readdir(this.#dir);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await Promise.all(
      names
        .filter((name) => name.endsWith('.json'))
        .map((name) => fs.rm(this.#path(name), { force: true })),
    );
  }

  #fsModule(): Promise<FsPromises> {
    // A computed specifier, so browser bundlers neither try to resolve nor rewrite it.
    this.#fs ??= import(
      /* @vite-ignore */ /* webpackIgnore: true */ NODE_FS
    ) as Promise<FsPromises>;
    return this.#fs;
  }

  #path(name: string): string {
    return `${this.#dir}/${name}`;
  }

  #load(namespace: string): Promise<Namespace> {
    let loading = this.#namespaces.get(namespace);
    if (!loading) {
      loading = this.#read(namespace);
      // A failed read (permissions, I/O) must not be cached forever: the next call retries.
      loading.catch(() => this.#namespaces.delete(namespace));
      this.#namespaces.set(namespace, loading);
    }
    return loading;
  }

  async #read(namespace: string): Promise<Namespace> {
    const fs = await this.#fsModule();
    const file = this.#path(fileNameFor(namespace));
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return new Map();
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new TypeError('not an object');
      }
      return new Map(Object.entries(parsed as Record<string, JsonValue>));
    } catch {
      await fs.rename(file, `${file}.corrupt-${Date.now()}`);
      return new Map();
    }
  }

  #persist(namespace: string): Promise<void> {
    const previous = this.#writes.get(namespace) ?? Promise.resolve();
    // Each write snapshots the namespace when it runs, so it includes every change made
    // before it, and a failed write does not poison the ones queued after it.
    const write = previous.catch(() => undefined).then(() => this.#write(namespace));
    this.#writes.set(namespace, write);
    return write;
  }

  async #write(namespace: string): Promise<void> {
    const fs = await this.#fsModule();
    const data = await this.#load(namespace);
    const file = this.#path(fileNameFor(namespace));
    if (data.size === 0) {
      await fs.rm(file, { force: true });
      return;
    }
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${globalThis.crypto.randomUUID()}.tmp`;
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(Object.fromEntries(data)), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
}

/**
 * The file name of a namespace: `:` becomes `.`, letters, digits, `_` and `-` stay, and every
 * other character is percent-encoded, so no key can escape the directory (`..`, `/`) and two
 * namespaces never share a file.
 */
export function fileNameFor(namespace: string): string {
  let name = '';
  for (const char of namespace) {
    if (/^[A-Za-z0-9_-]$/.test(char)) name += char;
    else if (char === ':') name += '.';
    else {
      for (const byte of new TextEncoder().encode(char)) {
        name += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return `${name}.json`;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
