import type { ZodType } from 'zod';
import { ChatError } from '../errors.js';
import { API_PREFIX } from '../protocol/auth.js';
import { hasXhr, xhrSend } from './xhr-send.js';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Where authenticated requests get their access token. The auth layer implements it; keeping
 * it an interface lets the REST client stay ignorant of refresh tokens and storage.
 */
export interface TokenSource {
  /** A current access token, refreshed first if the clock says it has expired. */
  accessToken(): Promise<string>;
  /**
   * The server answered `token_expired` for `rejected`: return a fresh token. Implementations
   * coalesce concurrent calls, and return the current token without refreshing if it already
   * differs from `rejected` (another request refreshed meanwhile).
   */
  renewAfterRejection(rejected: string): Promise<string>;
}

/** Options for {@link RestClient}. */
export interface RestClientOptions {
  /** Server origin such as `https://chat.example.com` (a path prefix is kept); required. */
  serverUrl: string;
  /** The `fetch` to use. Default: the global `fetch`, looked up at call time. */
  fetch?: typeof fetch;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

/** Per-request options of {@link RestClient.request}. */
export interface RequestOptions {
  /** JSON body. */
  body?: unknown;
  /** Send the access token from the {@link TokenSource}. Default `true`. */
  auth?: boolean;
  /** Aborts the request. */
  signal?: AbortSignal;
  /**
   * The route checks a password-derived key in the body and answers 401 for a wrong one, so a
   * 401 here is about the key, not the session: do not refresh and retry. Default `false`.
   */
  checksCredentials?: boolean;
}

/** Per-request options of {@link RestClient.raw}. */
export interface RawRequestOptions {
  /** Extra headers (content type, range). */
  headers?: Record<string, string>;
  /** Makes the body for one attempt; `duplex: 'half'` for a stream body. */
  rawBody?: () => { body: BodyInit; duplex?: 'half' };
  /** Send the access token. Default `true`. */
  auth?: boolean;
  signal?: AbortSignal;
  checksCredentials?: boolean;
  /**
   * Upload progress of a `Blob` body. Reported (through `XMLHttpRequest`) only in browsers
   * using the global `fetch`; elsewhere it is not called.
   */
  onUploadProgress?: (loaded: number, total: number) => void;
}

/**
 * A small JSON client for the Parley REST API (`/api/v1`). It adds the bearer token, turns
 * error bodies into {@link ChatError} (with `retryAfterMs` from `Retry-After`), turns a failure
 * to connect into `network_error`, validates response bodies with the protocol's zod schemas,
 * and on a 401 refreshes once and retries once, so a token that expired while the tab slept
 * costs the caller nothing, and a revoked session is noticed by the token source.
 */
export class RestClient {
  readonly #base: string;
  readonly #fetch: typeof fetch | undefined;
  readonly #now: () => number;
  #tokens: TokenSource | null = null;

