import type { AttachmentDescriptor } from '../crypto/attachment-descriptor.js';
import { encryptAttachment, encryptedAttachmentSize } from '../crypto/attachments.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ChatError } from '../errors.js';
import { fileInfo } from '../protocol/files.js';
import type { RestClient } from '../rest/rest-client.js';
import { backoffDelay } from '../transport/backoff.js';
import type { BackoffOptions } from '../transport/backoff.js';

/** Progress of `sendFile`: ciphertext bytes handed to the network so far, of `total`. */
export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

/** One file to encrypt and upload. */
export interface UploadJob {
  readonly conversationId: string;
  /** Plaintext bytes. */
  readonly size: number;
  /** The type to record (sniffed), declared to the server for its allowlist. */
  readonly type: string;
  readonly name?: string;
  /** The plaintext, from the start; called again for each attempt. */
  readonly plaintext: () => AsyncIterable<Uint8Array>;
  /** Whether {@link plaintext} can be called more than once (retries need it). */
  readonly reopenable: boolean;
}

/** Options of {@link uploadEncrypted}. */
export interface UploadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Attempts in total for a reopenable source. Default 3. */
  readonly attempts?: number;
  /** Delay between attempts. Default 500 ms doubling to 10 s, with jitter. */
  readonly backoff?: BackoffOptions;
}

/** What an upload produced. */
export interface UploadedFile {
  readonly fileId: string;
  readonly descriptor: AttachmentDescriptor;
}

/** Whether runtime's fetch can stream a request body (Node's undici; browsers need HTTP/2). */
function canStreamBody(): boolean {
  return (
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string'
  );
}

function isRetryable(error: unknown): boolean {
  if (!ChatError.is(error)) return false;
  return ['network_error', 'unavailable', 'internal', 'rate_limited', 'token_expired'].includes(
    error.code,
  );
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Encrypts a file as it streams (the crypto core's chunked AES-256-GCM) and uploads the
 * ciphertext with `POST /files`, reporting progress. Network failures, overload and server
 * errors are retried with backoff (a fresh encryption under a fresh key each time) when the
 * source can be read again; refusals (`payload_too_large`, `quota_exceeded`, ...) are not.
 *
 * In Node the ciphertext streams straight into the request. Browsers only stream request
 * bodies over HTTP/2, so there the ciphertext is gathered into a `Blob` first (browsers keep
 * large blobs on disk) and sent with `XMLHttpRequest`, whose upload events give the progress
 * (with an injected `fetch`, progress covers the encryption instead).
 *
 * @throws ChatError from the server or the network, or the signal's reason once aborted.
 */
export async function uploadEncrypted(
  rest: RestClient,
  provider: CryptoProvider,
  job: UploadJob,
  options: UploadOptions = {},
): Promise<UploadedFile> {
  const total = encryptedAttachmentSize(job.size);
  const query = new URLSearchParams({
    conversationId: job.conversationId,
    size: String(total),
    type: job.type,
  });
  const attempts = job.reopenable ? Math.max(1, options.attempts ?? 3) : 1;
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await attemptUpload(rest, provider, job, `/files?${query}`, total, options);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt + 1 >= attempts || !isRetryable(error)) throw error;
      const wait = Math.max(
        (error as ChatError).retryAfterMs ?? 0,
        backoffDelay(attempt, { baseMs: 500, maxMs: 10_000, ...options.backoff }),
      );
      await sleep(wait, options.signal);
    }
  }
}

async function attemptUpload(
  rest: RestClient,
  provider: CryptoProvider,
  job: UploadJob,
  path: string,
  total: number,
  options: UploadOptions,
): Promise<UploadedFile> {
  let descriptor: Promise<AttachmentDescriptor> | undefined;
  // In browsers the ciphertext is gathered into a Blob first; progress then comes from the
  // network (XMLHttpRequest) when the client can observe it, else from the encryption.
  const buffered = !canStreamBody();
  const networkProgress = buffered && rest.reportsUploadProgress;
  const encrypt = (): ReadableStream<Uint8Array> => {
    const encrypted = encryptAttachment(provider, {
      source: job.plaintext(),
      mime: job.type,
      ...(job.name === undefined ? {} : { name: job.name }),
    });
    descriptor = encrypted.descriptor;
    if (networkProgress || !options.onProgress) return encrypted.stream;
    let loaded = 0;
    const report = options.onProgress;
    return encrypted.stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          loaded += chunk.length;
          report({ loaded, total });
          controller.enqueue(chunk);
        },
      }),
    );
  };
  let body: BodyInit | undefined;
  if (buffered) {
    const parts: Uint8Array[] = [];
    const reader = encrypt().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      options.signal?.throwIfAborted();
      parts.push(r.value);
    }
    body = new Blob(parts as BlobPart[]);
  }
  const report = options.onProgress;
  const response = await rest.raw('POST', path, {
    headers: { 'content-type': 'application/octet-stream' },
    rawBody: () => (body ? { body } : { body: encrypt(), duplex: 'half' }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(networkProgress && report
      ? { onUploadProgress: (loaded: number) => report({ loaded, total }) }
      : {}),
  });
  const parsed = fileInfo.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ChatError('internal', 'Unexpected response to an upload');
  return { fileId: parsed.data.id, descriptor: await descriptor! };
}
