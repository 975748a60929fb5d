/** A value a {@link LocalStore} can hold: anything that survives `JSON.stringify` unchanged. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Client-side persistence for the SDK: the session, and later the outbox, sync cursors and
 * message cache. Implementations: {@link MemoryStore} (tests, short-lived bots),
 * {@link IndexedDbStore} (the browser default) and {@link FileStore} (Node hosts).
 *
 * Keys are namespaced strings such as `parley:session`; the part before the last `:` names the
 * namespace, which stores may use to group data (`FileStore` keeps one file per namespace).
 * Values are read back as `JsonValue` and must be validated by the caller: storage is outside
 * the SDK's control and may hold anything.
 */
export interface LocalStore {
  /** The value stored under `key`, or `undefined` when there is none. */
  get(key: string): Promise<JsonValue | undefined>;
  /** Stores `value` under `key`, replacing any previous value; durable when the promise resolves. */
  set(key: string, value: JsonValue): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Removes everything this store holds. */
  clear(): Promise<void>;
}

/**
 * The namespace of a key: everything before its last `:` (`'parley:outbox:1'` →
 * `'parley:outbox'`), or `'default'` for a key without one.
 */
export function namespaceOf(key: string): string {
  const at = key.lastIndexOf(':');
  return at > 0 ? key.slice(0, at) : 'default';
}

/** Throws a `TypeError` for a key a store cannot hold (empty or absurdly long). */
export function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
    throw new TypeError('LocalStore keys must be non-empty strings of at most 512 characters');
  }
}

/**
 * A deep copy through JSON, so callers cannot mutate stored values by reference and a value
 * that JSON cannot represent (`undefined`, a function, a cycle, a `Uint8Array`) fails at `set`
 * rather than silently changing shape on the next read.
 */
export function cloneJson(value: JsonValue): JsonValue {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('LocalStore values must be JSON-serializable');
  return JSON.parse(text) as JsonValue;
}
