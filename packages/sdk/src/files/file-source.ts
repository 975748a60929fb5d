import { ChatError } from '../errors.js';

/** What `conversation.sendFile()` accepts. */
export type FileInput =
  Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * A file to send, read in two steps: the head (to sniff the type and plan metadata removal),
 * then the bytes from an offset to the end. Blobs and buffers can be read again (so a failed
 * upload can be retried); streams only once.
 */
export interface FileSource {
  /** Plaintext bytes. */
  readonly size: number;
  /** The name the input carries (a `File`), if any. */
  readonly name: string | undefined;
  /** The type the input declares (a `Blob`'s `type`), if any. */
  readonly declaredType: string | undefined;
  /** Whether {@link from} may be called more than once. */
  readonly reopenable: boolean;
  /** Up to the first `n` bytes. */
  head(n: number): Promise<Uint8Array>;
  /** The bytes from `offset` to the end (for a stream: once, from the end of the head read). */
  from(offset: number): AsyncIterable<Uint8Array>;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

function fromBytes(bytes: Uint8Array, name?: string, type?: string): FileSource {
  return {
    size: bytes.length,
    name,
    declaredType: type,
    reopenable: true,
    head: async (n) => bytes.subarray(0, n),
    from: (offset) => once(bytes.subarray(offset)),
  };
}

async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    reader.releaseLock();
  }
}

function fromBlob(blob: Blob, name?: string): FileSource {
  const fileName = (blob as Partial<File>).name;
  return {
    size: blob.size,
    name: name ?? (typeof fileName === 'string' && fileName !== '' ? fileName : undefined),
    declaredType: blob.type === '' ? undefined : blob.type,
    reopenable: true,
    head: async (n) => new Uint8Array(await blob.slice(0, n).arrayBuffer()),
    from: (offset) => blobChunks(blob.slice(offset)),
  };
}

function iterate(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>) {
  if (Symbol.asyncIterator in source) {
    return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  return {
    next: async (): Promise<IteratorResult<Uint8Array>> => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
  };
}

function fromStream(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  size: number,
  name?: string,
  type?: string,
): FileSource {
  const it = iterate(stream);
  let buffered = new Uint8Array(0);
  let used = false;
  let ended = false;
  const fill = async (n: number) => {
    while (!ended && buffered.length < n) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const piece = r.value as unknown;
      if (!(piece instanceof Uint8Array))
        throw new TypeError('the stream yielded a non-byte chunk');
      const next = new Uint8Array(buffered.length + piece.length);
      next.set(buffered);
      next.set(piece, buffered.length);
      buffered = next;
    }
  };
  return {
    size,
    name,
    declaredType: type,
    reopenable: false,
    async head(n) {
      await fill(n);
      return buffered.subarray(0, n);
    },
    async *from(offset) {
      if (used) throw new ChatError('invalid_input', 'A stream can be read only once');
      used = true;
      if (offset < buffered.length) yield buffered.subarray(offset);
      else if (offset > buffered.length) throw new RangeError('read past the buffered head');
      buffered = new Uint8Array(0);
      while (!ended) {
        const r = await it.next();
        if (r.done) break;
        yield r.value as Uint8Array;
      }
    },
  };
}

/**
 * Wraps what the caller passed. A stream's size cannot be read from it, so `size` is required
 * for streams (the upload declares its exact length before the first byte).
 *
 * @throws ChatError `invalid_input` for anything else, or a stream without `size`.
 */
export function toFileSource(
  input: FileInput,
  options: { name?: string; type?: string; size?: number },
): FileSource {
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const source = fromBlob(input, options.name);
    return options.type === undefined ? source : { ...source, declaredType: options.type };
  }
  if (input instanceof Uint8Array) return fromBytes(input, options.name, options.type);
  if (input instanceof ArrayBuffer) {
    return fromBytes(new Uint8Array(input), options.name, options.type);
  }
  const isStream =
    typeof input === 'object' &&
    input !== null &&
    (Symbol.asyncIterator in input || typeof (input as ReadableStream).getReader === 'function');
  if (!isStream) {
    throw new ChatError('invalid_input', 'sendFile takes a Blob, bytes or a stream', {
      field: 'file',
    });
  }
  if (options.size === undefined || !Number.isSafeInteger(options.size) || options.size < 0) {
    throw new ChatError('invalid_input', 'Sending a stream needs its size in bytes', {
      field: 'size',
    });
  }
  return fromStream(
    input as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    options.size,
    options.name,
    options.type,
  );
}
