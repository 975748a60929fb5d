/**
 * Removes metadata from JPEG files before they are sent: APP1 segments (EXIF, with camera,
 * time and GPS position; XMP) and APP13 (IPTC/Photoshop). This is format handling, not
 * cryptography: the segments before the image data (`SOS`) are walked by their markers and
 * lengths, and the ones to drop are cut out. The image data itself is untouched.
 *
 * The plan is computed on the head of the file only (segments before `SOS` are small), so a
 * 100 MiB file is still streamed, never held in memory.
 */

/** Most bytes of a JPEG's head read to find its image data. */
export const JPEG_HEAD_LIMIT = 1024 * 1024;

const SOI = 0xd8;
const SOS = 0xda;
const DROP = new Set([0xe1, 0xed]);

/** Byte ranges `[start, end)` of the head to leave out, and where the image data starts. */
export interface JpegStripPlan {
  readonly cuts: ReadonlyArray<readonly [number, number]>;
  /** Bytes removed in total. */
  readonly removed: number;
}

/**
 * Plans the removal of metadata segments from a JPEG head.
 *
 * @returns The plan, or `undefined` if the head is not a well-formed JPEG up to its image data
 *   (the caller refuses such a file rather than send its metadata).
 */
export function planJpegStrip(head: Uint8Array): JpegStripPlan | undefined {
  if (head[0] !== 0xff || head[1] !== SOI) return undefined;
  const cuts: Array<readonly [number, number]> = [];
  let at = 2;
  while (at + 4 <= head.length) {
    if (head[at] !== 0xff) return undefined;
    const marker = head[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === SOS) {
      return { cuts, removed: cuts.reduce((sum, [s, e]) => sum + (e - s), 0) };
    }
    // Standalone markers (RSTn, TEM) carry no length.
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = (head[at + 2]! << 8) | head[at + 3]!;
    if (length < 2) return undefined;
    const end = at + 2 + length;
    if (DROP.has(marker)) cuts.push([at, end]);
    at = end;
  }
  return undefined;
}

/** The head with the planned cuts left out, as pieces. */
export function* applyJpegStrip(head: Uint8Array, plan: JpegStripPlan): Generator<Uint8Array> {
  let at = 0;
  for (const [start, end] of plan.cuts) {
    if (start > at) yield head.subarray(at, start);
    at = end;
  }
  if (at < head.length) yield head.subarray(at);
}
