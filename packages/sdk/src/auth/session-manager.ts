import { encryptBundle } from '../crypto/account.js';
import type { KeyBundle } from '../crypto/account.js';
import { fromB64u, toB64u, zeroize } from '../crypto/encoding.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Emitter } from '../emitter.js';
import { ChatError } from '../errors.js';
import {
  accountKeys,
  authResponse,
  preloginResponse,
  publicUser,
  sessionList,
} from '../protocol/auth.js';
import type { AuthResponse, SessionInfo, TokenPair } from '../protocol/auth.js';
import type { RestClient } from '../rest/rest-client.js';
import type { LocalStore } from '../store/local-store.js';
import type {
  ChangePasswordInput,
  ChatClientEvents,
  CurrentUser,
  DeleteAccountInput,
  LoginInput,
  ProgressCallback,
  RegisterInput,
  SessionState,
} from '../types.js';
import {
  buildRegistration,
  deriveSecrets,
  openAccount,
  unwrapWithKek,
  wipeAccount,
} from './account-keys.js';
import type { KdfCost, UnlockedAccount } from './account-keys.js';
import type { KdfRunner } from './kdf-runner.js';
import { changePassword, deleteAccount } from './password-operations.js';
import type { PasswordContext } from './password-operations.js';
import { clearSession, loadSession, saveSession } from './stored-session.js';
import type { Timers } from './timers.js';
import { TokenManager } from './token-manager.js';
import { rotateTokens } from './token-rotation.js';
import type { RotationContext } from './token-rotation.js';
import { assertPassword, normalizeUsername, validDisplayName, validUsername } from './username.js';

/** Options of {@link SessionManager}; all required (the client fills in defaults). */
export interface SessionManagerOptions {
  rest: RestClient;
  store: LocalStore;
  provider: () => Promise<CryptoProvider>;
  runKdf: KdfRunner;
  cost: KdfCost;
  now: () => number;
  timers: Timers;
  persistSession: boolean;
  events: Emitter<ChatClientEvents>;
}

interface SignedIn {
  user: CurrentUser;
  account: UnlockedAccount;
}

/**
 * The account and session life cycle behind `ChatClient` (crypto.md §7.4): register, login,
 * resume, refresh, logout, password change, account deletion. Holds the unlocked keys in
 * memory while signed in and wipes them on the way out.
 *
 * Public operations run one at a time (a second login waits for the first), because each one
 * replaces the whole signed-in state.
 */
