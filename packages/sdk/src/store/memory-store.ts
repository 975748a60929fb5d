import { assertKey, cloneJson } from './local-store.js';
import type { JsonValue, LocalStore } from './local-store.js';

/**
 * A {@link LocalStore} that lives in memory and is gone when the process or tab ends: the
 * default in Node, and the right choice for tests and short-lived bots. Values are copied on
 * the way in and out, so it behaves like the persistent stores.
 */
export class MemoryStore implements LocalStore {
  readonly #data = new Map<string, string>();

  async get(key: string): Promise<JsonValue | undefined> {
    assertKey(key);
    const text = this.#data.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  }

  async set(key: string, value: JsonValue): Promise<void> {
    assertKey(key);
    this.#data.set(key, JSON.stringify(cloneJson(value)));
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    this.#data.delete(key);
  }

  async clear(): Promise<void> {
    this.#data.clear();
  }
}
