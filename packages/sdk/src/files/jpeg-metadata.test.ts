import { describe, expect, it } from 'vitest';
import { applyJpegStrip, planJpegStrip } from './jpeg-metadata.js';

function segment(marker: number, payload: number[]): number[] {
  return [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
}

const SOI = [0xff, 0xd8];
const SCAN = [0xff, 0xda, 0x00, 0x04, 1, 2, 9, 9, 9, 0xff, 0xd9];
const strip = (file: number[]) => {
  const head = Uint8Array.from(file);
  const plan = planJpegStrip(head);
  return plan && { plan, out: [...applyJpegStrip(head, plan)].flatMap((p) => [...p]) };
};

describe('JPEG metadata removal', () => {
  it('removes every APP1 (EXIF, XMP) and APP13 (IPTC) segment and keeps the rest byte for byte', () => {
    const app0 = segment(0xe0, [74, 70, 73, 70, 0]);
    const exif = segment(0xe1, [69, 120, 105, 102, 0, 0, 1, 2, 3]);
    const xmp = segment(0xe1, Array(300).fill(7));
    const iptc = segment(0xed, [8, 8]);
    const dqt = segment(0xdb, [0, 1, 2]);
    const result = strip([...SOI, ...exif, ...app0, ...xmp, ...iptc, ...dqt, ...SCAN]);
    expect(result?.out).toEqual([...SOI, ...app0, ...dqt, ...SCAN]);
    expect(result?.plan.removed).toBe(exif.length + xmp.length + iptc.length);
  });

  it('leaves a JPEG without metadata unchanged, fill bytes included', () => {
    const file = [...SOI, 0xff, ...segment(0xe0, [1]), ...SCAN];
    expect(strip(file)?.out).toEqual(file);
  });

  it('refuses what it cannot walk to the image data: not a JPEG, broken lengths, truncated', () => {
    expect(strip([0x89, 0x50, ...SCAN])).toBeUndefined();
    expect(strip([...SOI, 0xff, 0xe1, 0x00, 0x01, ...SCAN])).toBeUndefined();
    expect(strip([...SOI, 0x12, 0x34, ...SCAN])).toBeUndefined();
    expect(strip([...SOI, ...segment(0xe1, Array(50).fill(0))].slice(0, 30))).toBeUndefined();
  });
});