export class SessionManager {
  readonly #o: SessionManagerOptions;
  readonly #tokens: TokenManager;
  readonly #rotation: RotationContext;
  #state: SignedIn | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** @param options - See {@link SessionManagerOptions}. */
  constructor(options: SessionManagerOptions) {
    this.#o = options;
    this.#rotation = {
      rest: options.rest,
      store: options.store,
      persistSession: options.persistSession,
      onPersistError: (error) => this.#reportError(error),
    };
    this.#tokens = new TokenManager({
      refresh: (current) => rotateTokens(this.#rotation, current),
      onExpired: () => void this.#end('expired'),
      onRetry: (error) => options.events.emit('error', error),
      now: options.now,
      timers: options.timers,
    });
    options.rest.setTokenSource(this.#tokens);
  }

  /** The signed-in user, or `null`. */
  get user(): CurrentUser | null {
    return this.#state?.user ?? null;
  }

  /** The unlocked keys while signed in, for the SDK's other modules. */
  get account(): UnlockedAccount | null {
    return this.#state?.account ?? null;
  }

  /** The current session's id, or `null`. */
  get sessionId(): string | null {
    return this.#state ? (this.#tokens.current?.sessionId ?? null) : null;
  }

  /** Access tokens for authenticated requests and sockets. */
  get tokens(): TokenManager {
    return this.#tokens;
  }

  /** Creates the account's keys, registers, and signs in (`ChatClient.register`). */
  register(input: RegisterInput): Promise<CurrentUser> {
    return this.#exclusive(async () => {
      this.#assertSignedOut();
      const username = validUsername(input.username);
      const displayName = validDisplayName(input.displayName);
      assertPassword(input.password);
      const provider = await this.#o.provider();
      const { request, account } = await buildRegistration(provider, this.#o.runKdf, {
        username,
        password: input.password,
        ...(displayName === undefined ? {} : { displayName }),
        cost: this.#o.cost,
        now: this.#o.now(),
        onProgress: this.#progress(input.onProgress, 0, 1),
      });
      const response = await this.#o.rest.request('POST', '/auth/register', {
        auth: false,
        body: request,
        schema: authResponse,
      });
      if (response.user.id !== account.userId) {
        throw new ChatError('internal', 'The server registered a different user id');
      }
      return this.#signIn(response, account);
    });
  }

  /** prelogin → Argon2id → login → unwrap the account key → open the bundle. */
  login(input: LoginInput): Promise<CurrentUser> {
    return this.#exclusive(async () => {
      this.#assertSignedOut();
      const username = normalizeUsername(input.username);
      assertPassword(input.password);
      const provider = await this.#o.provider();
      const { kdf } = await this.#o.rest.request('POST', '/auth/prelogin', {
        auth: false,
        body: { username },
        schema: preloginResponse,
      });
      const onProgress = this.#progress(input.onProgress, 0, 1);
      const secrets = await deriveSecrets(
        provider,
        this.#o.runKdf,
        input.password,
        kdf,
        onProgress,
      );
      try {
        const response = await this.#o.rest.request('POST', '/auth/login', {
          auth: false,
          body: { username, authKey: toB64u(secrets.authKey) },
          schema: authResponse,
        });
        this.#tokens.set(response);
        try {
          const accountKey = await unwrapWithKek(
            provider,
            secrets.kek,
            response.user.id,
            response.keys,
          );
          const account = await openAccount(provider, response.user.id, accountKey, response.keys);
          return await this.#signIn(response, account);
        } catch (error) {
          await this.#abandonServerSession();
          throw error;
        }
      } finally {
        zeroize(secrets.authKey, secrets.kek);
      }
    });
  }

  /** Stored session → refresh → `GET /me/keys` → open the bundle with the stored account key. */
  resume(): Promise<boolean> {
    return this.#exclusive(async () => {
      if (this.#state) return true;
      const stored = await loadSession(this.#o.store);
      if (!stored) return false;
      let pair: TokenPair;
      try {
        pair = await rotateTokens(this.#rotation, stored);
      } catch (error) {
        if (!ChatError.is(error) || error.status !== 401) throw error;
        await clearSession(this.#o.store);
        this.#o.events.emit('session', 'expired');
        return false;
      }
      this.#tokens.set(pair);
      try {
        const provider = await this.#o.provider();
        const [user, keys] = await Promise.all([
          this.#o.rest.request('GET', '/me', { schema: publicUser }),
          this.#o.rest.request('GET', '/me/keys', { schema: accountKeys }),
        ]);
        if (user.id !== stored.userId) throw new ChatError('unauthorized', 'Session user mismatch');
        const account = await openAccount(provider, user.id, fromB64u(stored.accountKey), keys);
        await this.#signIn({ ...pair, user }, account);
        return true;
      } catch (error) {
        if (!ChatError.is(error) || !isSessionInvalid(error)) {
          this.#tokens.clear();
          throw error;
        }
        // The stored account key no longer opens the bundle (keys were reset elsewhere) or
        // the session is gone: the password is needed again.
        await this.#abandonServerSession();
        await clearSession(this.#o.store);
        this.#o.events.emit('session', 'expired');
        return false;
      }
    });
  }

  /** Ends this session on the server (best effort) and everywhere locally. */
  logout(): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#tokens.current) {
        try {
          await this.#o.rest.request('POST', '/auth/logout');
        } catch (error) {
          // Signing out locally must always work (offline, server down); the refresh token is
          // forgotten either way, and the server expires it in time.
          this.#reportError(error);
        }
      }
      await this.#end('signed-out');
    });
  }

  /** Ends every session of the user (`POST /auth/logout-all`), then signs out here. */
  logoutEverywhere(): Promise<void> {
    return this.#exclusive(async () => {
      this.#requireSignedIn();
      await this.#o.rest.request('POST', '/auth/logout-all');
      await this.#end('signed-out');
    });
  }

  /** The user's sessions (`GET /auth/sessions`). */
  async sessions(): Promise<SessionInfo[]> {
    this.#requireSignedIn();
    const list = await this.#o.rest.request('GET', '/auth/sessions', { schema: sessionList });
    return list.sessions;
  }

  /** Ends one session; ending the current one signs this client out. */
  revokeSession(id: string): Promise<void> {
    return this.#exclusive(async () => {
      this.#requireSignedIn();
      if (typeof id !== 'string' || id.length === 0) throw new TypeError('session id required');
      const current = this.sessionId;
      await this.#o.rest.request('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);
      if (id === current) await this.#end('signed-out');
    });
  }

  /** Verifies the current password locally, then re-wraps the account key under the new one. */
  changePassword(input: ChangePasswordInput): Promise<void> {
    return this.#exclusive(async () => {
      assertPassword(input.currentPassword, 'currentPassword');
      assertPassword(input.newPassword, 'newPassword');
      await changePassword(await this.#passwordContext(), {
        currentPassword: input.currentPassword,
        newPassword: input.newPassword,
        cost: this.#o.cost,
        progress: [
          this.#progress(input.onProgress, 0, 0.5),
          this.#progress(input.onProgress, 0.5, 1),
        ],
      });
    });
  }

  /** Verifies the password locally, deletes the account, and signs out. */
  deleteAccount(input: DeleteAccountInput): Promise<void> {
    return this.#exclusive(async () => {
      assertPassword(input.password);
      const onProgress = this.#progress(input.onProgress, 0, 1);
      await deleteAccount(await this.#passwordContext(), input.password, onProgress);
      await this.#end('signed-out');
    });
  }

  /**
   * Encrypts `bundle` under the account key and uploads it (`PUT /me/keys/bundle`), then keeps
   * it as the in-memory bundle. For the SDK's key-rotation and trust modules.
   */
  async updateBundle(bundle: KeyBundle): Promise<void> {
    const { account } = this.#requireSignedIn();
    const provider = await this.#o.provider();
    const blob = await encryptBundle(provider, account.accountKey, account.userId, bundle);
    await this.#o.rest.request('PUT', '/me/keys/bundle', { body: { encBundle: toB64u(blob) } });
    if (this.#state?.account === account) account.bundle = bundle;
  }

  /**
   * Stops timers and wipes keys from memory, keeping the stored session so a later client can
   * `resume()`. Further operations fail.
   */
  close(): void {
    this.#closed = true;
    this.#tokens.clear();
    this.#o.rest.setTokenSource(null);
    if (this.#state) wipeAccount(this.#state.account);
    this.#state = null;
  }

  async #passwordContext(): Promise<PasswordContext> {
    const { account } = this.#requireSignedIn();
    return {
      rest: this.#o.rest,
      provider: await this.#o.provider(),
      runKdf: this.#o.runKdf,
      account,
    };
  }

  async #signIn(
    response: TokenPair & Pick<AuthResponse, 'user'>,
    account: UnlockedAccount,
  ): Promise<CurrentUser> {
    const user: CurrentUser = Object.freeze({
      id: response.user.id,
      username: response.user.username,
      displayName: response.user.displayName || response.user.username,
    });
    this.#tokens.set(response);
    this.#state = { user, account };
    await this.#persist(response);
    this.#o.events.emit('session', 'signed-in');
    return user;
  }

  async #persist(pair: TokenPair): Promise<void> {
    const state = this.#state;
    if (!this.#o.persistSession || !state) return;
    try {
      await saveSession(this.#o.store, {
        userId: state.user.id,
        username: state.user.username,
        displayName: state.user.displayName,
        accountKey: toB64u(state.account.accountKey),
        ...pick(pair),
      });
    } catch (error) {
      // Signed in either way; only resume() after a reload is lost.
      this.#reportError(error);
    }
  }

  /** Tells the server to end a session we will not use (best effort), then forgets the tokens. */
  async #abandonServerSession(): Promise<void> {
    try {
      if (this.#tokens.current) await this.#o.rest.request('POST', '/auth/logout');
    } catch {
      // It expires on its own; the caller already has the error that matters.
    }
    this.#tokens.clear();
  }

  async #end(reason: Exclude<SessionState, 'signed-in'>): Promise<void> {
    const wasSignedIn = this.#state !== null;
    this.#tokens.clear();
    if (this.#state) wipeAccount(this.#state.account);
    this.#state = null;
    try {
      await clearSession(this.#o.store);
    } catch (error) {
      this.#reportError(error);
    }
    if (wasSignedIn) this.#o.events.emit('session', reason);
  }

  #progress(onProgress: ProgressCallback | undefined, from: number, to: number): ProgressCallback {
    return (fraction) => {
      const value = from + (to - from) * Math.min(1, Math.max(0, fraction));
      this.#o.events.emit('kdf-progress', value);
      onProgress?.(value);
    };
  }

  #reportError(error: unknown): void {
    const chatError = ChatError.is(error)
      ? error
      : new ChatError('internal', error instanceof Error ? error.message : 'Unexpected error', {
          cause: error,
        });
    this.#o.events.emit('error', chatError);
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new ChatError('unavailable', 'The client is closed'));
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #assertSignedOut(): void {
    if (this.#state) throw new ChatError('conflict', 'Already signed in; call logout() first');
  }

  #requireSignedIn(): SignedIn {
    if (this.#closed) throw new ChatError('unavailable', 'The client is closed');
    if (!this.#state) throw new ChatError('unauthorized', 'Not signed in');
    return this.#state;
  }
}

function pick(pair: TokenPair): { refreshToken: string; sessionId: string } {
  return { refreshToken: pair.refreshToken, sessionId: pair.sessionId };
}

/** Errors after which a stored session cannot be used and the password is needed. */
function isSessionInvalid(error: ChatError): boolean {
  return (
    error.status === 401 || error.code === 'unauthorized' || error.code === 'decryption_failed'
  );
}
