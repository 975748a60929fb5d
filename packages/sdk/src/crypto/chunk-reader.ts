/**
 * Re-chunks a byte stream into fixed-size chunks with one chunk of look-ahead, so the caller
 * knows which chunk is the last one (chunked AEAD must authenticate that). Used by attachment
 * encryption and decryption; holds at most one chunk plus one source piece in memory.
 */

/** A stream or async iterable of byte chunks of any size. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One fixed-size chunk; every chunk but the last is exactly `chunkSize` bytes. */
export interface Chunk {
  readonly chunk: Uint8Array;
  readonly last: boolean;
}

type Pull = () => Promise<Uint8Array | undefined>;

function pullerOf(source: ByteSource): { pull: Pull; cancel: (reason: unknown) => Promise<void> } {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      pull: async () => {
        const r = await reader.read();
        return r.done ? undefined : r.value;
      },
      cancel: (reason) => reader.cancel(reason),
    };
  }
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    pull: async () => {
      const r = await iterator.next();
      return r.done === true ? undefined : r.value;
    },
    cancel: async (reason) => {
      await iterator.return?.(reason);
    },
  };
}

/** Reads a {@link ByteSource} as fixed-size chunks, flagging the last one. */
export class ChunkReader {
  readonly #chunkSize: number;
  readonly #source: { pull: Pull; cancel: (reason: unknown) => Promise<void> };
  #pending: Uint8Array | undefined;
  #sourceDone = false;
  #finished = false;

  /**
   * @param source - the bytes to read.
   * @param chunkSize - bytes per chunk (a positive integer).
   */
  constructor(source: ByteSource, chunkSize: number) {
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0)
      throw new RangeError('chunkSize must be positive');
    this.#chunkSize = chunkSize;
    this.#source = pullerOf(source);
  }

  /** The next non-empty piece of the source, or `undefined` at its end. */
  async #read(): Promise<Uint8Array | undefined> {
    while (!this.#sourceDone) {
      const piece = await this.#source.pull();
      if (piece === undefined) {
        this.#sourceDone = true;
        break;
      }
      if (!(piece instanceof Uint8Array))
        throw new TypeError('byte source yielded a non-Uint8Array');
      if (piece.length > 0) return piece;
    }
    return undefined;
  }

  /**
   * The next chunk. An empty source yields one empty last chunk.
   *
   * @throws Error if called again after the last chunk.
   */
  async next(): Promise<Chunk> {
    if (this.#finished) throw new Error('ChunkReader: read past the last chunk');
    const size = this.#chunkSize;
    let out: Uint8Array | undefined;
    let filled = 0;
    while (filled < size) {
      const piece = this.#pending ?? (await this.#read());
      this.#pending = undefined;
      if (piece === undefined) break;
      if (filled === 0 && piece.length >= size) {
        // Common case (source pieces ≥ a chunk): hand out a view, no copy.
        out = piece.subarray(0, size);
        filled = size;
        if (piece.length > size) this.#pending = piece.subarray(size);
        break;
      }
      out ??= new Uint8Array(size);
      const take = Math.min(piece.length, size - filled);
      out.set(piece.subarray(0, take), filled);
      filled += take;
      if (take < piece.length) this.#pending = piece.subarray(take);
    }
    if (this.#pending === undefined) this.#pending = await this.#read();
    const last = this.#pending === undefined;
    this.#finished = last;
    return { chunk: out === undefined ? new Uint8Array(0) : out.subarray(0, filled), last };
  }

  /** Stops reading and cancels the source. */
  async cancel(reason?: unknown): Promise<void> {
    this.#finished = true;
    this.#pending = undefined;
    await this.#source.cancel(reason);
  }
}
