import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunk-reader.js';

async function* pieces(sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (const size of sizes) yield Uint8Array.from({ length: size }, () => n++ & 0xff);
}

async function readAll(
  reader: ChunkReader,
): Promise<Array<{ length: number; last: boolean; first: number | undefined }>> {
  const out = [];
  for (;;) {
    const { chunk, last } = await reader.next();
    out.push({ length: chunk.length, last, first: chunk[0] });
    if (last) return out;
  }
}

describe('ChunkReader', () => {
  it('re-chunks pieces of any size into full chunks and flags the last', async () => {
    const chunks = await readAll(new ChunkReader(pieces([3, 0, 7, 1, 9]), 4));
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 4, 4, 4]);
    expect(chunks.map((c) => c.last)).toEqual([false, false, false, false, true]);
    expect(chunks.map((c) => c.first)).toEqual([0, 4, 8, 12, 16]);
  });

  it('flags a full final chunk as last only at the end of the source', async () => {
    expect(await readAll(new ChunkReader(pieces([8]), 4))).toEqual([
      { length: 4, last: false, first: 0 },
      { length: 4, last: true, first: 4 },
    ]);
  });

  it('yields one empty last chunk for an empty source', async () => {
    expect(await readAll(new ChunkReader(pieces([0, 0]), 4))).toEqual([
      { length: 0, last: true, first: undefined },
    ]);
  });

  it('reads a ReadableStream and refuses to read past the end', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(5));
        c.close();
      },
    });
    const reader = new ChunkReader(stream, 4);
    expect((await readAll(reader)).map((c) => c.length)).toEqual([4, 1]);
    await expect(reader.next()).rejects.toThrow(/past the last chunk/);
  });

  it('rejects sources that yield something other than bytes', async () => {
    async function* bad(): AsyncGenerator<Uint8Array> {
      yield 'text' as unknown as Uint8Array;
    }
    await expect(new ChunkReader(bad(), 4).next()).rejects.toBeInstanceOf(TypeError);
  });

  it('does not read further ahead than one piece', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new Uint8Array(4);
      }
    }
    const reader = new ChunkReader(counted(), 4);
    await reader.next();
    expect(pulled).toBe(2);
    await reader.cancel();
  });
});