  /** @param options - See {@link RestClientOptions}. */
  constructor(options: RestClientOptions) {
    let url: URL;
    try {
      url = new URL(options.serverUrl);
    } catch (cause) {
      throw new TypeError(`serverUrl is not a valid URL: ${String(options.serverUrl)}`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('serverUrl must be an http: or https: URL');
    }
    this.#base = `${url.origin}${url.pathname.replace(/\/+$/, '')}${API_PREFIX}`;
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
  }

  /** The API base URL requests go to, e.g. `https://chat.example.com/api/v1`. */
  get baseUrl(): string {
    return this.#base;
  }

  /** Whether {@link raw} reports upload progress of `Blob` bodies (see `onUploadProgress`). */
  get reportsUploadProgress(): boolean {
    return this.#fetch === undefined && hasXhr();
  }

  /** Installs (or with `null` removes) the source of access tokens for authenticated calls. */
  setTokenSource(tokens: TokenSource | null): void {
    this.#tokens = tokens;
  }

  /**
   * Sends a request and parses the JSON response with `schema`, or resolves with nothing when
   * no schema is given (204 routes).
   *
   * @param method - HTTP method.
   * @param path - Path below `/api/v1`, starting with `/`.
   * @param options - Body, auth, signal, and the response schema.
   * @throws ChatError with the server's code, `network_error`, `unauthorized` when an
   *   authenticated call is made without a session, or `internal` for a response that does
   *   not match the schema.
   */
  request<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions & { schema: ZodType<T> },
  ): Promise<T>;
  request(method: HttpMethod, path: string, options?: RequestOptions): Promise<void>;
  async request<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions & { schema?: ZodType<T> } = {},
  ): Promise<T | void> {
    const response = await this.#sendWithAuth(method, path, options);
    if (!response.ok) throw await ChatError.fromResponse(response, this.#now);
    if (!options.schema) {
      await response.body?.cancel();
      return;
    }
    return parseBody(await readJson(response), options.schema, `${method} ${path}`);
  }

  /**
   * Sends an authenticated request with a non-JSON body (or none) and returns the successful
   * response unread: file uploads and downloads. `body` is called for each attempt (a refresh
   * after `token_expired` sends again), so a stream body can be made anew.
   *
   * @throws ChatError like {@link request}.
   */
  async raw(method: HttpMethod, path: string, options: RawRequestOptions = {}): Promise<Response> {
    const response = await this.#sendWithAuth(method, path, options);
    if (!response.ok) throw await ChatError.fromResponse(response, this.#now);
    return response;
  }

  async #sendWithAuth(
    method: HttpMethod,
    path: string,
    options: RequestOptions | RawRequestOptions,
  ): Promise<Response> {
    if (options.auth === false) return this.#send(method, path, options, undefined);
    const tokens = this.#tokens;
    if (!tokens) throw new ChatError('unauthorized', 'Not signed in');
    const token = await tokens.accessToken();
    const response = await this.#send(method, path, options, token);
    if (response.status !== 401) return response;
    const error = await ChatError.fromResponse(response, this.#now);
    if (error.code !== 'token_expired' && options.checksCredentials) throw error;
    // An expired token is refreshed; any other 401 means the session may have ended (revoked,
    // password changed elsewhere), and the refresh is what finds out: it fails with 401, and
    // the token source ends the session. One refresh and one retry only: a second rejection
    // means clocks disagree badly or the server is misconfigured, and looping would hammer
    // the refresh endpoint.
    const fresh = await tokens.renewAfterRejection(token);
    return this.#send(method, path, options, fresh);
  }

  async #send(
    method: HttpMethod,
    path: string,
    options: RequestOptions | RawRequestOptions,
    token: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    const raw = options as RawRequestOptions;
    if (raw.headers) Object.assign(headers, raw.headers);
    const json = (options as RequestOptions).body;
    if (raw.rawBody) {
      const { body, duplex } = raw.rawBody();
      init.body = body;
      // Required by fetch for a stream body, which is then sent as it is produced.
      if (duplex) init.duplex = duplex;
    } else if (json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    if (options.signal) init.signal = options.signal;
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    try {
      if (raw.onUploadProgress && init.body instanceof Blob && !this.#fetch && hasXhr()) {
        return await xhrSend(`${this.#base}${path}`, {
          method,
          headers,
          body: init.body,
          ...(options.signal ? { signal: options.signal } : {}),
          onUploadProgress: raw.onUploadProgress,
        });
      }
      // Called unbound through a local: browsers throw "Illegal invocation" for a fetch
      // detached from `window`, so never call it as a method of this object.
      return await fetchImpl(`${this.#base}${path}`, init);
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw ChatError.network(cause);
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch (cause) {
    throw new ChatError('internal', 'The server sent a response that is not JSON', {
      status: response.status,
      cause,
    });
  }
}

function parseBody<T>(json: unknown, schema: ZodType<T>, what: string): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ChatError('internal', `Unexpected response shape from ${what}`, {
      cause: result.error,
    });
  }
  return result.data;
}
