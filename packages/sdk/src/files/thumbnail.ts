/**
 * Thumbnails of images, made by the sender's client (the server never sees an image): the
 * picture is decoded by the browser, drawn scaled on a canvas (an `OffscreenCanvas` where
 * there is one) and re-encoded as JPEG, which also leaves every kind of metadata behind.
 * Outside browsers there is no decoder, so Node callers pass their own thumbnail.
 */

/** Longest side of a thumbnail made here, in pixels. */
export const THUMBNAIL_SIDE = 320;

/** Types the browser can decode to make a thumbnail. */
const DECODABLE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

/** A thumbnail ready to encrypt. */
export interface ThumbnailImage {
  readonly data: Blob | Uint8Array;
  /** Its type: `image/jpeg`, `image/png` or `image/webp`. */
  readonly type: string;
  readonly width: number;
  readonly height: number;
}

interface CanvasLike {
  getContext(
    id: '2d',
  ): { drawImage(image: ImageBitmap, x: number, y: number, w: number, h: number): void } | null;
}

async function encode(canvas: CanvasLike): Promise<Blob | null> {
  if (typeof OffscreenCanvas !== 'undefined' && canvas instanceof OffscreenCanvas) {
    return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  }
  const element = canvas as unknown as HTMLCanvasElement;
  return new Promise((resolve) => element.toBlob(resolve, 'image/jpeg', 0.8));
}

function newCanvas(width: number, height: number): CanvasLike | undefined {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }
  return undefined;
}

/**
 * Makes a JPEG thumbnail of an image in a browser.
 *
 * @returns The thumbnail, or `undefined` where images cannot be decoded (Node, workers without
 *   canvas), for types the browser cannot decode, or if decoding fails (a broken image is
 *   still sent, without thumbnail).
 */
export async function makeThumbnail(
  image: Blob,
  type: string,
): Promise<ThumbnailImage | undefined> {
  if (!DECODABLE.test(type) || typeof createImageBitmap !== 'function') return undefined;
  let bitmap: ImageBitmap | undefined;
  try {
    // The original bytes, so the browser applies the EXIF orientation before it is stripped.
    bitmap = await createImageBitmap(image);
    const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = newCanvas(width, height);
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return undefined;
    context.drawImage(bitmap, 0, 0, width, height);
    const data = await encode(canvas);
    return data ? { data, type: 'image/jpeg', width, height } : undefined;
  } catch {
    return undefined;
  } finally {
    bitmap?.close();
  }
}
